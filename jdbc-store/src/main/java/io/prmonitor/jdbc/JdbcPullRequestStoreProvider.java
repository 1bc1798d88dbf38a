package io.prmonitor.jdbc;

import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.PullRequestStoreProvider;
import io.prmonitor.spi.StoreSettings;

/**
 * The {@link PullRequestStoreProvider} named {@value #NAME}: creates a {@link JdbcPullRequestStore} from
 * {@link StoreSettings} (an H2 or PostgreSQL JDBC URL). Registered for {@link java.util.ServiceLoader};
 * does no work until {@link #create} is called. Thread-safe.
 */
public final class JdbcPullRequestStoreProvider implements PullRequestStoreProvider {

  /** The name configurations select this provider by. */
  public static final String NAME = "jdbc";

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public JdbcPullRequestStoreProvider() {
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Opens a store with its own connection pool and migrates the schema (or, with the property
   * {@code migrate=false}, only checks it); the caller closes it. See {@link JdbcPullRequestStore#create(StoreSettings)}.
   */
  @Override
  public PullRequestStore create(StoreSettings settings) {
    return JdbcPullRequestStore.create(settings);
  }
}
