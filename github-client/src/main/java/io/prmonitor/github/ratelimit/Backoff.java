package io.prmonitor.github.ratelimit;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Retry delays growing exponentially with random jitter: retry {@code n} (from 1) waits
 * {@code initialDelay * factor^(n-1)}, varied by up to {@code +-jitter} of itself and capped at
 * {@link #MAX_DELAY}. Thread-safe when its random source is.
 */
public final class Backoff {

  /** Default relative jitter: a delay varies by up to 20% either way. */
  public static final double DEFAULT_JITTER = 0.2;
  /** The longest delay returned. */
  public static final Duration MAX_DELAY = Duration.ofMinutes(5);

  private final Duration initialDelay;
  private final double factor;
  private final double jitter;
  private final DoubleSupplier random;

  /**
   * @param initialDelay the delay before the first retry, positive
   * @param factor the growth factor between retries, at least 1
   * @param jitter the relative jitter, from 0 to 1
   * @param random uniform numbers in {@code [0, 1)}
   */
  public Backoff(Duration initialDelay, double factor, double jitter, DoubleSupplier random) {
    Objects.requireNonNull(initialDelay, "null initialDelay");
    if (initialDelay.isNegative() || initialDelay.isZero()) {
      throw new IllegalArgumentException("initialDelay must be positive: " + initialDelay);
    }
    if (!(factor >= 1.0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("factor must be a finite number >= 1: " + factor);
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("jitter must be between 0 and 1: " + jitter);
    }
    this.initialDelay = initialDelay;
    this.factor = factor;
    this.jitter = jitter;
    this.random = Objects.requireNonNull(random, "null random");
  }

  /** A backoff with {@link #DEFAULT_JITTER} and a thread-local random source. */
  public static Backoff withJitter(Duration initialDelay, double factor) {
    return new Backoff(initialDelay, factor, DEFAULT_JITTER, () -> ThreadLocalRandom.current().nextDouble());
  }

  /**
   * The delay before retry {@code retry}.
   *
   * @param retry 1 for the first retry (the second attempt), 2 for the next, ...
   * @throws IllegalArgumentException if {@code retry} is below 1
   */
  public Duration delay(int retry) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry must be at least 1: " + retry);
    }
    double base = initialDelay.toNanos() * Math.pow(factor, retry - 1);
    double varied = base * (1.0 + jitter * (2.0 * random.getAsDouble() - 1.0));
    double capped = Math.min(varied, MAX_DELAY.toNanos());
    return Duration.ofNanos((long) Math.max(0.0, capped));
  }
}
