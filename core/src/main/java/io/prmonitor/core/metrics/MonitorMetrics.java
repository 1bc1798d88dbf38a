package io.prmonitor.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.prmonitor.core.sync.RepositoryOutcome;
import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.GitHubClientListener;
import io.prmonitor.spi.RateLimitStatus;
import java.time.Duration;
import java.util.Set;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The monitor's Micrometer meters, all named {@code prmonitor.*} and tagged {@code monitor=<name>}.
 * Tag values come from small fixed sets (endpoint route templates, statuses, kinds, outcome names,
 * credential labels), never from repository names or pull request numbers.
 *
 * <p>It is also the {@link GitHubClientListener} of the clients the monitor creates. {@link #close()}
 * removes every meter it registered from the registry. Thread-safe.
 */
public final class MonitorMetrics implements GitHubClientListener, AutoCloseable {

  private final MeterRegistry registry;
  private final Tags common;
  private final Set<Meter> meters = ConcurrentHashMap.newKeySet();
  private final Map<String, RateLimitStatus> rateLimits = new ConcurrentHashMap<>();

  public MonitorMetrics(MeterRegistry registry, String monitorName) {
    this.registry = registry;
    this.common = Tags.of("monitor", monitorName);
  }

  private <M extends Meter> M keep(M meter) {
    meters.add(meter);
    return meter;
  }

  /** Records one repository's synchronization. */
  public void repository(RepositoryOutcome outcome) {
    keep(Timer.builder("prmonitor.repository.sync")
        .description("Time to synchronize one repository in a pass")
        .tags(common).tag("outcome", outcome.status().name().toLowerCase(Locale.ROOT))
        .register(registry)).record(outcome.elapsed());
    for (Map.Entry<ChangeKind, Integer> entry : outcome.changes().entrySet()) {
      keep(Counter.builder("prmonitor.changes").description("Changes detected and recorded")
          .tags(common).tag("kind", entry.getKey().name()).register(registry)).increment(entry.getValue());
    }
    if (outcome.status() == RepositoryOutcome.Status.DEFERRED) {
      keep(Counter.builder("prmonitor.repositories.deferred").description("Repositories deferred to a later pass")
          .tags(common).register(registry)).increment();
    } else if (outcome.status() == RepositoryOutcome.Status.FAILED) {
      keep(Counter.builder("prmonitor.repositories.failed").description("Repository synchronizations that failed")
          .tags(common).register(registry)).increment();
      error(outcome.errorType() == null ? "unknown" : outcome.errorType());
    }
  }

  /** Records a whole pass. */
  public void pass(Duration duration) {
    keep(Timer.builder("prmonitor.pass.duration").description("Time of a whole pass, delivery included")
        .tags(common).register(registry)).record(duration);
  }

  /** Counts an error by type (the exception's simple class name or a fixed word). */
  public void error(String type) {
    keep(Counter.builder("prmonitor.errors").description("Errors by type").tags(common).tag("type", type)
        .register(registry)).increment();
  }

  /** Records one store transaction. */
  public void storeTransaction(String operation, long nanos, boolean success) {
    keep(Timer.builder("prmonitor.store.transaction").description("Store operation time")
        .tags(common).tag("operation", operation).tag("outcome", success ? "success" : "failure")
        .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Counts delivered and refused outbox entries. */
  public void delivery(int delivered, int failed) {
    keep(Counter.builder("prmonitor.outbox.delivered").description("Changes every listener accepted")
        .tags(common).register(registry)).increment(delivered);
    keep(Counter.builder("prmonitor.outbox.failures").description("Changes a listener refused")
        .tags(common).register(registry)).increment(failed);
  }

  @Override
  public void onResponse(String endpoint, int status, boolean charged, Duration elapsed, long bodyBytes) {
    keep(Timer.builder("prmonitor.github.requests").description("GitHub API requests")
        .tags(common).tag("endpoint", endpoint).tag("status", Integer.toString(status))
        .tag("charged", Boolean.toString(charged)).register(registry)).record(elapsed);
    if (status == 304) {
      keep(Counter.builder("prmonitor.github.not.modified").description("Requests answered 304 Not Modified")
          .tags(common).tag("endpoint", endpoint).register(registry)).increment();
    }
  }

  @Override
  public void onRetry(String endpoint, String reason, int attempt, Duration delay) {
    keep(Counter.builder("prmonitor.github.retries").description("GitHub requests retried")
        .tags(common).tag("endpoint", endpoint).tag("reason", reason).register(registry)).increment();
  }

  @Override
  public void onRateLimit(RateLimitStatus status) {
    if (rateLimits.put(status.credential(), status) == null) {
      Tags tags = common.and("credential", status.credential());
      keep(Gauge.builder("prmonitor.github.rate.limit.remaining", rateLimits,
              m -> m.containsKey(status.credential()) ? m.get(status.credential()).remaining() : Double.NaN)
          .description("Requests left in the primary rate limit window").tags(tags).register(registry));
      keep(Gauge.builder("prmonitor.github.rate.limit.reset", rateLimits,
              m -> m.containsKey(status.credential())
                  ? m.get(status.credential()).resetAt().getEpochSecond() : Double.NaN)
          .description("When the primary rate limit window resets, epoch seconds").baseUnit("seconds")
          .tags(tags).register(registry));
    }
  }

  @Override
  public void onSecondaryLimit(String credential, Duration pause) {
    keep(Counter.builder("prmonitor.github.secondary.limits").description("Secondary rate limit pauses")
        .tags(common).tag("credential", credential).register(registry)).increment();
  }

  @Override
  public void onCacheLookup(boolean hit) {
    keep(Counter.builder("prmonitor.github.cache").description("Response cache lookups")
        .tags(common).tag("result", hit ? "hit" : "miss").register(registry)).increment();
  }

  /**
   * Times one webhook delivery, from the receiver's first look at it to its answer, by how it was answered
   * ({@code accepted}, {@code duplicate}, {@code ignored}, {@code ping}, {@code unauthorized}, {@code too_large},
   * {@code bad_request}, {@code unavailable}).
   */
  public void webhookDelivery(String outcome, long nanos) {
    keep(Timer.builder("prmonitor.webhook.deliveries").description("Webhook deliveries by answer, time to answer")
        .tags(common).tag("outcome", outcome).register(registry)).record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Counts one targeted re-read that webhooks asked for, by outcome ({@code read}, {@code stale}: every event
   * already reflected in the store, {@code failed}, {@code leased}: another worker holds the repository).
   */
  public void webhookRead(String outcome) {
    keep(Counter.builder("prmonitor.webhook.reads").description("Targeted re-reads scheduled by webhook events")
        .tags(common).tag("outcome", outcome).register(registry)).increment();
  }

  /** Registers the gauge of the last verified delivery's time (epoch seconds, NaN before the first). */
  public void webhookLastDelivery(java.util.function.Supplier<java.time.Instant> lastDelivery) {
    keep(Gauge.builder("prmonitor.webhook.last.delivery", lastDelivery, s -> {
          java.time.Instant at = s.get();
          return at == null ? Double.NaN : at.toEpochMilli() / 1000.0;
        })
        .description("When the last verified webhook delivery arrived, epoch seconds").baseUnit("seconds")
        .tags(common).register(registry));
  }

  /** The latest rate-limit state seen per credential. */
  public Map<String, RateLimitStatus> rateLimits() {
    return Map.copyOf(rateLimits);
  }

  /** Removes every meter this object registered. Idempotent. */
  @Override
  public void close() {
    for (Meter meter : meters) {
      registry.remove(meter);
    }
    meters.clear();
  }
}
