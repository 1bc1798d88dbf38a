package io.prmonitor.core.sync;

import io.prmonitor.spi.RepositoryState;

/**
 * Hands out the repositories of one pass, one at a time, to the pass's workers.
 *
 * <p>A single monitor works through a fixed list ({@link OrderedRepositoryQueue}); several monitors
 * sharing one fleet claim repositories through leases in the store instead. Implementations must be
 * thread-safe: {@link #next()} and {@link #finished} are called from many threads.
 */
public interface RepositoryQueue extends AutoCloseable {

  /**
   * Returns the next repository to synchronize, or null when this pass has no more work.
   *
   * @throws RuntimeException if the queue cannot be read (the store is down); the pass then stops
   *     taking up repositories
   */
  RepositoryState next();

  /** The synchronization of a repository handed out by {@link #next()} ended, however it ended. */
  void finished(RepositoryOutcome outcome);

  /** Repositories that could not even be handed out (their state could not be read), as outcomes. */
  default java.util.List<RepositoryOutcome> unavailable() {
    return java.util.List.of();
  }

  /**
   * Whether other monitors share the fleet: the pass then reports on the repositories it took up, not on the
   * whole fleet. Default false.
   */
  default boolean sharesFleet() {
    return false;
  }

  /**
   * The repositories whose changes this monitor delivers at the end of the pass, asked once the
   * repositories are done: with a shared fleet, those it still holds (each change reaches the listeners of
   * one monitor); alone, all of them (the default).
   */
  default java.util.function.Predicate<io.prmonitor.spi.RepositoryId> deliveredHere() {
    return repository -> true;
  }

  /** Ends the pass's hold on its repositories (releases leases); called once the changes are delivered. */
  @Override
  default void close() {
  }
}
