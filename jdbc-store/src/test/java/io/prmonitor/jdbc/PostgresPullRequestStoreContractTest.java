package io.prmonitor.jdbc;

import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.StoreSettings;
import io.prmonitor.spi.contract.PullRequestStoreContract;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store contract on PostgreSQL, in a schema of this class's own, emptied before each test. */
class PostgresPullRequestStoreContractTest extends PullRequestStoreContract {

  private static PostgresSchema schema;

  @BeforeAll
  static void createSchema() {
    schema = PostgresSchema.create("prm_contract");
  }

  @AfterAll
  static void dropSchema() {
    if (schema != null) {
      schema.close();
    }
  }

  @Override
  protected PullRequestStore createStore() {
    JdbcPullRequestStore store = JdbcPullRequestStore.create(new StoreSettings(schema.url(), PostgresSchema.USER,
        null, 10, Duration.ofSeconds(30), Map.of()));
    schema.truncate();
    return store;
  }
}
