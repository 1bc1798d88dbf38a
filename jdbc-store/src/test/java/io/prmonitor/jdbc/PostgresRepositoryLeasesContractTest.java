package io.prmonitor.jdbc;

import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.StoreSettings;
import io.prmonitor.spi.contract.RepositoryLeasesContract;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The lease contract on PostgreSQL ({@code FOR UPDATE SKIP LOCKED}), in a schema of its own. */
class PostgresRepositoryLeasesContractTest extends RepositoryLeasesContract {

  private static PostgresSchema schema;

  @BeforeAll
  static void createSchema() {
    schema = PostgresSchema.create("prm_leases");
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
    try (Connection connection = schema.connection(); Statement statement = connection.createStatement()) {
      statement.execute("TRUNCATE prmonitor_rate_limits");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot empty the rate-limit board", e);
    }
    return store;
  }
}
