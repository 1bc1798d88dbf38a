package io.prmonitor.it;

/** The end-to-end scenarios on PostgreSQL at 127.0.0.1:5432. */
class PostgresEndToEndSyncTest extends EndToEndSyncTest {

  @Override
  StoreTarget createTarget() {
    return StoreTarget.Postgres.create();
  }
}
