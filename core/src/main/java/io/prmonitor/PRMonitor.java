package io.prmonitor;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.prmonitor.core.delivery.OutboxDispatcher;
import io.prmonitor.core.detect.ChangeDetector;
import io.prmonitor.core.enrich.EnrichmentDetector;
import io.prmonitor.core.enrich.PullRequestEnricher;
import io.prmonitor.core.discovery.RepositoryDiscovery;
import io.prmonitor.core.health.HealthEvaluator;
import io.prmonitor.core.http.MonitorHttpServer;
import io.prmonitor.core.metrics.MonitorMetrics;
import io.prmonitor.core.metrics.TimedPullRequestStore;
import io.prmonitor.core.plugin.ProviderResolver;
import io.prmonitor.core.lease.FleetRateLimits;
import io.prmonitor.core.lease.LeasedRepositoryQueue;
import io.prmonitor.core.sync.OrderedRepositoryQueue;
import io.prmonitor.core.sync.PassProcessor;
import io.prmonitor.core.sync.RepositoryOutcome;
import io.prmonitor.core.sync.RepositoryQueue;
import io.prmonitor.core.sync.RepositorySynchronizer;
import io.prmonitor.core.webhook.EnrichmentHook;
import io.prmonitor.core.webhook.GitHubWebhookReceiver;
import io.prmonitor.core.webhook.TargetedReads;
import io.prmonitor.core.webhook.WebhookStats;
import io.prmonitor.spi.ConfigurationException;
import io.prmonitor.spi.WebhookDeliveries;
import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.ChangeListener;
import io.prmonitor.spi.EnrichmentMode;
import io.prmonitor.spi.GitHubClient;
import io.prmonitor.spi.GitHubClientProvider;
import io.prmonitor.spi.GitHubClientSettings;
import io.prmonitor.spi.PRMonitorException;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.PullRequestStoreProvider;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryInfo;
import io.prmonitor.spi.RepositoryLeases;
import io.prmonitor.spi.RepositorySelector;
import io.prmonitor.spi.SharedRateLimits;
import io.prmonitor.spi.StoreSettings;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Keeps a store in sync with the pull requests of a set of GitHub repositories and hands every change to
 * the registered {@link ChangeListener}s.
 *
 * <pre>{@code
 * try (PRMonitor monitor = PRMonitor.builder()
 *     .config(ProcessorConfig.builder().repositories("octocat/Hello-World").githubToken(token).build())
 *     .listener(change -> System.out.println(change.kind() + " " + change.key()))
 *     .build()) {
 *   RunReport report = monitor.run();
 * }
 * }</pre>
 *
 * <p>{@link #run()} performs one pass: discovery, then for each repository the listing, change detection
 * and synchronization, then delivery of the recorded changes. {@link #start()} runs passes on a schedule
 * instead. Passes never overlap. The GitHub client and the store are plug-ins: an instance given to the
 * builder wins, then the provider the configuration names, then the only provider on the class path.
 *
 * <p>Thread-safe. {@link #close()} is idempotent and releases only what the monitor created.
 */
public final class PRMonitor implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PRMonitor.class);

  private final ProcessorConfig config;
  private final Clock clock;
  private final GitHubClient client;
  private final boolean ownsClient;
  private final PullRequestStore rawStore;
  private final boolean ownsStore;
  private final PullRequestStore store;
  private final MonitorMetrics metrics;
  private final RepositoryDiscovery discovery;
  private final PassProcessor processor;
  /** Reads reviews, CI state, mergeability and comments after each repository's list; null when off. */
  private final PullRequestEnricher enricher;
  private final OutboxDispatcher dispatcher;
  private final List<ProgressListener> progressListeners;
  private final HealthEvaluator health;
  private final ReentrantLock passLock = new ReentrantLock();
  private final AtomicLong passes = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicReference<RunReport> lastReport = new AtomicReference<>();
  private final AtomicReference<Thread> passThread = new AtomicReference<>();
  private final ReentrantLock lifecycleLock = new ReentrantLock();
  private volatile ScheduledExecutorService scheduler;
  private final MonitorHttpServer httpServer;
  private final WebhookConfig webhookConfig;
  private final WebhookStats webhookStats;
  private final TargetedReads targetedReads;
  private final GitHubWebhookReceiver webhookReceiver;
  /** The repositories of the last discovery (and the named ones), by lowercase full name. */
  private volatile Map<String, RepositoryId> watched;
  /** When the last scheduled pass started (scheduler thread only), for the relaxed schedule. */
  private Instant lastScheduledPass;
  private final AtomicLong schedulerTicks = new AtomicLong();
  private final AtomicBoolean deliveryRequested = new AtomicBoolean();
  private final ReentrantLock readDelivery = new ReentrantLock();

  private PRMonitor(Builder builder) {
    this.config = builder.config;
    this.clock = builder.clock;
    MeterRegistry registry = builder.meterRegistry != null ? builder.meterRegistry : new CompositeMeterRegistry();
    this.metrics = new MonitorMetrics(registry, config.monitorName(), builder.timerHistograms);
    GitHubClient createdClient = null;
    PullRequestStore createdStore = null;
    try {
      if (builder.client != null) {
        this.client = builder.client;
      } else {
        createdClient = createClient(builder.classLoader, builder.clientFactory);
        this.client = createdClient;
      }
      if (builder.store != null) {
        this.rawStore = builder.store;
      } else {
        createdStore = createStore(builder.classLoader, builder.meterRegistry);
        this.rawStore = createdStore;
      }
    } catch (RuntimeException | Error e) {
      // an Error too: a broken provider or JDBC driver must not leak the client created before it
      closeQuietly(createdClient, e);
      closeQuietly(createdStore, e);
      metrics.close();
      throw e;
    }
    this.ownsClient = builder.client == null;
    this.ownsStore = builder.store == null;
    this.store = new TimedPullRequestStore(rawStore, metrics);
    this.discovery = new RepositoryDiscovery(config.repositories(), selectors(config), filter(config));
    this.enricher = config.enrichment() == EnrichmentMode.OFF ? null
        : new PullRequestEnricher(client, store, new EnrichmentDetector(), config.enrichment(),
            config.enrichClosedHistory());
    RepositorySynchronizer synchronizer = enricher == null
        ? new RepositorySynchronizer(client, store, new ChangeDetector(), config.emitOpenedOnBaseline(), clock)
        : new RepositorySynchronizer(client, store, new ChangeDetector(), config.emitOpenedOnBaseline(), clock,
            enricher::upserted);
    java.util.concurrent.ThreadFactory threads =
        repositoryThreads("prmonitor-" + config.monitorName() + "-sync-", Runtime.version().feature());
    this.processor = enricher == null
        ? new PassProcessor(synchronizer, threads, config.maxConcurrentRepositories(), config.passDeadline(), clock)
        : new PassProcessor(synchronizer, threads, config.maxConcurrentRepositories(), config.passDeadline(), clock,
            enricher::enrich);
    this.dispatcher = new OutboxDispatcher(store, builder.listeners, clock);
    this.progressListeners = List.copyOf(builder.progressListeners);
    this.health = new HealthEvaluator(store, client, config, clock);
    this.watched = byLowerCaseName(config.repositories());
    this.webhookConfig = builder.webhooks;
    if (webhookConfig != null) {
      if (!(rawStore instanceof WebhookDeliveries deliveryLog)) {
        ConfigurationException e = new ConfigurationException("webhooks need a store that records deliveries "
            + "(WebhookDeliveries); " + rawStore.getClass().getName() + " does not");
        closeQuietly(createdClient, e);
        closeQuietly(createdStore, e);
        metrics.close();
        throw e;
      }
      this.webhookStats = new WebhookStats(clock);
      RepositoryLeases leases = config.leases() && rawStore instanceof RepositoryLeases l ? l : null;
      this.targetedReads = new TargetedReads(synchronizer, store, leases, config.workerId(), config.leaseDuration(),
          this::deliverAfterRead, enricher == null ? EnrichmentHook.NONE : enricher::refresh, metrics, clock,
          webhookConfig.debounce(), config.maxConcurrentRepositories(), config.monitorName());
      this.webhookReceiver = new GitHubWebhookReceiver(webhookConfig, deliveryLog, this::watchedRepository,
          targetedReads::request, webhookStats, metrics, clock);
      metrics.webhookLastDelivery(webhookStats::lastDelivery);
    } else {
      this.webhookStats = null;
      this.targetedReads = null;
      this.webhookReceiver = null;
    }
    MonitorHttpServer server = null;
    if (builder.httpAddress != null) {
      try {
        server = MonitorHttpServer.start(builder.httpAddress, this::health, registry, webhookReceiver);
      } catch (RuntimeException e) {
        if (targetedReads != null) {
          targetedReads.close(Duration.ZERO);
        }
        closeQuietly(createdClient, e);
        closeQuietly(createdStore, e);
        metrics.close();
        throw e;
      }
    }
    this.httpServer = server;
    log.info("prmonitor '{}' ready: {} named repositories{}, client {}, store {}", config.monitorName(),
        config.repositories().size(), config.usesDiscovery() ? " plus discovery" : "",
        client.getClass().getSimpleName(), rawStore.getClass().getSimpleName());
    if (config.leases() && !(rawStore instanceof RepositoryLeases)) {
      log.warn("leases are on but the store {} has no repository leases; this monitor works alone",
          rawStore.getClass().getSimpleName());
    }
  }

  /**
   * The threads that synchronize repositories, which block in JDBC calls. Drivers (H2, PostgreSQL) block
   * inside {@code synchronized}, where before JDK 24 (JEP 491) a virtual thread pins its carrier: a few
   * repositories waiting on the database would then hold every carrier, and stall the HTTP client's
   * virtual threads and with them the whole pass. Before JDK 24 they are platform threads (at most
   * {@code maxConcurrentRepositories} of them); from 24 on, virtual threads.
   */
  static java.util.concurrent.ThreadFactory repositoryThreads(String prefix, int jdkFeature) {
    return jdkFeature < 24 ? Thread.ofPlatform().daemon().name(prefix, 0).factory()
        : Thread.ofVirtual().name(prefix, 0).factory();
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The configuration this monitor runs with. */
  public ProcessorConfig config() {
    return config;
  }

  /** The store the monitor synchronizes into (the one given to the builder, or the one it created). */
  public PullRequestStore store() {
    return rawStore;
  }

  /** Where the HTTP endpoint listens, if the builder asked for one. */
  public Optional<InetSocketAddress> httpAddress() {
    return Optional.ofNullable(httpServer).map(MonitorHttpServer::address);
  }

  /**
   * The receiver of GitHub webhook deliveries, if the builder was given {@link Builder#webhooks}: hand it each
   * delivery from your own HTTP server, or let {@link Builder#httpEndpoint} serve it as {@code POST /webhooks}.
   */
  public Optional<WebhookReceiver> webhookReceiver() {
    return Optional.ofNullable(webhookReceiver);
  }

  /** The report of the last pass that finished, if any. */
  public Optional<RunReport> lastReport() {
    return Optional.ofNullable(lastReport.get());
  }

  /**
   * Checks the monitor's health now: the store, the GitHub budget, the age of the last pass, and the
   * repositories that failed in it.
   */
  public Health health() {
    Health base = health.evaluate(lastReport.get(), metrics.rateLimits(), scheduler != null);
    if (webhookConfig == null) {
      return base;
    }
    Map<String, Health.Status> checks = new LinkedHashMap<>(base.checks());
    Map<String, String> details = new LinkedHashMap<>(base.details());
    Duration since = webhookStats.sinceLastDelivery();
    long failures = webhookStats.signatureFailures();
    boolean healthy = webhooksHealthy();
    // failures since the last verified delivery and none verified since: the secrets most likely differ
    boolean refusing = failures > 0 && !healthy;
    checks.put("webhooks", refusing ? Health.Status.DEGRADED : Health.Status.UP);
    details.put("webhooks", (since == null ? "no verified delivery yet" : "last delivery " + since.toSeconds()
        + " s ago") + ", " + webhookStats.deliveriesLastMinute() + " in the last minute, " + failures
        + " signature failures; passes every " + currentPassInterval());
    Health.Status overall = checks.values().stream().max(Enum::compareTo).orElse(Health.Status.UP);
    return new Health(overall, checks, details);
  }

  /** How many times the scheduler has woken up (each may or may not run a pass); for tests. */
  long schedulerTicks() {
    return schedulerTicks.get();
  }

  /** Passes run so far; for tests. */
  long passesRun() {
    return passes.get();
  }

  /** Whether the last verified webhook delivery is recent enough for polling to relax. */
  private boolean webhooksHealthy() {
    return webhookConfig != null && webhookConfig.healthy(webhookStats.sinceLastDelivery());
  }

  /** The time between scheduled passes now: relaxed while webhooks are healthy, if configured. */
  Duration currentPassInterval() {
    return webhooksHealthy() && webhookConfig.healthyPassInterval() != null
        ? webhookConfig.healthyPassInterval() : config.passInterval();
  }

  /** The repository the monitor watches under this name (compared case-insensitively), or null. */
  private RepositoryId watchedRepository(RepositoryId named) {
    String key = named.fullName().toLowerCase(java.util.Locale.ROOT);
    RepositoryId known = watched.get(key);
    if (known != null || !config.usesDiscovery() || lastReport.get() != null) {
      return known;
    }
    // before the first discovery, a repository of a discovered owner is taken on trust (name filters applied)
    boolean owner = config.discoverInstallation()
        || config.organizations().stream().anyMatch(o -> o.equalsIgnoreCase(named.owner()))
        || config.users().stream().anyMatch(u -> u.equalsIgnoreCase(named.owner()));
    return owner && filter(config).test(new RepositoryInfo(named, false, false)) ? named : null;
  }

  private static Map<String, RepositoryId> byLowerCaseName(List<RepositoryId> repositories) {
    Map<String, RepositoryId> byName = new java.util.HashMap<>();
    for (RepositoryId repository : repositories) {
      byName.putIfAbsent(repository.fullName().toLowerCase(java.util.Locale.ROOT), repository);
    }
    return Map.copyOf(byName);
  }

  /**
   * Delivers what a webhook's re-read recorded; a failure leaves it for the next round. With leases, the
   * re-read repository's changes only, before its lease is released. Without, single-flight: a re-read that
   * ends while a round runs leaves a request the running round picks up, instead of queueing a round of its
   * own behind it (ten re-reads ending at once cost two rounds, not ten).
   */
  private void deliverAfterRead(RepositoryId repository) {
    if (config.leases()) {
      // with leases only a repository's holder delivers its changes: this one's, now, while the re-read
      // still holds its lease (another worker may hold the others)
      readDelivery.lock();
      try {
        OutboxDispatcher.Round round = dispatcher.deliverPending(repository::equals);
        metrics.delivery(round.delivered(), round.failed());
      } catch (RuntimeException e) {
        metrics.error(e.getClass().getSimpleName());
        log.warn("delivering changes after a webhook re-read failed; they stay pending: {}", e.toString());
      } finally {
        readDelivery.unlock();
      }
      return;
    }
    deliveryRequested.set(true);
    while (deliveryRequested.get() && readDelivery.tryLock()) {
      try {
        while (deliveryRequested.getAndSet(false)) {
          OutboxDispatcher.Round round = dispatcher.deliverPending();
          metrics.delivery(round.delivered(), round.failed());
        }
      } catch (RuntimeException e) {
        metrics.error(e.getClass().getSimpleName());
        log.warn("delivering changes after a webhook re-read failed; they stay pending: {}", e.toString());
        return;
      } finally {
        readDelivery.unlock();
      }
    }
  }

  /**
   * Performs one pass over every configured repository and delivers the changes it recorded. Waits for a
   * pass already running (scheduled or from another thread) to end first.
   *
   * @return what the pass did
   * @throws io.prmonitor.spi.GitHubAuthenticationException if GitHub rejects the credentials
   * @throws IllegalStateException if the monitor is closed
   * @throws PRMonitorException if the pass was interrupted
   */
  public RunReport run() {
    ensureOpen();
    passLock.lock();
    try {
      ensureOpen();
      passThread.set(Thread.currentThread());
      return runPass();
    } finally {
      passThread.set(null);
      passLock.unlock();
    }
  }

  private RunReport runPass() {
    long pass = passes.incrementAndGet();
    MDC.put("pass", Long.toString(pass));
    Instant startedAt = clock.instant();
    try {
      RepositoryDiscovery.Result resolved = discovery.discover(client, store);
      List<RepositoryId> repositories = resolved.repositories();
      watched = byLowerCaseName(repositories);
      Progress progress = new Progress(pass, repositories.size(), startedAt);
      notifyProgressListeners(listener -> listener.onPassStart(pass, repositories));
      RepositoryQueue queue = repositoryQueue(repositories);
      if (enricher != null) {
        enricher.startPass(repositories.size());
      }
      List<RepositoryOutcome> outcomes;
      OutboxDispatcher.Round round;
      try {
        outcomes = processor.run(pass, queue, outcome -> {
          metrics.repository(outcome);
          progress.record(outcome);
        });
        if (enricher != null) {
          // the CI reads gathered across repositories: read before delivery, so their changes go out in this pass
          outcomes = enricher.finishPass(outcomes, metrics::changes);
        }
        // with leases, a monitor delivers the changes of the repositories it holds, before it lets them go:
        // each change reaches the listeners of one monitor of the fleet
        round = deliver(queue instanceof LeasedRepositoryQueue leased ? leased.held()::contains : null);
      } finally {
        if (queue instanceof LeasedRepositoryQueue leased) {
          leased.close();
        }
      }
      // with leases the fleet shares the repositories: a monitor reports on the ones it took up
      int covered = queue instanceof LeasedRepositoryQueue ? outcomes.size() : repositories.size();
      RunReport report = report(pass, startedAt, covered, outcomes, resolved.failures(), round);
      lastReport.set(report);
      metrics.pass(report.duration());
      log.info("pass {} finished: {}", pass, report.toJson());
      notifyProgressListeners(listener -> listener.onPassEnd(report));
      return report;
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

  /**
   * Delivers pending changes and purges old delivered ones. A store that fails here fails no repository:
   * the changes stay pending for the next pass.
   */
  private OutboxDispatcher.Round deliver(Predicate<RepositoryId> holding) {
    try {
      OutboxDispatcher.Round round = holding == null ? dispatcher.deliverPending()
          : dispatcher.deliverPending(holding);
      metrics.delivery(round.delivered(), round.failed());
      store.purgeDelivered(clock.instant().minus(config.outboxRetention()));
      if (webhookConfig != null) {
        ((WebhookDeliveries) rawStore).purgeDeliveries(clock.instant().minus(webhookConfig.deliveryRetention()));
      }
      return round;
    } catch (RuntimeException e) {
      metrics.error(e.getClass().getSimpleName());
      log.warn("delivering changes failed; they stay pending for the next pass: {}", e.toString());
      return new OutboxDispatcher.Round(0, 0, 0);
    }
  }

  /**
   * The repositories of a pass: with leases on and a store that has them, those this monitor claims from
   * the fleet's due ones; otherwise all of them, least recently completed first.
   */
  private RepositoryQueue repositoryQueue(List<RepositoryId> repositories) {
    if (!config.leases() || !(rawStore instanceof RepositoryLeases leases)) {
      return new OrderedRepositoryQueue(store, repositories);
    }
    FleetRateLimits fleetRateLimits = rawStore instanceof SharedRateLimits board
        ? new FleetRateLimits(board, client) : null;
    Runnable onRenewal = fleetRateLimits == null ? () -> { } : fleetRateLimits::exchange;
    onRenewal.run();
    // small batches spread a fleet's repositories evenly over its monitors and hold few idle leases
    int batchSize = Math.min(5, config.maxConcurrentRepositories());
    return new LeasedRepositoryQueue(leases, config.workerId(), repositories, config.leaseDuration(),
        config.repositoryInterval(), batchSize, clock, onRenewal);
  }

  private RunReport report(long pass, Instant startedAt, int total, List<RepositoryOutcome> outcomes,
      Map<String, String> discoveryFailures, OutboxDispatcher.Round round) {
    Map<String, String> failed = new LinkedHashMap<>(discoveryFailures);
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
        case FAILED -> failed.put(outcome.repository().fullName(), outcome.reason());
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
        deferred, seen, skipped, changes, requests, notModified, round.delivered(), round.failed(), quarantined,
        enricher == null ? EnrichmentReport.none() : enricher.drain());
  }

  /**
   * Starts running passes every {@link ProcessorConfig#passInterval()}, the first at once, on a thread of
   * the monitor's own. A pass that overruns the interval delays the next; passes never overlap. A pass
   * that fails is logged and the schedule goes on.
   *
   * @throws IllegalStateException if already started or closed
   */
  public void start() {
    lifecycleLock.lock();
    try {
      ensureOpen();
      if (scheduler != null) {
        throw new IllegalStateException("monitor '" + config.monitorName() + "' is already started");
      }
      scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "prmonitor-" + config.monitorName() + "-scheduler");
        thread.setDaemon(true);
        return thread;
      });
      scheduler.scheduleAtFixedRate(this::scheduledPass, 0, config.passInterval().toMillis(),
          TimeUnit.MILLISECONDS);
      log.info("prmonitor '{}' started: a pass every {}", config.monitorName(), config.passInterval());
    } finally {
      lifecycleLock.unlock();
    }
  }

  private void scheduledPass() {
    schedulerTicks.incrementAndGet();
    if (closed.get()) {
      return;
    }
    // the scheduler wakes every passInterval; while webhooks are healthy (on the monitor's clock) a pass runs
    // only once healthyPassInterval has passed since the last one, so the relaxed interval is a multiple of it
    Instant now = clock.instant();
    boolean relaxed = webhooksHealthy() && webhookConfig.healthyPassInterval() != null;
    if (relaxed && lastScheduledPass != null
        && Duration.between(lastScheduledPass, now).compareTo(webhookConfig.healthyPassInterval()) < 0) {
      return;
    }
    lastScheduledPass = now;
    try {
      run();
    } catch (RuntimeException e) {
      if (!closed.get()) {
        log.error("scheduled pass failed; the next one runs on schedule", e);
      }
    }
  }

  /**
   * Stops scheduling, lets a running pass finish for up to {@link ProcessorConfig#shutdownTimeout()},
   * then interrupts it, and closes what the monitor created: its threads, its GitHub client and its store
   * (never ones passed to the builder), and its meters. Idempotent.
   */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    log.info("prmonitor '{}' closing", config.monitorName());
    if (httpServer != null) {
      httpServer.close();
    }
    if (targetedReads != null) {
      targetedReads.close(config.shutdownTimeout());
    }
    lifecycleLock.lock();
    try {
      if (scheduler != null) {
        scheduler.shutdown();
      }
    } finally {
      lifecycleLock.unlock();
    }
    RuntimeException failure = null;
    try {
      boolean idle = passLock.tryLock(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
      if (idle) {
        passLock.unlock();
      } else {
        Thread running = passThread.get();
        log.warn("pass still running after {}; interrupting it", config.shutdownTimeout());
        if (running != null) {
          running.interrupt();
        }
        // the interrupted pass stops its repository tasks and waits for them; let it, before closing
        // the client and the store under them
        if (passLock.tryLock(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
          passLock.unlock();
        } else {
          log.warn("pass did not stop within {} of being interrupted; closing anyway", config.shutdownTimeout());
        }
      }
      if (scheduler != null) {
        scheduler.shutdownNow();
        scheduler.awaitTermination(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      if (ownsClient) {
        client.close();
      }
    } catch (RuntimeException e) {
      failure = e;
    }
    try {
      if (ownsStore) {
        rawStore.close();
      }
    } catch (RuntimeException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    } finally {
      metrics.close();
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("monitor '" + config.monitorName() + "' is closed");
    }
  }

  private GitHubClient createClient(ClassLoader classLoader,
      Function<GitHubClientSettings, ? extends GitHubClient> factory) {
    if (factory != null) {
      return Objects.requireNonNull(factory.apply(clientSettings()), "the githubClient factory returned null");
    }
    GitHubClientProvider provider = ProviderResolver.resolve(GitHubClientProvider.class,
        config.githubClientProvider(), GitHubClientProvider::name, classLoader,
        "ProcessorConfig.githubClientProvider");
    return provider.create(clientSettings());
  }

  /** What a client provider or the host's factory gets: the configuration, the clock and the metrics. */
  private GitHubClientSettings clientSettings() {
    return GitHubClientSettings.builder()
        .baseUrl(config.githubBaseUrl())
        .credentials(config.githubCredentials())
        .requestTimeout(config.githubRequestTimeout())
        .maxConcurrentRequests(config.maxConcurrentRequests())
        .retryMaxAttempts(config.retryMaxAttempts())
        .retryBackoffFactor(config.retryBackoffFactor())
        .enableCaching(config.enableCaching())
        .cacheTtl(config.cacheTtl())
        .rateLimitReserve(config.rateLimitReserve())
        .serverTimeBudget(config.serverTimeBudget(), config.serverTimeWindow())
        .clock(clock)
        .listener(metrics)
        .properties(config.githubClientProperties())
        .build();
  }

  private PullRequestStore createStore(ClassLoader classLoader, MeterRegistry hostRegistry) {
    PullRequestStoreProvider provider = ProviderResolver.resolve(PullRequestStoreProvider.class,
        config.storeProvider(), PullRequestStoreProvider::name, classLoader, "ProcessorConfig.storeProvider");
    // every repository task holds at most one connection at a time; two more serve delivery and health
    int poolSize = config.maxConcurrentRepositories() + 2;
    return provider.create(new StoreSettings(config.jdbcUrl(), config.databaseUser(), config.databasePassword(),
        poolSize, config.databaseTransactionTimeout(), config.storeProperties(), config.monitorName(),
        hostRegistry));
  }

  private static List<RepositorySelector> selectors(ProcessorConfig config) {
    List<RepositorySelector> selectors = new ArrayList<>();
    config.organizations().forEach(org -> selectors.add(new RepositorySelector.Organization(org)));
    config.users().forEach(user -> selectors.add(new RepositorySelector.User(user)));
    if (config.discoverInstallation()) {
      selectors.add(new RepositorySelector.Installation());
    }
    return selectors;
  }

  private static Predicate<RepositoryInfo> filter(ProcessorConfig config) {
    List<Pattern> include = config.include().stream().map(Globs::toRegex).toList();
    List<Pattern> exclude = config.exclude().stream().map(Globs::toRegex).toList();
    return info -> {
      String name = info.id().fullName();
      return (config.includeArchived() || !info.archived())
          && (config.includeForks() || !info.fork())
          && (include.isEmpty() || include.stream().anyMatch(p -> p.matcher(name).matches()))
          && exclude.stream().noneMatch(p -> p.matcher(name).matches());
    };
  }

  private void notifyProgressListeners(java.util.function.Consumer<ProgressListener> event) {
    for (ProgressListener listener : progressListeners) {
      try {
        event.accept(listener);
      } catch (RuntimeException e) {
        log.warn("progress listener {} failed", listener.getClass().getName(), e);
      }
    }
  }

  private static void closeQuietly(AutoCloseable resource, Throwable into) {
    if (resource != null) {
      try {
        resource.close();
      } catch (Exception e) {
        into.addSuppressed(e);
      }
    }
  }

  /** Tracks a pass's progress and tells the progress listeners. */
  private final class Progress {
    private final long pass;
    private final int total;
    private final Instant startedAt;
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong pullRequests = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final java.util.concurrent.locks.ReentrantLock order = new java.util.concurrent.locks.ReentrantLock();

    Progress(long pass, int total, Instant startedAt) {
      this.pass = pass;
      this.total = total;
      this.startedAt = startedAt;
    }

    /** One repository ended: listeners hear of it one at a time, so {@code done} never goes backwards. */
    void record(RepositoryOutcome outcome) {
      // a lock, not synchronized: a listener may block briefly, and a virtual thread must not pin its carrier
      order.lock();
      try {
        report(outcome);
      } finally {
        order.unlock();
      }
    }

    private void report(RepositoryOutcome outcome) {
      long finished = done.incrementAndGet();
      long prs = pullRequests.addAndGet(outcome.pullRequestsSeen());
      long reqs = requests.addAndGet(outcome.requests());
      if (progressListeners.isEmpty()) {
        return;
      }
      Duration elapsed = Duration.between(startedAt, clock.instant());
      Duration left = elapsed.multipliedBy(total - finished).dividedBy(Math.max(1, finished));
      ProgressListener.Progress snapshot = new ProgressListener.Progress(pass, (int) finished, total, prs,
          reqs, elapsed, left);
      for (ProgressListener listener : progressListeners) {
        try {
          listener.onProgress(snapshot);
        } catch (RuntimeException e) {
          log.warn("progress listener {} failed", listener.getClass().getName(), e);
        }
      }
    }
  }

  /**
   * Builds a {@link PRMonitor}. Not thread-safe. Everything but {@link #config} is optional.
   */
  public static final class Builder {
    private ProcessorConfig config;
    private GitHubClient client;
    private Function<GitHubClientSettings, ? extends GitHubClient> clientFactory;
    private boolean timerHistograms;
    private PullRequestStore store;
    private final List<ChangeListener> listeners = new ArrayList<>();
    private final List<ProgressListener> progressListeners = new ArrayList<>();
    private MeterRegistry meterRegistry;
    private Clock clock = Clock.systemUTC();
    private ClassLoader classLoader = PRMonitor.class.getClassLoader();
    private InetSocketAddress httpAddress;
    private WebhookConfig webhooks;

    private Builder() {
    }

    /** The configuration; required. */
    public Builder config(ProcessorConfig config) {
      this.config = Objects.requireNonNull(config, "null config");
      return this;
    }

    /**
     * A GitHub client to use instead of one from a provider. The monitor will not close it. It reports
     * nothing to the monitor's {@code prmonitor.github.*} meters nor to its health's rate-limit check unless
     * it was built with {@link #githubClient(Function)}'s settings, whose listener feeds them.
     */
    public Builder githubClient(GitHubClient client) {
      this.client = Objects.requireNonNull(client, "null client");
      this.clientFactory = null;
      return this;
    }

    /**
     * Builds the GitHub client with the host's own code from the settings the monitor would give a provider
     * (the configuration's values, the clock, and the listener that feeds the {@code prmonitor.github.*}
     * meters and the health's rate-limit check): for a host that customizes the client, such as
     * {@code settings -> new HttpGitHubClient(settings.toBuilder().retryInitialDelay(d).build())}. Called
     * once by {@link #build()}; the monitor closes the client it returns.
     */
    public Builder githubClient(Function<GitHubClientSettings, ? extends GitHubClient> factory) {
      this.clientFactory = Objects.requireNonNull(factory, "null factory");
      this.client = null;
      return this;
    }

    /**
     * Whether every {@code prmonitor.*} timer publishes a percentile histogram (Prometheus: the
     * {@code _bucket} series that {@code histogram_quantile} aggregates across monitors); default false, which
     * leaves it to the registry's configuration.
     */
    public Builder timerHistograms(boolean timerHistograms) {
      this.timerHistograms = timerHistograms;
      return this;
    }

    /** A store to use instead of one from a provider. The monitor will not close it. */
    public Builder store(PullRequestStore store) {
      this.store = Objects.requireNonNull(store, "null store");
      return this;
    }

    /** Adds a listener for changes; listeners are called in the order added. */
    public Builder listener(ChangeListener listener) {
      listeners.add(Objects.requireNonNull(listener, "null listener"));
      return this;
    }

    /** Adds a listener for pass progress. */
    public Builder progressListener(ProgressListener listener) {
      progressListeners.add(Objects.requireNonNull(listener, "null progress listener"));
      return this;
    }

    /**
     * The registry to bind metrics to; without one, metrics are not recorded. The monitor's meters are
     * registered at {@link #build()} (those of fixed tags with zero values) and removed at {@code close()}; a
     * store the monitor creates binds its connection pool's meters to it too.
     */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      this.meterRegistry = Objects.requireNonNull(meterRegistry, "null meterRegistry");
      return this;
    }

    /** The time source; default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "null clock");
      return this;
    }

    /**
     * Serves {@code GET /health} (JSON; 503 when DOWN) and {@code GET /metrics} (Prometheus text, when the
     * registry given to {@link #meterRegistry} is a {@code PrometheusMeterRegistry}) on this address, from
     * {@code build()} until {@code close()}. Off by default. Bind to loopback unless a proxy guards it.
     */
    public Builder httpEndpoint(InetSocketAddress address) {
      this.httpAddress = Objects.requireNonNull(address, "null address");
      return this;
    }

    /**
     * Receives GitHub webhooks: each verified delivery schedules a re-read of its repository within
     * {@link WebhookConfig#debounce()}, and passes go on as the safety net (relaxed to
     * {@link WebhookConfig#healthyPassInterval()} while deliveries arrive). The store must record deliveries
     * ({@link WebhookDeliveries}; the JDBC and in-memory stores do). Off by default.
     */
    public Builder webhooks(WebhookConfig webhooks) {
      this.webhooks = Objects.requireNonNull(webhooks, "null webhooks");
      return this;
    }

    /** Where providers are looked up; default the class loader of prmonitor's core. */
    public Builder classLoader(ClassLoader classLoader) {
      this.classLoader = Objects.requireNonNull(classLoader, "null classLoader");
      return this;
    }

    /**
     * Builds the monitor, creating the GitHub client and the store from providers where none was given.
     *
     * @throws IllegalStateException if no configuration was given
     * @throws io.prmonitor.spi.ConfigurationException if a provider is missing or ambiguous
     */
    public PRMonitor build() {
      if (config == null) {
        throw new IllegalStateException("config is required: PRMonitor.builder().config(ProcessorConfig...)");
      }
      if (webhooks != null && webhooks.healthyPassInterval() != null
          && webhooks.healthyPassInterval().compareTo(config.passInterval()) < 0) {
        throw new IllegalStateException("webhooks.healthyPassInterval (" + webhooks.healthyPassInterval()
            + ") must be at least passInterval (" + config.passInterval() + ")");
      }
      return new PRMonitor(this);
    }
  }
}
