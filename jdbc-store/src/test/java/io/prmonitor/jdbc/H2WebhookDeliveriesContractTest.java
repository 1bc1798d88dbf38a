package io.prmonitor.jdbc;

import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.StoreSettings;
import io.prmonitor.spi.contract.WebhookDeliveriesContract;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The webhook-delivery contract on an H2 file database; {@link #reopen()} opens a second store on the file. */
class H2WebhookDeliveriesContractTest extends WebhookDeliveriesContract {

  @TempDir
  Path directory;

  private String url() {
    return "jdbc:h2:file:" + directory.resolve("deliveries").toAbsolutePath() + ";AUTO_SERVER=FALSE";
  }

  @Override
  protected PullRequestStore createStore() {
    return JdbcPullRequestStore.create(new StoreSettings(url(), "sa", null, 10, Duration.ofSeconds(30), Map.of()));
  }

  @Override
  protected PullRequestStore reopen() {
    // one embedded H2 file belongs to one JVM: a second pool on it is what a restarted monitor opens
    store.close();
    return createStore();
  }
}
