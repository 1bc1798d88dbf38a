package io.prmonitor.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One token's GraphQL limits, as GitHub documents them: the primary budget ({@code graphqlBudget} points an
 * hour, on the simulator's clock, renewed an hour after the window opened), and the secondary limits
 * ({@code graphqlPointsPerMinute} queries within a minute, and two thirds of the REST server-time budget within
 * its window when one is set), both measured on the real clock ({@link System#nanoTime()}). Thread-safe.
 */
final class GraphQlBudget {

  /** The primary budget as the {@code X-RateLimit-*} headers show it. */
  record Snapshot(int limit, int remaining, int used, long resetEpochSeconds) {}

  private final Clock clock;
  private final GitHubSimulator.EnrichmentSettings enrichment;
  private final long serverTimeBudgetNanos;
  private final long serverTimeWindowNanos;

  private int used;
  private Instant reset;
  private final ArrayDeque<Long> minute = new ArrayDeque<>();
  private final ArrayDeque<long[]> serverTimes = new ArrayDeque<>();
  private long serverTimeSum;

  GraphQlBudget(GitHubSimulator.Settings settings) {
    this.clock = settings.clock();
    this.enrichment = settings.enrichment();
    this.serverTimeBudgetNanos = settings.serverTimeBudget() == null ? 0
        : settings.serverTimeBudget().toNanos() * 2 / 3;
    this.serverTimeWindowNanos = settings.serverTimeWindow() == null ? 0 : settings.serverTimeWindow().toNanos();
  }

  private void roll() {
    Instant now = clock.instant();
    if (reset == null || !now.isBefore(reset)) {
      used = 0;
      reset = now.truncatedTo(ChronoUnit.SECONDS).plus(Duration.ofHours(1));
    }
  }

  synchronized Snapshot snapshot() {
    roll();
    int limit = enrichment.graphqlBudget();
    return new Snapshot(limit, Math.max(0, limit - used), used, reset.getEpochSecond());
  }

  /** Charges {@code cost} points if the budget can pay them; false, charging nothing, if it cannot. */
  synchronized boolean tryCharge(int cost) {
    roll();
    if (used + cost > enrichment.graphqlBudget()) {
      return false;
    }
    used += cost;
    return true;
  }

  /** What {@code rateLimit { ... }} answers for a query of {@code cost} points returning {@code nodeCount}. */
  synchronized Map<String, Object> rateLimit(int cost, long nodeCount) {
    roll();
    Map<String, Object> rateLimit = new LinkedHashMap<>();
    rateLimit.put("cost", cost);
    rateLimit.put("limit", enrichment.graphqlBudget());
    rateLimit.put("nodeCount", nodeCount);
    rateLimit.put("remaining", Math.max(0, enrichment.graphqlBudget() - used));
    rateLimit.put("resetAt", reset.toString());
    rateLimit.put("used", used);
    return rateLimit;
  }

  /** Counts this query's secondary point; the seconds to wait when a secondary limit is reached, else 0. */
  synchronized long secondaryRetryAfterSeconds() {
    long now = System.nanoTime();
    long minuteNanos = TimeUnit.MINUTES.toNanos(1);
    while (!minute.isEmpty() && now - minute.peekFirst() >= minuteNanos) {
      minute.pollFirst();
    }
    int perMinute = enrichment.graphqlPointsPerMinute();
    if (perMinute > 0 && minute.size() >= perMinute) {
      return Math.max(1, (minute.peekFirst() + minuteNanos - now + 999_999_999L) / 1_000_000_000L);
    }
    if (serverTimeBudgetNanos > 0) {
      while (!serverTimes.isEmpty() && now - serverTimes.peekFirst()[0] >= serverTimeWindowNanos) {
        serverTimeSum -= serverTimes.pollFirst()[1];
      }
      if (serverTimeSum >= serverTimeBudgetNanos) {
        long sum = serverTimeSum;
        long until = now;
        for (long[] entry : serverTimes) {
          sum -= entry[1];
          until = entry[0] + serverTimeWindowNanos;
          if (sum < serverTimeBudgetNanos) {
            break;
          }
        }
        return Math.max(1, (until - now + 999_999_999L) / 1_000_000_000L);
      }
    }
    minute.addLast(now);
    return 0;
  }

  /** Records the server time a query of this token took, for the server-time secondary limit. */
  synchronized void exit(long nanos) {
    if (serverTimeBudgetNanos > 0) {
      serverTimes.addLast(new long[] {System.nanoTime(), nanos});
      serverTimeSum += nanos;
    }
  }
}
