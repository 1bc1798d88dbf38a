package io.prmonitor.it;

/** The enrichment fidelity scenarios on PostgreSQL at 127.0.0.1:5432. */
class PostgresEnrichmentFidelityTest extends EnrichmentFidelityTest {

  @Override
  StoreTarget createTarget() {
    return StoreTarget.Postgres.create();
  }
}
