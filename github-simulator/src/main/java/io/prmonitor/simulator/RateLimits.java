package io.prmonitor.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Primary and secondary rate-limit accounting per token, as GitHub documents it: an hourly request budget
 * whose window starts at the first charged request and resets by the injected clock; at most N requests in
 * flight; at most a budget of summed response time per sliding window of real time (GitHub: 90 s per 60 s).
 * Thread-safe: each token's state is guarded by its own monitor.
 */
final class RateLimits {

  /** One token's counters; read as a consistent snapshot under its monitor. */
  static final class TokenState {
    int limit;
    int used;
    Instant reset;
    int inFlight;
    final ArrayDeque<long[]> serverTimes = new ArrayDeque<>();
    long serverTimeSum;
  }

  /** The headers' view of a token's primary budget. */
  record Snapshot(int limit, int remaining, int used, long resetEpochSeconds) {}

  private final Map<String, TokenState> tokens = new ConcurrentHashMap<>();
  private final Clock clock;
  private final int budget;
  private final long serverTimeBudgetNanos;
  private final long serverTimeWindowNanos;
  private final int maxConcurrent;
  private final LongSupplier nanoTime;

  RateLimits(Clock clock, int budget, Duration serverTimeBudget, Duration serverTimeWindow, int maxConcurrent,
      LongSupplier nanoTime) {
    this.clock = clock;
    this.budget = budget;
    this.serverTimeBudgetNanos = serverTimeBudget == null ? 0 : serverTimeBudget.toNanos();
    this.serverTimeWindowNanos = serverTimeWindow == null ? 0 : serverTimeWindow.toNanos();
    this.maxConcurrent = maxConcurrent;
    this.nanoTime = nanoTime;
  }

  private TokenState state(String token) {
    return tokens.computeIfAbsent(token, t -> {
      TokenState s = new TokenState();
      s.limit = budget;
      return s;
    });
  }

  private void roll(TokenState s) {
    Instant now = clock.instant();
    if (s.reset == null || !now.isBefore(s.reset)) {
      s.used = 0;
      s.reset = now.truncatedTo(ChronoUnit.SECONDS).plus(Duration.ofHours(1));
    }
  }

  Snapshot snapshot(String token) {
    TokenState s = state(token);
    synchronized (s) {
      roll(s);
      return new Snapshot(s.limit, Math.max(0, s.limit - s.used), s.used, s.reset.getEpochSecond());
    }
  }

  /** Charges one request; false (and nothing charged) when the budget is exhausted. */
  boolean tryCharge(String token) {
    TokenState s = state(token);
    synchronized (s) {
      roll(s);
      if (s.used >= s.limit) {
        return false;
      }
      s.used++;
      return true;
    }
  }

  boolean exhausted(String token) {
    TokenState s = state(token);
    synchronized (s) {
      roll(s);
      return s.used >= s.limit;
    }
  }

  void setRemaining(String token, int remaining) {
    TokenState s = state(token);
    synchronized (s) {
      roll(s);
      s.used = s.limit - Math.min(s.limit, remaining);
    }
  }

  /** Counts a request in flight; true when that exceeds the concurrency limit. */
  boolean enter(String token) {
    TokenState s = state(token);
    synchronized (s) {
      s.inFlight++;
      return maxConcurrent > 0 && s.inFlight > maxConcurrent;
    }
  }

  void exit(String token, long serverNanos) {
    TokenState s = state(token);
    synchronized (s) {
      s.inFlight--;
      if (serverTimeBudgetNanos > 0) {
        s.serverTimes.addLast(new long[] {nanoTime.getAsLong(), serverNanos});
        s.serverTimeSum += serverNanos;
      }
    }
  }

  /**
   * Seconds the token must wait because its summed response time in the sliding window reached the budget,
   * or 0 when it may proceed.
   */
  long serverTimeRetryAfterSeconds(String token) {
    if (serverTimeBudgetNanos <= 0) {
      return 0;
    }
    TokenState s = state(token);
    synchronized (s) {
      long now = nanoTime.getAsLong();
      while (!s.serverTimes.isEmpty() && now - s.serverTimes.peekFirst()[0] >= serverTimeWindowNanos) {
        s.serverTimeSum -= s.serverTimes.pollFirst()[1];
      }
      if (s.serverTimeSum < serverTimeBudgetNanos) {
        return 0;
      }
      // wait until enough old entries leave the window to bring the sum back under the budget
      long sum = s.serverTimeSum;
      long until = now;
      for (long[] entry : s.serverTimes) {
        sum -= entry[1];
        until = entry[0] + serverTimeWindowNanos;
        if (sum < serverTimeBudgetNanos) {
          break;
        }
      }
      return Math.max(1, (until - now + 999_999_999L) / 1_000_000_000L);
    }
  }
}
