package io.prmonitor.observability;

import io.prmonitor.core.store.InMemoryPullRequestStore;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.StoreException;
import io.prmonitor.spi.contract.ForwardingPullRequestStore;

/** An in-memory store that a test can make unreachable, as a database that went away would be. */
final class SwitchableStore extends ForwardingPullRequestStore {

  private final InMemoryPullRequestStore store = new InMemoryPullRequestStore();
  private volatile boolean reachable = true;

  void reachable(boolean reachable) {
    this.reachable = reachable;
  }

  @Override
  protected PullRequestStore delegate() {
    if (!reachable) {
      throw new StoreException("connection refused (the test made the store unreachable)");
    }
    return store;
  }

  @Override
  public void close() {
    store.close();
  }
}
