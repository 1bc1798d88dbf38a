package io.prmonitor.github.ratelimit;

/**
 * A monotonic time source in nanoseconds, for measuring response times and pauses. Unlike a
 * {@link java.time.Clock} it never jumps, so a test that moves the wall clock past a rate-limit reset
 * does not disturb pacing. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Ticker {

  /** {@link System#nanoTime()}. */
  Ticker SYSTEM = System::nanoTime;

  /** The current reading, in nanoseconds from an arbitrary origin. */
  long nanoTime();
}
