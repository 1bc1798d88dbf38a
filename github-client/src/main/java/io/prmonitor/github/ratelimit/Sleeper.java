package io.prmonitor.github.ratelimit;

import java.time.Duration;

/**
 * Waits for a while. The client waits only through a {@code Sleeper}, so tests can replace real
 * waiting (a 60 s secondary-limit pause, a backoff delay) with a fake that advances a fake
 * {@link Ticker}. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Sleeper {

  /** Sleeps the calling thread; virtual-thread friendly. */
  Sleeper SYSTEM = Thread::sleep;

  /**
   * Waits for {@code duration} (zero or negative: returns at once).
   *
   * @throws InterruptedException if the thread was interrupted while waiting
   */
  void sleep(Duration duration) throws InterruptedException;
}
