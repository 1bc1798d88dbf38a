package io.prmonitor.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the simulator takes to answer a request: a fixed part, plus a part per KiB of (uncompressed) body,
 * plus a uniformly random jitter in {@code [0, jitter]}, so a 2 MB page is slower than a {@code 304}, as on
 * GitHub. Immutable and thread-safe.
 *
 * @param fixed added to every response, never negative
 * @param perKb added per 1024 bytes of response body, never negative
 * @param jitter upper bound of a random extra delay, never negative
 */
public record Latency(Duration fixed, Duration perKb, Duration jitter) {

  private static final Latency NONE = new Latency(Duration.ZERO, Duration.ZERO, Duration.ZERO);

  /**
   * @throws IllegalArgumentException naming the bad value if any part is negative
   */
  public Latency {
    Objects.requireNonNull(fixed, "null fixed");
    Objects.requireNonNull(perKb, "null perKb");
    Objects.requireNonNull(jitter, "null jitter");
    if (fixed.isNegative() || perKb.isNegative() || jitter.isNegative()) {
      throw new IllegalArgumentException("latency cannot be negative: fixed=" + fixed + ", perKb=" + perKb
          + ", jitter=" + jitter);
    }
  }

  /** No added latency: the simulator answers as fast as it can. */
  public static Latency none() {
    return NONE;
  }

  /** A latency of {@code fixed + perKb * KiB + random(0..jitter)}. */
  public static Latency of(Duration fixed, Duration perKb, Duration jitter) {
    return new Latency(fixed, perKb, jitter);
  }

  /** The delay in nanoseconds for a body of {@code bytes}, given a jitter fraction in {@code [0, 1)}. */
  long nanosFor(long bytes, double jitterFraction) {
    return fixed.toNanos() + (long) (perKb.toNanos() * (bytes / 1024.0))
        + (long) (jitter.toNanos() * jitterFraction);
  }

  boolean isNone() {
    return fixed.isZero() && perKb.isZero() && jitter.isZero();
  }
}
