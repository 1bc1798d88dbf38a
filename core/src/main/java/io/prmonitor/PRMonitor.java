package io.prmonitor;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.prmonitor.core.health.HealthEvaluator;
import io.prmonitor.core.http.MonitorHttpServer;
import io.prmonitor.core.metrics.MonitorMetrics;
import io.prmonitor.core.metrics.TimedPullRequestStore;
import io.prmonitor.core.webhook.GitHubWebhookReceiver;
import io.prmonitor.core.webhook.TargetedReads;
import io.prmonitor.core.webhook.WebhookStats;
import io.prmonitor.spi.ChangeListener;
import io.prmonitor.spi.ConfigurationException;
import io.prmonitor.spi.GitHubClient;
import io.prmonitor.spi.GitHubClientSettings;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryLeases;
import io.prmonitor.spi.WebhookDeliveries;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * and synchronization, then delivery of the recorded changes (the processor behind it, {@code PRProcessor},
 * takes these steps in this order). {@link #start()} runs passes on a schedule instead. Passes never overlap.
 * The GitHub client and the store are plug-ins: an instance given to the builder wins, then the provider the
 * configuration names, then the only provider on the class path.
 *
 * <p>This class is the façade: it owns the plug-ins, the lifecycle, the schedule, health and the optional
 * HTTP endpoint and webhooks. It runs past 400 lines because its {@link Builder} is nested (the API the
 * README shows as {@code PRMonitor.builder()}), whose documented options are a third of the file.
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
  private final PRProcessor processor;
  private final HealthEvaluator health;
  private final ReentrantLock passLock = new ReentrantLock();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicReference<Thread> passThread = new AtomicReference<>();
  private final ReentrantLock lifecycleLock = new ReentrantLock();
  private volatile ScheduledExecutorService scheduler;
  private final MonitorHttpServer httpServer;
  private final WebhookConfig webhookConfig;
  private final WebhookStats webhookStats;
  private final TargetedReads targetedReads;
  private final GitHubWebhookReceiver webhookReceiver;
  /** When the last scheduled pass started (scheduler thread only), for the relaxed schedule. */
  private Instant lastScheduledPass;
  private final AtomicLong schedulerTicks = new AtomicLong();

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
        createdClient = Plugins.createClient(config, clock, metrics, builder.classLoader, builder.clientFactory);
        this.client = createdClient;
      }
      if (builder.store != null) {
        this.rawStore = builder.store;
      } else {
        createdStore = Plugins.createStore(config, builder.classLoader, builder.meterRegistry);
        this.rawStore = createdStore;
      }
    } catch (RuntimeException | Error e) {
      // an Error too: a broken provider or JDBC driver must not leak the client created before it
      Plugins.closeQuietly(createdClient, e);
      Plugins.closeQuietly(createdStore, e);
      metrics.close();
      throw e;
    }
    this.ownsClient = builder.client == null;
    this.ownsStore = builder.store == null;
    this.store = new TimedPullRequestStore(rawStore, metrics);
    this.webhookConfig = builder.webhooks;
    this.processor = new PRProcessor(config, clock, client, store, metrics, builder.listeners,
        builder.progressListeners, webhookConfig == null ? null : webhookConfig.deliveryRetention());
    this.health = new HealthEvaluator(store, client, config, clock);
    if (webhookConfig != null) {
      WebhookDeliveries deliveryLog = store.webhookDeliveries().orElse(null);
      if (deliveryLog == null) {
        ConfigurationException e = new ConfigurationException("webhooks need a store that records deliveries "
            + "(PullRequestStore.webhookDeliveries(), WebhookDeliveries); " + rawStore.getClass().getName()
            + " offers none");
        Plugins.closeQuietly(createdClient, e);
        Plugins.closeQuietly(createdStore, e);
        metrics.close();
        throw e;
      }
      this.webhookStats = new WebhookStats(clock);
      RepositoryLeases leases = config.leases() ? store.leases().orElse(null) : null;
      this.targetedReads = new TargetedReads(processor.synchronizer(), store, leases, config.workerId(),
          config.leaseDuration(), processor.delivery()::afterRead, processor.enrichmentHook(), metrics, clock,
          webhookConfig.debounce(), config.maxConcurrentRepositories(), config.monitorName());
      this.webhookReceiver = new GitHubWebhookReceiver(webhookConfig, deliveryLog, processor::watchedRepository,
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
        Plugins.closeQuietly(createdClient, e);
        Plugins.closeQuietly(createdStore, e);
        metrics.close();
        throw e;
      }
    }
    this.httpServer = server;
    log.info("prmonitor '{}' ready: {} named repositories{}, client {}, store {}", config.monitorName(),
        config.repositories().size(), config.usesDiscovery() ? " plus discovery" : "",
        client.getClass().getSimpleName(), rawStore.getClass().getSimpleName());
    if (config.leases() && store.leases().isEmpty()) {
      log.warn("leases are on but the store {} has no repository leases; this monitor works alone",
          rawStore.getClass().getSimpleName());
    }
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
    return Optional.ofNullable(processor.lastReport());
  }

  /**
   * Checks the monitor's health now: the store, the GitHub budget, the age of the last pass, and the
   * repositories that failed in it.
   */
  public Health health() {
    Health base = health.evaluate(processor.lastReport(), metrics.rateLimits(), scheduler != null);
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
    return processor.passes();
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

  /**
   * Performs one pass over every configured repository and delivers the changes it recorded. Waits for a
   * pass already running (scheduled or from another thread) to end first.
   *
   * @return what the pass did
   * @throws io.prmonitor.spi.GitHubAuthenticationException if GitHub rejects the credentials
   * @throws IllegalStateException if the monitor is closed
   * @throws io.prmonitor.spi.PRMonitorException if the pass was interrupted
   */
  public RunReport run() {
    ensureOpen();
    passLock.lock();
    try {
      ensureOpen();
      passThread.set(Thread.currentThread());
      return processor.run();
    } finally {
      passThread.set(null);
      passLock.unlock();
    }
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
