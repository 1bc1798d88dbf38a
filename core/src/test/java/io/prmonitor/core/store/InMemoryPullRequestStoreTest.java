package io.prmonitor.core.store;

import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.contract.PullRequestStoreContract;

/** The in-memory store passes the store contract. */
class InMemoryPullRequestStoreTest extends PullRequestStoreContract {

  @Override
  protected PullRequestStore createStore() {
    return new InMemoryPullRequestStore();
  }
}
