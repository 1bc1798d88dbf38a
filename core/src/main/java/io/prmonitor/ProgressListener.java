package io.prmonitor;

import io.prmonitor.spi.RepositoryId;
import java.time.Duration;
import java.util.List;

/**
 * Receives the progress of passes: when a pass starts (over which repositories), each time one of its
 * repositories ends, and the pass's report when it ends. Called from the monitor's threads, one call at a
 * time within a pass, so the repositories done only grow from one progress to the next; must be
 * thread-safe and quick. A listener that throws is logged and the pass goes on.
 */
@FunctionalInterface
public interface ProgressListener {

  /** A pass's progress. */
  record Progress(long pass, int repositoriesDone, int repositoriesTotal, long pullRequests, long requests,
      Duration elapsed, Duration estimatedRemaining) {
  }

  /** Called after each repository of a pass ends, however it ended. */
  void onProgress(Progress progress);

  /**
   * Called when a pass starts, after discovery, with the repositories it covers (named and discovered;
   * with leases on, the whole fleet this monitor may take up). Does nothing by default.
   */
  default void onPassStart(long pass, List<RepositoryId> repositories) {
  }

  /** Called when a pass ended with a report, after delivery. Does nothing by default. */
  default void onPassEnd(RunReport report) {
  }
}
