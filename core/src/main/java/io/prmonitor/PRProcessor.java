package io.prmonitor;

import io.prmonitor.core.delivery.ChangeDelivery;
import io.prmonitor.core.delivery.OutboxDispatcher;
import io.prmonitor.core.detect.ChangeDetector;
import io.prmonitor.core.discovery.RepositoryDiscovery;
import io.prmonitor.core.enrich.EnrichmentDetector;
import io.prmonitor.core.enrich.PullRequestEnricher;
import io.prmonitor.core.lease.FleetRateLimits;
import io.prmonitor.core.lease.LeasedRepositoryQueue;
import io.prmonitor.core.metrics.MonitorMetrics;
import io.prmonitor.core.sync.OrderedRepositoryQueue;
import io.prmonitor.core.sync.RepositoryOutcome;
import io.prmonitor.core.sync.RepositoryQueue;
import io.prmonitor.core.sync.RepositorySynchronizer;
import io.prmonitor.core.sync.RepositoryWorkers;
import io.prmonitor.core.webhook.EnrichmentHook;
import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.ChangeListener;
import io.prmonitor.spi.EnrichmentMode;
import io.prmonitor.spi.GitHubClient;
import io.prmonitor.spi.PRMonitorException;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryLeases;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The processor {@link PRMonitor.Builder} wires: one pass over the fleet, its steps in the order
 * {@link #run()} takes them.
 * <ol>
 *   <li><b>discover</b>: the named repositories plus those the selectors find, filtered
 *       ({@link WatchedRepositories}, {@link RepositoryDiscovery});</li>
 *   <li><b>queue</b>: alone, every repository, least recently completed first ({@link OrderedRepositoryQueue});
 *       sharing a fleet, the due ones this monitor claims under leases ({@link LeasedRepositoryQueue});</li>
 *   <li><b>per repository</b>, on {@link RepositoryWorkers}' threads under the pass deadline and defer rules:
 *       <b>list pages</b> newest-updated first down to the cursor ({@link RepositorySynchronizer}), <b>detect</b>
 *       each pull request's changes and <b>upsert + outbox</b> each page in one transaction
 *       ({@code PageApplier}, {@link ChangeDetector}), then <b>enrich</b> ({@link PullRequestEnricher}, when
 *       enrichment is on): what moved is read in full, the CI state of the open pull requests again; with
 *       GraphQL a repository with nothing to read in full leaves its CI reads to be read with other
 *       repositories';</li>
 *   <li><b>finish enrichment</b>: the CI reads gathered across repositories are read, a query per batch, and
 *       their changes added to their repositories' outcomes ({@link PullRequestEnricher#finishPass});</li>
 *   <li><b>deliver</b> the outbox's pending changes to the listeners ({@link ChangeDelivery});</li>
 *   <li><b>report</b>: the {@link RunReport}, logged as one JSON line and handed to the progress listeners.</li>
 * </ol>
 * The same synchronizer and delivery serve the re-reads webhooks schedule between passes. Not an API:
 * package-private, reached through {@link PRMonitor}. Passes must be serialized by the caller
 * ({@link PRMonitor#run()} holds a lock); the other methods are thread-safe.
 */
final class PRProcessor {

  private static final Logger log = LoggerFactory.getLogger(PRProcessor.class);

  private final ProcessorConfig config;
  private final Clock clock;
  private final GitHubClient client;
  private final PullRequestStore store;
  private final MonitorMetrics metrics;
  private final List<ProgressListener> progressListeners;
  private final WatchedRepositories watched;
  /** Reads reviews, CI state, mergeability and comments after each repository's list; null when off. */
  private final PullRequestEnricher enricher;
  private final RepositorySynchronizer synchronizer;
  private final RepositoryWorkers workers;
  private final ChangeDelivery delivery;
  private final AtomicLong passes = new AtomicLong();
  private final AtomicReference<RunReport> lastReport = new AtomicReference<>();

  /**
   * @param store the store, as the monitor's metrics time it
   * @param webhookDeliveryRetention how long webhook delivery records are kept, or null when webhooks are off
   */
  PRProcessor(ProcessorConfig config, Clock clock, GitHubClient client, PullRequestStore store,
      MonitorMetrics metrics, List<ChangeListener> listeners, List<ProgressListener> progressListeners,
      Duration webhookDeliveryRetention) {
    this.config = config;
    this.clock = clock;
    this.client = client;
    this.store = store;
    this.metrics = metrics;
    this.progressListeners = List.copyOf(progressListeners);
    this.watched = new WatchedRepositories(config);
    this.enricher = config.enrichment() == EnrichmentMode.OFF ? null
        : new PullRequestEnricher(client, store, new EnrichmentDetector(), config.enrichment(),
            config.enrichClosedHistory());
    this.synchronizer = enricher == null
        ? new RepositorySynchronizer(client, store, new ChangeDetector(), config.emitOpenedOnBaseline(), clock)
        : new RepositorySynchronizer(client, store, new ChangeDetector(), config.emitOpenedOnBaseline(), clock,
            enricher::upserted);
    ThreadFactory threads = repositoryThreads("prmonitor-" + config.monitorName() + "-sync-",
        Runtime.version().feature());
    this.workers = enricher == null
        ? new RepositoryWorkers(synchronizer, threads, config.maxConcurrentRepositories(), config.passDeadline(),
            clock)
        : new RepositoryWorkers(synchronizer, threads, config.maxConcurrentRepositories(), config.passDeadline(),
            clock, enricher::enrich);
    this.delivery = new ChangeDelivery(new OutboxDispatcher(store, listeners, clock), store, metrics, clock,
        config.outboxRetention(), webhookDeliveryRetention, config.leases());
  }

  /**
   * The threads that synchronize repositories, which block in JDBC calls. Drivers (H2, PostgreSQL) block
   * inside {@code synchronized}, where before JDK 24 (JEP 491) a virtual thread pins its carrier: a few
   * repositories waiting on the database would then hold every carrier, and stall the HTTP client's
   * virtual threads and with them the whole pass. Before JDK 24 they are platform threads (at most
   * {@code maxConcurrentRepositories} of them); from 24 on, virtual threads.
   */
  static ThreadFactory repositoryThreads(String prefix, int jdkFeature) {
    return jdkFeature < 24 ? Thread.ofPlatform().daemon().name(prefix, 0).factory()
        : Thread.ofVirtual().name(prefix, 0).factory();
  }

  /**
   * Runs one pass (the steps of the class comment) with the MDC key {@code pass} set.
   *
   * @throws io.prmonitor.spi.GitHubAuthenticationException if GitHub rejects the credentials
   * @throws PRMonitorException if the pass was interrupted
   */
  RunReport run() {
    long pass = passes.incrementAndGet();
    MDC.put("pass", Long.toString(pass));
    try {
      return run(pass);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      metrics.error("interrupted");
      throw new PRMonitorException("pass " + pass + " was interrupted", e);
    } catch (RuntimeException e) {
      metrics.error(e.getClass().getSimpleName());
      throw e;
    } finally {
      MDC.remove("pass");
    }
  }

  private RunReport run(long pass) throws InterruptedException {
    Instant startedAt = clock.instant();
    RepositoryDiscovery.Result fleet = watched.discovery().discover(client, store);
    watched.discovered(fleet.repositories());
    PassProgress progress = new PassProgress(progressListeners, clock, pass, fleet.repositories(), startedAt);
    List<RepositoryOutcome> outcomes;
    OutboxDispatcher.Round round;
    int covered;
    try (RepositoryQueue queue = queue(fleet.repositories())) {
      if (enricher != null) {
        enricher.startPass(fleet.repositories().size());
      }
      outcomes = workers.run(pass, queue, outcome -> {
        metrics.repository(outcome);
        progress.record(outcome);
      });
      if (enricher != null) {
        // the CI reads gathered across repositories: read before delivery, so their changes go out in this pass
        outcomes = enricher.finishPass(outcomes, metrics::changes);
      }
      // with leases, a monitor delivers the changes of the repositories it holds, before it lets them go:
      // each change reaches the listeners of one monitor of the fleet
      round = delivery.endOfPass(queue.deliveredHere());
      // with leases the fleet shares the repositories: a monitor reports on the ones it took up
      covered = queue.sharesFleet() ? outcomes.size() : fleet.repositories().size();
    }
    RunReport report = report(pass, startedAt, covered, outcomes, fleet.failures(), round);
    lastReport.set(report);
    watched.passFinished();
    metrics.pass(report.duration());
    log.info("pass {} finished: {}", pass, report.toJson());
    progress.ended(report);
    return report;
  }

  /**
   * The repositories of a pass: with leases on and a store that has them, those this monitor claims from
   * the fleet's due ones; otherwise all of them, least recently completed first.
   */
  private RepositoryQueue queue(List<RepositoryId> repositories) {
    RepositoryLeases leases = config.leases() ? store.leases().orElse(null) : null;
    if (leases == null) {
      return new OrderedRepositoryQueue(store, repositories);
    }
    FleetRateLimits fleetRateLimits = store.rateLimitBoard().map(board -> new FleetRateLimits(board, client))
        .orElse(null);
    Runnable onRenewal = fleetRateLimits == null ? () -> { } : fleetRateLimits::exchange;
    onRenewal.run();
    // small batches spread a fleet's repositories evenly over its monitors and hold few idle leases
    int batchSize = Math.min(5, config.maxConcurrentRepositories());
    return new LeasedRepositoryQueue(leases, config.workerId(), repositories, config.leaseDuration(),
        config.repositoryInterval(), batchSize, clock, onRenewal);
  }

  private RunReport report(long pass, Instant startedAt, int total, List<RepositoryOutcome> outcomes,
      Map<String, String> discoveryFailures, OutboxDispatcher.Round round) {
    Map<RepositoryId, String> failed = new LinkedHashMap<>();
    List<RepositoryId> deferred = new ArrayList<>();
    Map<ChangeKind, Long> changes = new EnumMap<>(ChangeKind.class);
    Map<String, String> quarantined = new LinkedHashMap<>();
    int done = 0;
    long seen = 0;
    long skipped = 0;
    long requests = 0;
    long notModified = 0;
    for (RepositoryOutcome outcome : outcomes) {
      switch (outcome.status()) {
        case DONE -> done++;
        case FAILED -> failed.put(outcome.repository(), outcome.reason().message());
        case DEFERRED -> deferred.add(outcome.repository());
      }
      seen += outcome.pullRequestsSeen();
      skipped += outcome.pullRequestsSkipped();
      requests += outcome.requests();
      notModified += outcome.notModified();
      outcome.changes().forEach((kind, count) -> changes.merge(kind, (long) count, Long::sum));
      outcome.quarantined().forEach((number, reason) ->
          quarantined.put(outcome.repository().fullName() + '#' + number, reason));
    }
    return new RunReport(pass, startedAt, Duration.between(startedAt, clock.instant()), total, done, failed,
        discoveryFailures, deferred, seen, skipped, changes, requests, notModified, round.delivered(),
        round.failed(), quarantined, enricher == null ? EnrichmentReport.none() : enricher.drain());
  }

  /** The synchronizer, for the re-reads webhooks schedule. */
  RepositorySynchronizer synchronizer() {
    return synchronizer;
  }

  /** The deliver step, for the re-reads webhooks schedule. */
  ChangeDelivery delivery() {
    return delivery;
  }

  /** What re-reads the enrichment of pull requests that review, comment and CI webhooks name. */
  EnrichmentHook enrichmentHook() {
    return enricher == null ? EnrichmentHook.NONE
        : (repository, numbers) -> enricher.refresh(repository, numbers, metrics::changes);
  }

  /** The repository the monitor watches under this name (compared case-insensitively), or null. */
  RepositoryId watchedRepository(RepositoryId named) {
    return watched.lookUp(named);
  }

  /** The report of the last pass that finished, or null. */
  RunReport lastReport() {
    return lastReport.get();
  }

  /** Passes started so far. */
  long passes() {
    return passes.get();
  }
}
