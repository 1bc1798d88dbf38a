package io.prmonitor.jdbc;

import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.StoreSettings;
import io.prmonitor.spi.contract.PullRequestStoreContract;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** The store contract on an in-memory H2 database, a new one per test. */
class H2MemoryPullRequestStoreContractTest extends PullRequestStoreContract {

  @Override
  protected PullRequestStore createStore() {
    return JdbcPullRequestStore.create(new StoreSettings("jdbc:h2:mem:contract-" + UUID.randomUUID(), "sa", null,
        10, Duration.ofSeconds(30), Map.of()));
  }
}
