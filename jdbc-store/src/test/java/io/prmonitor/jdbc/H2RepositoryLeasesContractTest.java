package io.prmonitor.jdbc;

import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.StoreSettings;
import io.prmonitor.spi.contract.RepositoryLeasesContract;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** The lease contract on an in-memory H2 database (conditional updates instead of SKIP LOCKED). */
class H2RepositoryLeasesContractTest extends RepositoryLeasesContract {

  @Override
  protected PullRequestStore createStore() {
    return JdbcPullRequestStore.create(new StoreSettings("jdbc:h2:mem:leases-" + UUID.randomUUID(), "sa", null,
        10, Duration.ofSeconds(30), Map.of()));
  }
}
