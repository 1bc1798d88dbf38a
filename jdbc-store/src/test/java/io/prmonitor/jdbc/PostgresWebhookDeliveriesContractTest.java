package io.prmonitor.jdbc;

import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.StoreSettings;
import io.prmonitor.spi.contract.WebhookDeliveriesContract;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The webhook-delivery contract on PostgreSQL, in a schema of its own; {@link #reopen()} opens a second store
 * (another worker) on the same schema.
 */
class PostgresWebhookDeliveriesContractTest extends WebhookDeliveriesContract {

  private static PostgresSchema schema;

  @BeforeAll
  static void createSchema() {
    schema = PostgresSchema.create("prm_deliveries");
  }

  @AfterAll
  static void dropSchema() {
    if (schema != null) {
      schema.close();
    }
  }

  private static JdbcPullRequestStore open() {
    return JdbcPullRequestStore.create(new StoreSettings(schema.url(), PostgresSchema.USER, null, 10,
        Duration.ofSeconds(30), Map.of()));
  }

  @Override
  protected PullRequestStore createStore() {
    JdbcPullRequestStore store = open();
    try (Connection connection = schema.connection(); Statement statement = connection.createStatement()) {
      statement.execute("TRUNCATE prmonitor_webhook_deliveries");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot empty the webhook deliveries", e);
    }
    return store;
  }

  @Override
  protected PullRequestStore reopen() {
    return open();
  }
}
