package io.prmonitor.spi;

/**
 * Creates {@link PullRequestStore}s; found with {@link java.util.ServiceLoader}. Register an
 * implementation in {@code META-INF/services/io.prmonitor.spi.PullRequestStoreProvider}. It needs a
 * public no-argument constructor and should do no work until {@link #create} is called.
 */
public interface PullRequestStoreProvider {

  /** The name a configuration selects this provider by, such as {@code jdbc}. */
  String name();

  /** Creates a store, with its schema migrated; the caller closes it. */
  PullRequestStore create(StoreSettings settings);
}
