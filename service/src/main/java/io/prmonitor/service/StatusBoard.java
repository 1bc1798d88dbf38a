package io.prmonitor.service;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.prmonitor.PRMonitor;
import io.prmonitor.ProgressListener;
import io.prmonitor.RunReport;
import io.prmonitor.spi.ChangeListener;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryState;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the status page shows, kept as passes run and rendered as the JSON of {@code /api/status}: each
 * repository's last completed pass (from the store, so with leases also the other workers' passes) and
 * its lag, the failures and deferrals this process saw, the GitHub budgets sampled over the last
 * {@link #HISTORY}, the last and the running pass, and the most recent changes delivered; with webhooks,
 * their liveness as {@code POST /webhooks} answered them (the last verified delivery, the verified ones in
 * the last {@link #WEBHOOK_WINDOW}, the signature failures).
 *
 * <p>Budget samples are taken from the meter registry the monitor binds to: the requests left per
 * credential ({@code prmonitor.github.rate.limit.remaining}), and the running totals of charged requests and
 * of GitHub's response time ({@code prmonitor.github.requests}), whose differences between samples are
 * what was spent against the primary limit and the server-time budget. Thread-safe.
 */
final class StatusBoard implements ProgressListener, ChangeListener {

  /** The window of the webhook deliveries counted on the page. */
  static final Duration WEBHOOK_WINDOW = Duration.ofMinutes(1);

  /** How far back budget samples go. */
  static final Duration HISTORY = Duration.ofHours(6);
  /** The most changes kept for the page. */
  static final int RECENT_CHANGES = 50;
  /** The most samples kept, whatever their spacing. */
  static final int MAX_SAMPLES = 1000;
  /** How long one read of the repositories' states from the store answers. */
  static final Duration REPOSITORY_CACHE = Duration.ofSeconds(5);

  private static final JsonFactory JSON = new JsonFactory();

  /** One budget sample: requests left per credential, and running totals since the process started. */
  record Sample(Instant at, Map<String, Double> remaining, double chargedRequests, double serverTimeMillis) {
  }

  /** A repository's failures and deferrals seen by this process. */
  private static final class Tally {
    int failures;
    int deferrals;
    String lastFailure;
  }

  private final Clock clock;
  private final MeterRegistry registry;
  private final ReentrantLock lock = new ReentrantLock();
  private final Deque<Sample> samples = new ArrayDeque<>();
  private final Deque<PullRequestChange> changes = new ArrayDeque<>();
  private final Map<RepositoryId, Tally> tallies = new ConcurrentHashMap<>();
  private volatile PRMonitor monitor;
  private volatile List<RepositoryId> repositories = List.of();
  private volatile Progress progress;
  private volatile boolean passRunning;
  private volatile RunReport lastReport;
  private List<RepositoryState> states = List.of();
  private String statesError;
  private Instant statesReadAt = Instant.MIN;
  private final Deque<Instant> webhookDeliveries = new ArrayDeque<>();
  private Instant lastWebhookDelivery;
  private long webhookSignatureFailures;

  StatusBoard(Clock clock, MeterRegistry registry) {
    this.clock = clock;
    this.registry = registry;
  }

  /** The monitor whose store and health the board reads; before it, the page shows no repository. */
  void attach(PRMonitor monitor) {
    this.monitor = monitor;
    if (repositories.isEmpty()) {
      repositories = monitor.config().repositories();
    }
  }

  @Override
  public void onPassStart(long pass, List<RepositoryId> repositories) {
    this.repositories = List.copyOf(repositories);
    this.progress = new Progress(pass, 0, repositories.size(), 0, 0, Duration.ZERO, Duration.ZERO);
    this.passRunning = true;
  }

  @Override
  public void onProgress(Progress progress) {
    this.progress = progress;
  }

  @Override
  public void onPassEnd(RunReport report) {
    report.failed().forEach((name, reason) -> {
      RepositoryId id = parse(name);
      if (id != null) {
        Tally tally = tallies.computeIfAbsent(id, r -> new Tally());
        synchronized (tally) {
          tally.failures++;
          tally.lastFailure = reason;
        }
      }
    });
    for (RepositoryId id : report.deferred()) {
      Tally tally = tallies.computeIfAbsent(id, r -> new Tally());
      synchronized (tally) {
        tally.deferrals++;
      }
    }
    lastReport = report;
    passRunning = false;
    lock.lock();
    try {
      statesReadAt = Instant.MIN;
    } finally {
      lock.unlock();
    }
    sample();
  }

  @Override
  public void onChange(PullRequestChange change) {
    lock.lock();
    try {
      changes.addFirst(change);
      while (changes.size() > RECENT_CHANGES) {
        changes.removeLast();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Counts one answered webhook delivery: 401 is a signature failure; 413 was never verified; any other
   * answer followed a verified signature.
   */
  void webhookAnswered(int status) {
    Instant now = clock.instant();
    lock.lock();
    try {
      if (status == 401) {
        webhookSignatureFailures++;
      } else if (status != 413) {
        lastWebhookDelivery = now;
        webhookDeliveries.addLast(now);
        forgetOldDeliveries(now);
      }
    } finally {
      lock.unlock();
    }
  }

  private void forgetOldDeliveries(Instant now) {
    while (!webhookDeliveries.isEmpty() && !webhookDeliveries.getFirst().isAfter(now.minus(WEBHOOK_WINDOW))) {
      webhookDeliveries.removeFirst();
    }
  }

  /** Takes a budget sample now, and forgets the ones older than {@link #HISTORY}. */
  void sample() {
    Map<String, Double> remaining = new TreeMap<>();
    for (Gauge gauge : registry.find("prmonitor.github.rate.limit.remaining").gauges()) {
      String credential = gauge.getId().getTag("credential");
      if (credential != null && Double.isFinite(gauge.value())) {
        remaining.put(credential, gauge.value());
      }
    }
    double charged = 0;
    double serverTime = 0;
    for (Timer timer : registry.find("prmonitor.github.requests").timers()) {
      if ("true".equals(timer.getId().getTag("charged"))) {
        charged += timer.count();
      }
      serverTime += timer.totalTime(TimeUnit.MILLISECONDS);
    }
    Instant now = clock.instant();
    lock.lock();
    try {
      samples.addLast(new Sample(now, remaining, charged, serverTime));
      while (samples.size() > MAX_SAMPLES || samples.getFirst().at().isBefore(now.minus(HISTORY))) {
        samples.removeFirst();
      }
    } finally {
      lock.unlock();
    }
  }

  /** The JSON of {@code /api/status}. */
  String toJson() {
    PRMonitor attached = monitor;
    Instant now = clock.instant();
    List<RepositoryState> known;
    String knownError;
    List<Sample> history;
    List<PullRequestChange> recent;
    Instant lastDelivery;
    int deliveriesLastMinute;
    long signatureFailures;
    lock.lock();
    try {
      forgetOldDeliveries(now);
      lastDelivery = lastWebhookDelivery;
      deliveriesLastMinute = webhookDeliveries.size();
      signatureFailures = webhookSignatureFailures;
      if (attached != null && Duration.between(statesReadAt, now).compareTo(REPOSITORY_CACHE) > 0) {
        readStates(attached, now);
      }
      known = states;
      knownError = statesError;
      history = new ArrayList<>(samples);
      recent = new ArrayList<>(changes);
    } finally {
      lock.unlock();
    }
    StringWriter out = new StringWriter(4096);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("version", Configuration.version());
      json.writeStringField("generatedAt", now.toString());
      if (attached != null) {
        json.writeStringField("monitor", attached.config().monitorName());
        json.writeStringField("worker", attached.config().workerId());
        json.writeFieldName("health");
        json.writeRawValue(attached.health().toJson());
      }
      writePass(json);
      if (attached != null && attached.webhookReceiver().isPresent()) {
        json.writeObjectFieldStart("webhooks");
        json.writeStringField("lastDelivery", lastDelivery == null ? null : lastDelivery.toString());
        json.writeNumberField("deliveriesLastMinute", deliveriesLastMinute);
        json.writeNumberField("signatureFailures", signatureFailures);
        json.writeEndObject();
      }
      json.writeFieldName("lastReport");
      RunReport report = lastReport;
      if (report == null) {
        json.writeNull();
      } else {
        json.writeRawValue(report.toJson());
      }
      json.writeStringField("repositoriesError", knownError);
      json.writeArrayFieldStart("repositories");
      for (RepositoryState state : known) {
        writeRepository(json, state, now);
      }
      json.writeEndArray();
      json.writeArrayFieldStart("budget");
      for (Sample sample : history) {
        json.writeStartObject();
        json.writeStringField("at", sample.at().toString());
        json.writeObjectFieldStart("remaining");
        for (var entry : sample.remaining().entrySet()) {
          json.writeNumberField(entry.getKey(), Math.round(entry.getValue()));
        }
        json.writeEndObject();
        json.writeNumberField("chargedRequests", Math.round(sample.chargedRequests()));
        json.writeNumberField("serverTimeMs", Math.round(sample.serverTimeMillis()));
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeArrayFieldStart("changes");
      for (PullRequestChange change : recent) {
        json.writeRawValue(ChangeJson.toJson(change));
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private void writePass(JsonGenerator json) throws IOException {
    Progress now = progress;
    json.writeObjectFieldStart("pass");
    json.writeBooleanField("running", passRunning);
    if (now != null) {
      json.writeNumberField("number", now.pass());
      json.writeNumberField("repositoriesDone", now.repositoriesDone());
      json.writeNumberField("repositoriesTotal", now.repositoriesTotal());
      json.writeNumberField("pullRequests", now.pullRequests());
      json.writeNumberField("requests", now.requests());
      json.writeNumberField("elapsedMs", now.elapsed().toMillis());
      json.writeNumberField("estimatedRemainingMs", now.estimatedRemaining().toMillis());
    }
    json.writeEndObject();
  }

  private void writeRepository(JsonGenerator json, RepositoryState state, Instant now) throws IOException {
    json.writeStartObject();
    json.writeStringField("name", state.repository().fullName());
    Instant completed = state.lastCompletedAt();
    json.writeStringField("lastCompletedAt", completed == null ? null : completed.toString());
    if (completed == null) {
      json.writeNullField("lagSeconds");
    } else {
      json.writeNumberField("lagSeconds", Math.max(0, Duration.between(completed, now).toSeconds()));
    }
    Tally tally = tallies.get(state.repository());
    int failures = 0;
    int deferrals = 0;
    String lastFailure = null;
    if (tally != null) {
      synchronized (tally) {
        failures = tally.failures;
        deferrals = tally.deferrals;
        lastFailure = tally.lastFailure;
      }
    }
    json.writeNumberField("failures", failures);
    json.writeNumberField("deferrals", deferrals);
    json.writeStringField("lastFailure", lastFailure);
    json.writeEndObject();
  }

  /** Reads every repository's state; a store that fails leaves the last states and says why. */
  private void readStates(PRMonitor attached, Instant now) {
    Map<RepositoryId, RepositoryState> read = new LinkedHashMap<>();
    try {
      for (RepositoryId repository : repositories) {
        read.put(repository, attached.store().repositoryState(repository));
      }
      for (RepositoryId repository : tallies.keySet()) {
        read.computeIfAbsent(repository, r -> attached.store().repositoryState(r));
      }
      states = List.copyOf(read.values());
      statesError = null;
    } catch (RuntimeException e) {
      statesError = e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    statesReadAt = now;
  }

  private static RepositoryId parse(String name) {
    try {
      return RepositoryId.parse(name);
    } catch (IllegalArgumentException e) {
      // a failed discovery is reported as org:NAME, not a repository
      return null;
    }
  }
}
