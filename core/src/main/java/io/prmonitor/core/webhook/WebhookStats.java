package io.prmonitor.core.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The liveness of a monitor's webhooks: when the last verified delivery arrived, how many arrived in the last
 * minute, and how many were refused for their signature. Times come from the monitor's clock. Thread-safe.
 */
public final class WebhookStats {

  private static final int SECONDS = 60;

  private final Clock clock;
  private final AtomicReference<Instant> lastDelivery = new AtomicReference<>();
  private final AtomicLong signatureFailures = new AtomicLong();
  private final AtomicLong verified = new AtomicLong();
  private final ReentrantLock lock = new ReentrantLock();
  /** Verified deliveries per second of the last minute, by epoch second modulo 60. */
  private final long[] counts = new long[SECONDS];
  private final long[] secondOf = new long[SECONDS];

  public WebhookStats(Clock clock) {
    this.clock = clock;
  }

  /** Counts a delivery whose signature verified. */
  void verified() {
    Instant now = clock.instant();
    lastDelivery.set(now);
    verified.incrementAndGet();
    long second = now.getEpochSecond();
    int slot = (int) Math.floorMod(second, (long) SECONDS);
    lock.lock();
    try {
      if (secondOf[slot] != second) {
        secondOf[slot] = second;
        counts[slot] = 0;
      }
      counts[slot]++;
    } finally {
      lock.unlock();
    }
  }

  /** Counts a delivery refused for a missing or wrong signature. */
  void signatureFailed() {
    signatureFailures.incrementAndGet();
  }

  /** When the last verified delivery arrived, or null if none has. */
  public Instant lastDelivery() {
    return lastDelivery.get();
  }

  /** How long ago the last verified delivery arrived, or null if none has. */
  public Duration sinceLastDelivery() {
    Instant last = lastDelivery.get();
    return last == null ? null : Duration.between(last, clock.instant());
  }

  /** Verified deliveries in the last 60 seconds. */
  public long deliveriesLastMinute() {
    long now = clock.instant().getEpochSecond();
    long sum = 0;
    lock.lock();
    try {
      for (int i = 0; i < SECONDS; i++) {
        if (secondOf[i] > now - SECONDS && secondOf[i] <= now) {
          sum += counts[i];
        }
      }
    } finally {
      lock.unlock();
    }
    return sum;
  }

  /** Verified deliveries since start. */
  public long verifiedDeliveries() {
    return verified.get();
  }

  /** Deliveries refused for their signature since start. */
  public long signatureFailures() {
    return signatureFailures.get();
  }
}
