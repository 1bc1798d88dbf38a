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
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The monitor's Micrometer meters, all named {@code prmonitor.*} and tagged {@code monitor=<name>}.
 * Tag values come from small fixed sets (endpoint route templates, statuses, kinds, outcome names,
 * credential labels), never from repository names or pull request numbers.
 *
 * <p>Every meter whose tags come from a fixed set is registered with zero values when this object is
 * created, so that a dashboard or an alert sees it before its first event (no {@code absent()} needed); the
 * meters tagged with a GitHub endpoint, a status, a retry reason, a credential or an error type appear with
 * their first event. With {@code timerHistograms} every timer also publishes a percentile histogram
 * (Micrometer's {@code publishPercentileHistogram}: {@code _bucket} series in Prometheus); without it, the
 * registry's own configuration decides.
 *
 * <p>It is also the {@link GitHubClientListener} of the clients the monitor creates. {@link #close()}
 * removes every meter it registered from the registry. Thread-safe.
 */
public final class MonitorMetrics implements GitHubClientListener, AutoCloseable {

  private final MeterRegistry registry;
  private final Tags common;
  private final Set<Meter> meters = ConcurrentHashMap.newKeySet();
  private final Map<String, RateLimitStatus> rateLimits = new ConcurrentHashMap<>();

  /** The store operations {@link TimedPullRequestStore} times, registered at start. */
  static final List<String> STORE_OPERATIONS = List.of("repository_state", "load", "exists", "load_all", "apply",
      "complete_pass", "pending", "mark_delivered", "record_failed_delivery", "purge", "ping", "quarantined",
      "quarantine", "clear_quarantine", "discovery_load", "discovery_save", "load_enrichment", "load_open");

  private final Boolean histograms;

  /** Meters without histograms beyond what the registry configures. */
  public MonitorMetrics(MeterRegistry registry, String monitorName) {
    this(registry, monitorName, false);
  }

  /**
   * Registers the meters of fixed tags with zero values.
   *
   * @param timerHistograms whether every timer publishes a percentile histogram
   */
  public MonitorMetrics(MeterRegistry registry, String monitorName, boolean timerHistograms) {
    this.registry = registry;
    this.common = Tags.of("monitor", monitorName);
    // null, not false: leaves the choice to the registry's MeterFilters when the host did not opt in
    this.histograms = timerHistograms ? Boolean.TRUE : null;
    for (RepositoryOutcome.Status status : RepositoryOutcome.Status.values()) {
      syncTimer(status);
    }
    for (ChangeKind kind : ChangeKind.values()) {
      changes(kind);
    }
    deferred();
    failed();
    passTimer();
    delivered();
    deliveryFailures();
    for (String operation : STORE_OPERATIONS) {
      storeTimer(operation, true);
      storeTimer(operation, false);
    }
    cache(true);
    cache(false);
  }

  private <M extends Meter> M keep(M meter) {
    meters.add(meter);
    return meter;
  }

  private Timer syncTimer(RepositoryOutcome.Status status) {
    return keep(Timer.builder("prmonitor.repository.sync")
        .description("Time to synchronize one repository in a pass")
        .tags(common).tag("outcome", status.name().toLowerCase(Locale.ROOT))
        .publishPercentileHistogram(histograms).register(registry));
  }

  private Counter changes(ChangeKind kind) {
    return keep(Counter.builder("prmonitor.changes").description("Changes detected and recorded")
        .tags(common).tag("kind", kind.name()).register(registry));
  }

  private Counter deferred() {
    return keep(Counter.builder("prmonitor.repositories.deferred").description("Repositories deferred to a later pass")
        .tags(common).register(registry));
  }

  private Counter failed() {
    return keep(Counter.builder("prmonitor.repositories.failed").description("Repository synchronizations that failed")
        .tags(common).register(registry));
  }

  private Timer passTimer() {
    return keep(Timer.builder("prmonitor.pass.duration").description("Time of a whole pass, delivery included")
        .tags(common).publishPercentileHistogram(histograms).register(registry));
  }

  private Counter delivered() {
    return keep(Counter.builder("prmonitor.outbox.delivered").description("Changes every listener accepted")
        .tags(common).register(registry));
  }

  private Counter deliveryFailures() {
    return keep(Counter.builder("prmonitor.outbox.failures").description("Changes a listener refused")
        .tags(common).register(registry));
  }

  private Timer storeTimer(String operation, boolean success) {
    return keep(Timer.builder("prmonitor.store.transaction").description("Store operation time")
        .tags(common).tag("operation", operation).tag("outcome", success ? "success" : "failure")
        .publishPercentileHistogram(histograms).register(registry));
  }

  private Counter cache(boolean hit) {
    return keep(Counter.builder("prmonitor.github.cache").description("Response cache lookups")
        .tags(common).tag("result", hit ? "hit" : "miss").register(registry));
  }

  /** Records one repository's synchronization. */
  public void repository(RepositoryOutcome outcome) {
    syncTimer(outcome.status()).record(outcome.elapsed());
    changes(outcome.changes());
    if (!outcome.quarantined().isEmpty()) {
      keep(Counter.builder("prmonitor.pull.requests.quarantined")
          .description("Pull requests the reader or the store refused in a pass (each retried on later passes)")
          .tags(common).register(registry)).increment(outcome.quarantined().size());
    }
    if (outcome.status() == RepositoryOutcome.Status.DEFERRED) {
      deferred().increment();
    } else if (outcome.status() == RepositoryOutcome.Status.FAILED) {
      failed().increment();
      error(outcome.errorType() == null ? "unknown" : outcome.errorType());
    }
  }

  /**
   * Counts changes recorded by kind; {@link #repository} counts a repository's, this those recorded after its
   * outcome was (its CI reads gathered with other repositories' and read at the end of the pass).
   */
  public void changes(Map<ChangeKind, Integer> counts) {
    counts.forEach((kind, count) -> changes(kind).increment(count));
  }

  /** Records a whole pass. */
  public void pass(Duration duration) {
    passTimer().record(duration);
  }

  /** Counts an error by type (the exception's simple class name or a fixed word). */
  public void error(String type) {
    keep(Counter.builder("prmonitor.errors").description("Errors by type").tags(common).tag("type", type)
        .register(registry)).increment();
  }

  /** Records one store transaction. */
  public void storeTransaction(String operation, long nanos, boolean success) {
    storeTimer(operation, success).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Counts delivered and refused outbox entries. */
  public void delivery(int delivered, int failed) {
    delivered().increment(delivered);
    deliveryFailures().increment(failed);
  }

  @Override
  public void onResponse(String endpoint, int status, boolean charged, Duration elapsed, long bodyBytes) {
    keep(Timer.builder("prmonitor.github.requests").description("GitHub API requests")
        .tags(common).tag("endpoint", endpoint).tag("status", Integer.toString(status))
        .tag("charged", Boolean.toString(charged)).publishPercentileHistogram(histograms).register(registry))
        .record(elapsed);
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
    cache(hit).increment();
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
