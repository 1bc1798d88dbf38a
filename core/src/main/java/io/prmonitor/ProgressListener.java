package io.prmonitor;

import java.time.Duration;

/**
 * Receives the progress of a pass each time a repository ends. Called from the repository's thread;
 * must be thread-safe and quick.
 */
@FunctionalInterface
public interface ProgressListener {

  /** A pass's progress. */
  record Progress(long pass, int repositoriesDone, int repositoriesTotal, long pullRequests, long requests,
      Duration elapsed, Duration estimatedRemaining) {
  }

  /** Called after each repository of a pass ends, however it ended. */
  void onProgress(Progress progress);
}
