package io.prmonitor.core.plugin;

import io.prmonitor.core.store.InMemoryPullRequestStore;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.PullRequestStoreProvider;
import io.prmonitor.spi.StoreSettings;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Store providers registered through test resources, as a user's own store would be. */
public final class TestStoreProviders {

  /** Settings each provider was asked to create a store with. */
  public static final List<StoreSettings> CREATED = new CopyOnWriteArrayList<>();

  private TestStoreProviders() {
  }

  /** A provider named {@code alpha}. */
  public static final class Alpha implements PullRequestStoreProvider {
    @Override
    public String name() {
      return "alpha";
    }

    @Override
    public PullRequestStore create(StoreSettings settings) {
      CREATED.add(settings);
      return new InMemoryPullRequestStore();
    }
  }

  /** A provider named {@code beta}. */
  public static final class Beta implements PullRequestStoreProvider {
    @Override
    public String name() {
      return "beta";
    }

    @Override
    public PullRequestStore create(StoreSettings settings) {
      CREATED.add(settings);
      return new InMemoryPullRequestStore();
    }
  }
}
