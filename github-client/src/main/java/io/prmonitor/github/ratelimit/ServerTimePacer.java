package io.prmonitor.github.ratelimit;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Paces requests on GitHub's server-time budget: the summed response time of one client within any
 * {@code window} must stay below {@code budget} (GitHub: about 90 s per 60 s), or GitHub answers with a
 * secondary rate limit.
 *
 * <p>Each completed request is remembered with its end time and duration in a sliding window. Before a
 * request is sent, the time of the window, plus an estimate for each request in flight and for the new
 * one (a moving average of recent durations), must fit into the budget less a safety margin; otherwise
 * the caller waits until enough old requests have left the window. A cold pass therefore runs close to
 * the edge of what the budget allows without crossing it. The first request, and any request when
 * nothing else counts, is always let through, so one request longer than the budget cannot deadlock.
 * Thread-safe; no lock is held while waiting.
 */
public final class ServerTimePacer {

  /** Part of the budget kept free for measurement error between client and server. */
  public static final double SAFETY_MARGIN = 0.05;
  private static final double AVERAGE_WEIGHT = 0.2;
  private static final long MIN_WAIT_NANOS = 1_000_000;

  private final long allowedNanos;
  private final long windowNanos;
  private final Ticker ticker;
  private final Sleeper sleeper;
  private final ReentrantLock lock = new ReentrantLock();
  /** Completed requests, oldest first: {end, duration} in nanoseconds. */
  private final ArrayDeque<long[]> recent = new ArrayDeque<>();
  private long recentSum;
  private int inFlight;
  private double averageNanos;

  /**
   * @param budget summed response time allowed per window, positive
   * @param window the sliding window, positive
   * @param ticker measures time
   * @param sleeper waits
   */
  public ServerTimePacer(Duration budget, Duration window, Ticker ticker, Sleeper sleeper) {
    Objects.requireNonNull(budget, "null budget");
    Objects.requireNonNull(window, "null window");
    if (budget.isNegative() || budget.isZero()) {
      throw new IllegalArgumentException("budget must be positive: " + budget);
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window must be positive: " + window);
    }
    this.allowedNanos = (long) (budget.toNanos() * (1.0 - SAFETY_MARGIN));
    this.windowNanos = window.toNanos();
    this.ticker = Objects.requireNonNull(ticker, "null ticker");
    this.sleeper = Objects.requireNonNull(sleeper, "null sleeper");
  }

  /** Waits until one more request fits into the budget, and counts it as in flight. */
  public void acquire() throws InterruptedException {
    while (true) {
      long wait = tryAcquire();
      if (wait <= 0) {
        return;
      }
      sleeper.sleep(Duration.ofNanos(wait));
    }
  }

  /**
   * Counts one more request in flight if it fits now.
   *
   * @return 0 if it was counted, else the nanoseconds to wait before trying again
   */
  long tryAcquire() {
    lock.lock();
    try {
      long now = ticker.nanoTime();
      prune(now);
      long expected = (long) averageNanos;
      long needed = recentSum + (inFlight + 1L) * expected;
      if (needed <= allowedNanos || (recentSum == 0 && inFlight == 0)) {
        inFlight++;
        return 0;
      }
      long excess = needed - allowedNanos;
      long freed = 0;
      for (long[] entry : recent) {
        freed += entry[1];
        if (freed >= excess) {
          return Math.max(MIN_WAIT_NANOS, entry[0] + windowNanos - now);
        }
      }
      // The requests in flight alone exceed the budget: wait for some of them to finish.
      return Math.max(MIN_WAIT_NANOS, expected / 2);
    } finally {
      lock.unlock();
    }
  }

  /** Records a finished request (answered or failed) that took {@code elapsed}. */
  public void release(Duration elapsed) {
    lock.lock();
    try {
      inFlight = Math.max(0, inFlight - 1);
      long nanos = Math.max(0, elapsed.toNanos());
      long now = ticker.nanoTime();
      recent.addLast(new long[] {now, nanos});
      recentSum += nanos;
      averageNanos = averageNanos == 0 ? nanos : averageNanos + AVERAGE_WEIGHT * (nanos - averageNanos);
      prune(now);
    } finally {
      lock.unlock();
    }
  }

  /** Returns a reservation whose request was never sent. */
  public void cancel() {
    lock.lock();
    try {
      inFlight = Math.max(0, inFlight - 1);
    } finally {
      lock.unlock();
    }
  }

  /** The summed response time of the requests in the current window. */
  public Duration windowTime() {
    lock.lock();
    try {
      prune(ticker.nanoTime());
      return Duration.ofNanos(recentSum);
    } finally {
      lock.unlock();
    }
  }

  private void prune(long now) {
    while (!recent.isEmpty() && recent.peekFirst()[0] + windowNanos - now <= 0) {
      recentSum -= recent.removeFirst()[1];
    }
  }
}
