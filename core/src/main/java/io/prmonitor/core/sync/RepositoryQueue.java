package io.prmonitor.core.sync;

import io.prmonitor.spi.RepositoryState;

/**
 * Hands out the repositories of one pass, one at a time, to the pass's workers.
 *
 * <p>A single monitor works through a fixed list ({@link OrderedRepositoryQueue}); several monitors
 * sharing one fleet claim repositories through leases in the store instead. Implementations must be
 * thread-safe: {@link #next()} and {@link #finished} are called from many threads.
 */
public interface RepositoryQueue {

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
}
