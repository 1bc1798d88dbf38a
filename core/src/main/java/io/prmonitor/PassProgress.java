package io.prmonitor;

import io.prmonitor.core.sync.RepositoryOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks one pass's progress and tells the {@link ProgressListener}s: the pass's start, each repository's
 * end, and the pass's report. A listener that throws is logged and the pass goes on. Thread-safe.
 */
final class PassProgress {

  private static final Logger log = LoggerFactory.getLogger(PassProgress.class);

  private final List<ProgressListener> listeners;
  private final Clock clock;
  private final long pass;
  private final int total;
  private final Instant startedAt;
  private final ReentrantLock order = new ReentrantLock();
  private long done;
  private long pullRequests;
  private long requests;

  /** Starts tracking a pass over {@code repositories}, and tells the listeners it started. */
  PassProgress(List<ProgressListener> listeners, Clock clock, long pass, List<io.prmonitor.spi.RepositoryId>
      repositories, Instant startedAt) {
    this.listeners = listeners;
    this.clock = clock;
    this.pass = pass;
    this.total = repositories.size();
    this.startedAt = startedAt;
    tell(listener -> listener.onPassStart(pass, repositories));
  }

  /** One repository ended: listeners hear of it one at a time, so {@code done} never goes backwards. */
  void record(RepositoryOutcome outcome) {
    // a lock, not synchronized: a listener may block briefly, and a virtual thread must not pin its carrier
    order.lock();
    try {
      done++;
      pullRequests += outcome.pullRequestsSeen();
      requests += outcome.requests();
      if (listeners.isEmpty()) {
        return;
      }
      Duration elapsed = Duration.between(startedAt, clock.instant());
      Duration left = elapsed.multipliedBy(total - done).dividedBy(Math.max(1, done));
      ProgressListener.Progress snapshot = new ProgressListener.Progress(pass, (int) done, total, pullRequests,
          requests, elapsed, left);
      tell(listener -> listener.onProgress(snapshot));
    } finally {
      order.unlock();
    }
  }

  /** The pass ended with this report. */
  void ended(RunReport report) {
    tell(listener -> listener.onPassEnd(report));
  }

  private void tell(Consumer<ProgressListener> event) {
    for (ProgressListener listener : listeners) {
      try {
        event.accept(listener);
      } catch (RuntimeException e) {
        log.warn("progress listener {} failed", listener.getClass().getName(), e);
      }
    }
  }
}
