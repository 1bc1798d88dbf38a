package io.prmonitor;

import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** Evaluates the health at most once per {@code maxAge}; concurrent callers share the evaluation. */
final class CachedHealth implements Supplier<Health> {

  private final Supplier<Health> health;
  private final long maxAgeNanos;
  // a lock, not synchronized: the evaluation pings the store, and a virtual thread must not pin its carrier
  private final ReentrantLock lock = new ReentrantLock();
  private Health last;
  private long evaluatedAt;

  CachedHealth(Supplier<Health> health, Duration maxAge) {
    this.health = health;
    this.maxAgeNanos = maxAge.toNanos();
  }

  @Override
  public Health get() {
    lock.lock();
    try {
      long now = System.nanoTime();
      if (last == null || now - evaluatedAt > maxAgeNanos) {
        last = health.get();
        evaluatedAt = now;
      }
      return last;
    } finally {
      lock.unlock();
    }
  }
}
