package io.prmonitor.core.health;

import io.prmonitor.Health;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.RunReport;
import io.prmonitor.spi.GitHubClient;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RateLimitStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Works out a monitor's {@link Health} from four checks:
 * <ul>
 *   <li>{@code store}: the store answers a ping, else DOWN;</li>
 *   <li>{@code github}: every credential has more than a tenth of its window (and more than twice the
 *       reserve) left, else DEGRADED; the last pass did not fail every repository, else DEGRADED;</li>
 *   <li>{@code lastPass}: when passes are scheduled, the last one finished within two intervals, else
 *       DEGRADED;</li>
 *   <li>{@code repositories}: no repository failed or was deferred in the last pass, else DEGRADED.</li>
 * </ul>
 * Thread-safe.
 */
public final class HealthEvaluator {

  private final PullRequestStore store;
  private final GitHubClient client;
  private final ProcessorConfig config;
  private final Clock clock;

  public HealthEvaluator(PullRequestStore store, GitHubClient client, ProcessorConfig config, Clock clock) {
    this.store = store;
    this.client = client;
    this.config = config;
    this.clock = clock;
  }

  /**
   * Evaluates the checks now.
   *
   * @param last the last finished pass, or null
   * @param observed rate limits the monitor's metrics saw, by credential (merged with the client's own)
   * @param scheduled whether passes run on a schedule
   */
  public Health evaluate(RunReport last, Map<String, RateLimitStatus> observed, boolean scheduled) {
    Map<String, Health.Status> checks = new LinkedHashMap<>();
    Map<String, String> details = new LinkedHashMap<>();

    try {
      store.ping();
      checks.put("store", Health.Status.UP);
      details.put("store", "reachable");
    } catch (RuntimeException e) {
      checks.put("store", Health.Status.DOWN);
      details.put("store", "unreachable: " + e.getMessage());
    }

    Map<String, RateLimitStatus> budgets = new LinkedHashMap<>(observed);
    for (RateLimitStatus status : client.rateLimits()) {
      budgets.put(status.credential(), status);
    }
    List<String> low = new ArrayList<>();
    Instant now = clock.instant();
    for (RateLimitStatus status : budgets.values()) {
      boolean windowOver = status.resetAt() != null && !status.resetAt().isAfter(now);
      int floor = Math.max(status.limit() / 10, config.rateLimitReserve() * 2);
      if (!windowOver && status.remaining() <= floor) {
        low.add(status.credential() + " has " + status.remaining() + "/" + status.limit() + " until "
            + status.resetAt());
      }
    }
    boolean allFailed = last != null && last.repositories() > 0
        && last.failedRepositories().size() >= last.repositories();
    if (!low.isEmpty()) {
      checks.put("github", Health.Status.DEGRADED);
      details.put("github", "rate limit budget low: " + String.join("; ", low));
    } else if (allFailed) {
      checks.put("github", Health.Status.DEGRADED);
      details.put("github", "every repository failed in pass " + last.pass());
    } else {
      checks.put("github", Health.Status.UP);
      details.put("github", budgets.isEmpty() ? "no request made yet" : "budget " + summary(budgets));
    }

    if (last == null) {
      checks.put("lastPass", Health.Status.UP);
      details.put("lastPass", "no pass finished yet");
    } else {
      Duration age = Duration.between(last.startedAt().plus(last.duration()), now);
      boolean late = scheduled && age.compareTo(config.passInterval().multipliedBy(2)) > 0;
      checks.put("lastPass", late ? Health.Status.DEGRADED : Health.Status.UP);
      details.put("lastPass", "pass " + last.pass() + " finished " + age.toSeconds() + " s ago"
          + (late ? ", more than two intervals of " + config.passInterval() : ""));
    }

    if (last != null && (!last.failed().isEmpty() || !last.deferred().isEmpty())) {
      checks.put("repositories", Health.Status.DEGRADED);
      details.put("repositories", last.failed().size() + " failed " + last.failed().keySet() + ", "
          + last.deferred().size() + " deferred in pass " + last.pass());
    } else {
      checks.put("repositories", Health.Status.UP);
      details.put("repositories", last == null ? "no pass finished yet"
          : last.repositoriesDone() + "/" + last.repositories() + " done in pass " + last.pass());
    }

    Health.Status overall = checks.values().stream().max(Enum::compareTo).orElse(Health.Status.UP);
    return new Health(overall, checks, details);
  }

  private static String summary(Map<String, RateLimitStatus> budgets) {
    List<String> parts = new ArrayList<>();
    budgets.values().forEach(s -> parts.add(s.credential() + " " + s.remaining() + "/" + s.limit()));
    return String.join(", ", parts);
  }
}
