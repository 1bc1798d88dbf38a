package io.prmonitor.github.graphql;

import io.prmonitor.github.ratelimit.Sleeper;
import io.prmonitor.github.ratelimit.Ticker;
import io.prmonitor.spi.RateLimitStatus;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One credential's GraphQL primary budget (points per hour) as the answers report it: in the
 * {@code X-RateLimit-*} headers of resource {@code graphql} and in {@code rateLimit { remaining resetAt }}.
 * Before the first answer nothing is known and every query may go. Thread-safe.
 */
final class GraphQlBudget {

  /** GitHub's secondary limit on GraphQL points per minute (a query costs 1, a mutation 5). */
  static final int POINTS_PER_MINUTE = 2_000;
  /** The label of the statuses compared by {@link RateLimitStatus#supersedes}. */
  private static final String RESOURCE = "graphql";

  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private int remaining = -1;
  private Instant resetAt;
  /** Whether {@link #resetAt} is {@link #exhausted}'s guess rather than what GitHub reported. */
  private boolean resetGuessed;

  GraphQlBudget(Clock clock) {
    this.clock = clock;
  }

  /** Takes in the headers of a GraphQL answer. */
  void observe(HttpHeaders headers) {
    String resource = headers.firstValue("X-RateLimit-Resource").orElse("graphql");
    if (!resource.equalsIgnoreCase("graphql")) {
      return;
    }
    try {
      Integer left = headers.firstValue("X-RateLimit-Remaining").map(v -> Integer.parseInt(v.trim())).orElse(null);
      Instant reset = headers.firstValue("X-RateLimit-Reset")
          .map(v -> Instant.ofEpochSecond(Long.parseLong(v.trim()))).orElse(null);
      observe(left, reset);
    } catch (NumberFormatException e) {
      // unreadable headers say nothing; the body's rateLimit may
    }
  }

  /**
   * Takes in what an answer's {@code rateLimit} said; a null {@code left} is ignored. The merge rule is
   * {@link RateLimitStatus#supersedes}, REST's: a later reset wins, and within one window the lower figure (answers
   * arrive out of order, so an earlier reset is an older answer's and changes nothing). Without a reset, or over
   * a reset only guessed after {@code RATE_LIMITED}, what the answer says is taken as GitHub's word.
   */
  void observe(Integer left, Instant reset) {
    if (left == null) {
      return;
    }
    lock.lock();
    try {
      if (reset == null) {
        remaining = remaining < 0 ? left : Math.min(remaining, left);
      } else if (resetAt == null || resetGuessed || new RateLimitStatus(RESOURCE, 0, left, reset)
          .supersedes(new RateLimitStatus(RESOURCE, 0, remaining, resetAt))) {
        resetAt = reset;
        remaining = left;
        resetGuessed = false;
      }
    } finally {
      lock.unlock();
    }
  }

  /** Records that GitHub answered {@code RATE_LIMITED}: nothing is left until the reset. */
  void exhausted() {
    lock.lock();
    try {
      remaining = 0;
      if (resetAt == null || !clock.instant().isBefore(resetAt)) {
        resetAt = clock.instant().plus(Duration.ofHours(1));
        resetGuessed = true;
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Why a query of {@code cost} points may not go (it would dip into {@code reserve}), or null when it may.
   * Charges nothing: the next answer reports what was charged.
   */
  String refusal(int cost, int reserve) {
    lock.lock();
    try {
      if (remaining < 0 || resetAt == null || !clock.instant().isBefore(resetAt)) {
        return null;
      }
      if (remaining - cost < reserve) {
        return "GraphQL budget: " + remaining + " points left, a query costs " + cost + ", reserve " + reserve
            + ", until " + resetAt;
      }
      return null;
    } finally {
      lock.unlock();
    }
  }

  /** Paces queries under a per-minute cap (5% short of it), waiting with the injected ticker and sleeper. */
  static final class PointsPerMinute {
    private static final long MINUTE = Duration.ofMinutes(1).toNanos();
    private final int limit;
    private final Ticker ticker;
    private final Sleeper sleeper;
    private final ArrayDeque<Long> sent = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();

    PointsPerMinute(int perMinute, Ticker ticker, Sleeper sleeper) {
      this.limit = Math.max(1, perMinute - perMinute / 20);
      this.ticker = ticker;
      this.sleeper = sleeper;
    }

    void acquire() throws InterruptedException {
      while (true) {
        long wait;
        lock.lock();
        try {
          long now = ticker.nanoTime();
          while (!sent.isEmpty() && now - sent.peekFirst() >= MINUTE) {
            sent.pollFirst();
          }
          if (sent.size() < limit) {
            sent.addLast(now);
            return;
          }
          wait = sent.peekFirst() + MINUTE - now;
        } finally {
          lock.unlock();
        }
        sleeper.sleep(Duration.ofNanos(Math.max(1, wait)));
      }
    }
  }
}
