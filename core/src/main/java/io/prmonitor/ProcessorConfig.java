package io.prmonitor;

import static io.prmonitor.ProcessorConfigRules.CACHE_TTL;
import static io.prmonitor.ProcessorConfigRules.DATABASE_TRANSACTION_TIMEOUT;
import static io.prmonitor.ProcessorConfigRules.GITHUB_BASE_URL;
import static io.prmonitor.ProcessorConfigRules.GITHUB_REQUEST_TIMEOUT;
import static io.prmonitor.ProcessorConfigRules.JDBC_URL;
import static io.prmonitor.ProcessorConfigRules.LEASE_DURATION;
import static io.prmonitor.ProcessorConfigRules.MAX_CONCURRENT_PRS_PER_REPO;
import static io.prmonitor.ProcessorConfigRules.MAX_CONCURRENT_REPOSITORIES;
import static io.prmonitor.ProcessorConfigRules.MAX_CONCURRENT_REQUESTS;
import static io.prmonitor.ProcessorConfigRules.MONITOR_NAME;
import static io.prmonitor.ProcessorConfigRules.OUTBOX_RETENTION;
import static io.prmonitor.ProcessorConfigRules.PASS_DEADLINE;
import static io.prmonitor.ProcessorConfigRules.PASS_INTERVAL;
import static io.prmonitor.ProcessorConfigRules.RATE_LIMIT_RESERVE;
import static io.prmonitor.ProcessorConfigRules.REPOSITORY_INTERVAL;
import static io.prmonitor.ProcessorConfigRules.RETRY_BACKOFF_FACTOR;
import static io.prmonitor.ProcessorConfigRules.RETRY_MAX_ATTEMPTS;
import static io.prmonitor.ProcessorConfigRules.SERVER_TIME_BUDGET;
import static io.prmonitor.ProcessorConfigRules.SERVER_TIME_WINDOW;
import static io.prmonitor.ProcessorConfigRules.SHUTDOWN_TIMEOUT;
import static io.prmonitor.ProcessorConfigRules.STORE_LOCATION;
import static io.prmonitor.ProcessorConfigRules.WORKER_ID;
import static io.prmonitor.ProcessorConfigRules.checkGlob;
import static io.prmonitor.ProcessorConfigRules.checkLogin;
import static io.prmonitor.ProcessorConfigRules.checkProperties;
import static io.prmonitor.ProcessorConfigRules.checkProperty;
import static io.prmonitor.ProcessorConfigRules.checkProviderName;
import static io.prmonitor.ProcessorConfigRules.checkSelection;
import static io.prmonitor.ProcessorConfigRules.generatedWorkerId;
import static io.prmonitor.ProcessorConfigRules.maskUrl;

import io.prmonitor.spi.EnrichmentMode;
import io.prmonitor.spi.GitHubClientSettings;
import io.prmonitor.spi.GitHubCredentials;
import io.prmonitor.spi.RepositoryId;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The immutable configuration of a {@link PRMonitor}: which repositories to watch, how to reach GitHub and
 * the store, and how hard to push.
 *
 * <p>Built with {@link #builder()}; every setter rejects a bad value at once with an
 * {@link IllegalArgumentException} that names the field and the value, and the record's constructor applies
 * the same rules again, with those that span fields, whoever calls it. Each rule is written once: the GitHub
 * settings' in {@link GitHubClientSettings} (which the client provider receives), the transaction timeout's in
 * {@code StoreSettings}, the others in {@code ProcessorConfigRules}, grouped there as the settings are
 * (GitHub, database and store, schedule, fleet, what to watch). {@code toString()} masks the credentials and
 * the database password.
 *
 * <p>Why this file is longer than 400 lines: it is the public configuration hosts compile against, one record
 * component and one documented builder setter for each of some forty settings, kept in one type (and its
 * nested {@link Builder}, which cannot move out without renaming {@code ProcessorConfig.Builder}) for source
 * compatibility; the rules and their messages live elsewhere, as above. The record keeps its flat components
 * rather than grouped records because its canonical constructor and its components are public too (the
 * service's option table is checked against them by reflection).
 *
 * @param repositories repositories watched by name
 * @param organizations organizations whose repositories are discovered and watched
 * @param users users whose repositories are discovered and watched
 * @param discoverInstallation whether the repositories of the GitHub App installation are watched
 * @param include glob patterns ({@code *} and {@code ?}) over {@code owner/name}; a discovered repository is
 *     kept only if it matches one (all are kept when empty)
 * @param exclude glob patterns over {@code owner/name}; a discovered repository matching one is dropped
 * @param includeArchived whether discovered archived repositories are kept
 * @param includeForks whether discovered forks are kept
 * @param githubBaseUrl the GitHub API root
 * @param githubCredentials how to authenticate to GitHub
 * @param githubClientProvider the name of the {@code GitHubClientProvider} to use, or null to use the only
 *     one found
 * @param storeProvider the name of the {@code PullRequestStoreProvider} to use, or null to use the only one
 *     found
 * @param jdbcUrl the store's JDBC URL
 * @param databaseUser the database user, or null
 * @param databasePassword the database password, or null
 * @param maxConcurrentRepositories repositories synchronized at once
 * @param maxConcurrentPrsPerRepo the most pull requests of one repository whose REST enrichment requests are in
 *     flight at once
 * @param maxConcurrentRequests GitHub requests in flight at once across the monitor
 * @param githubRequestTimeout the time limit of one GitHub request, body included
 * @param databaseTransactionTimeout the time limit of one database transaction; stores derive their network
 *     timeouts from it (the JDBC store: PostgreSQL's socket, connect and login timeouts)
 * @param enableCaching whether the in-memory per-pull-request response cache of REST enrichment is on (a re-read
 *     is conditional on the stored enrichment's entity tags either way)
 * @param cacheTtl how long that cache keeps a response
 * @param retryMaxAttempts how many times one GitHub request may be tried in all
 * @param retryBackoffFactor the factor between successive retry delays
 * @param rateLimitReserve requests per credential never spent, so other tools sharing the token keep some
 * @param serverTimeBudget summed GitHub response time allowed per {@code serverTimeWindow} (GitHub's
 *     secondary limit: 90 s per 60 s); the client paces itself under it; null turns pacing off
 * @param serverTimeWindow the window of {@code serverTimeBudget}
 * @param emitOpenedOnBaseline whether a repository's first pass reports every existing pull request as
 *     {@code OPENED} (otherwise it silently records them)
 * @param passInterval the time between the starts of scheduled passes ({@link PRMonitor#start()})
 * @param passDeadline the longest a pass may run before its remaining repositories are deferred, or null
 * @param shutdownTimeout how long {@link PRMonitor#close()} lets in-flight work finish
 * @param outboxRetention how long delivered changes are kept in the store's outbox
 * @param monitorName the value of the {@code monitor} tag on every metric
 * @param leases whether the monitor shares its repositories with other monitors through leases in the
 *     store (which must implement {@code RepositoryLeases}); off, a pass works through every repository
 * @param workerId this monitor's id among the monitors sharing the store, unique per running monitor;
 *     generated when leases are on and none was set, else null when none was set
 * @param leaseDuration how long a repository's lease lasts unless renewed (it is renewed every third of it
 *     while the monitor works); a dead monitor's repositories go to others this long after it died
 * @param repositoryInterval with leases, the least time between two completed passes over one repository
 * @param storeProperties settings of the store provider's own, handed to it in
 *     {@code StoreSettings.properties()} and not interpreted by prmonitor (the JDBC store reads
 *     {@code migrate}; it rejects a key it does not know)
 * @param githubClientProperties settings of the GitHub client provider's own, handed to it in
 *     {@code GitHubClientSettings.properties()} and not interpreted by prmonitor
 * @param enrichment how reviews, CI state, mergeability and comments are read: GitHub's GraphQL API (REST for
 *     what its budget cannot pay), REST only, or not at all ({@link EnrichmentMode#OFF}, the default)
 * @param enrichClosedHistory whether a repository's first pass also enriches its closed and merged pull
 *     requests (otherwise only its open ones; later passes enrich every pull request that changed)
 */
public record ProcessorConfig(
    List<RepositoryId> repositories,
    List<String> organizations,
    List<String> users,
    boolean discoverInstallation,
    List<String> include,
    List<String> exclude,
    boolean includeArchived,
    boolean includeForks,
    URI githubBaseUrl,
    GitHubCredentials githubCredentials,
    String githubClientProvider,
    String storeProvider,
    String jdbcUrl,
    String databaseUser,
    String databasePassword,
    int maxConcurrentRepositories,
    int maxConcurrentPrsPerRepo,
    int maxConcurrentRequests,
    Duration githubRequestTimeout,
    Duration databaseTransactionTimeout,
    boolean enableCaching,
    Duration cacheTtl,
    int retryMaxAttempts,
    double retryBackoffFactor,
    int rateLimitReserve,
    Duration serverTimeBudget,
    Duration serverTimeWindow,
    boolean emitOpenedOnBaseline,
    Duration passInterval,
    Duration passDeadline,
    Duration shutdownTimeout,
    Duration outboxRetention,
    String monitorName,
    boolean leases,
    String workerId,
    Duration leaseDuration,
    Duration repositoryInterval,
    Map<String, String> storeProperties,
    Map<String, String> githubClientProperties,
    EnrichmentMode enrichment,
    boolean enrichClosedHistory) {

  public static final int DEFAULT_MAX_CONCURRENT_REPOSITORIES = 10;
  public static final int DEFAULT_MAX_CONCURRENT_PRS_PER_REPO = 50;
  public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = GitHubClientSettings.DEFAULT_MAX_CONCURRENT_REQUESTS;
  public static final Duration DEFAULT_GITHUB_REQUEST_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_DATABASE_TRANSACTION_TIMEOUT = Duration.ofSeconds(60);
  public static final boolean DEFAULT_ENABLE_CACHING = true;
  public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(300);
  public static final int DEFAULT_RETRY_MAX_ATTEMPTS = 3;
  public static final double DEFAULT_RETRY_BACKOFF_FACTOR = 2.0;
  public static final int DEFAULT_RATE_LIMIT_RESERVE = GitHubClientSettings.DEFAULT_RATE_LIMIT_RESERVE;
  public static final Duration DEFAULT_SERVER_TIME_BUDGET = GitHubClientSettings.DEFAULT_SERVER_TIME_BUDGET;
  public static final Duration DEFAULT_SERVER_TIME_WINDOW = GitHubClientSettings.DEFAULT_SERVER_TIME_WINDOW;
  public static final Duration DEFAULT_PASS_INTERVAL = Duration.ofMinutes(5);
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_OUTBOX_RETENTION = Duration.ofDays(7);
  public static final String DEFAULT_JDBC_URL = "jdbc:h2:file:./prmonitor-data/prmonitor";
  public static final String DEFAULT_MONITOR_NAME = "prmonitor";
  public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(60);
  public static final Duration DEFAULT_REPOSITORY_INTERVAL = Duration.ZERO;
  public static final EnrichmentMode DEFAULT_ENRICHMENT = EnrichmentMode.OFF;

  /**
   * Checks every value with the same rule as its builder setter ({@link ProcessorConfigRules}), and the rules
   * that span settings.
   *
   * @throws IllegalArgumentException naming the setting and the bad value
   * @throws IllegalStateException if no repository is named and none is to be discovered, a repository is
   *     named twice, or the installation is to be discovered without GitHub App credentials
   */
  public ProcessorConfig {
    repositories = List.copyOf(repositories);
    organizations = List.copyOf(organizations);
    users = List.copyOf(users);
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
    storeProperties = Collections.unmodifiableMap(new LinkedHashMap<>(storeProperties));
    githubClientProperties = Collections.unmodifiableMap(new LinkedHashMap<>(githubClientProperties));
    organizations.forEach(login -> checkLogin("organizations", login));
    users.forEach(login -> checkLogin("users", login));
    include.forEach(glob -> checkGlob("include", glob));
    exclude.forEach(glob -> checkGlob("exclude", glob));
    GITHUB_BASE_URL.check(githubBaseUrl);
    Objects.requireNonNull(githubCredentials, "githubCredentials: null");
    if (githubClientProvider != null) {
      checkProviderName("githubClientProvider", githubClientProvider);
    }
    if (storeProvider != null) {
      checkProviderName("storeProvider", storeProvider);
    }
    STORE_LOCATION.check(jdbcUrl);
    MAX_CONCURRENT_REPOSITORIES.check(maxConcurrentRepositories);
    MAX_CONCURRENT_PRS_PER_REPO.check(maxConcurrentPrsPerRepo);
    MAX_CONCURRENT_REQUESTS.check(maxConcurrentRequests);
    GITHUB_REQUEST_TIMEOUT.check(githubRequestTimeout);
    DATABASE_TRANSACTION_TIMEOUT.check(databaseTransactionTimeout);
    CACHE_TTL.check(cacheTtl);
    RETRY_MAX_ATTEMPTS.check(retryMaxAttempts);
    RETRY_BACKOFF_FACTOR.check(retryBackoffFactor);
    RATE_LIMIT_RESERVE.check(rateLimitReserve);
    SERVER_TIME_BUDGET.check(serverTimeBudget);
    SERVER_TIME_WINDOW.check(serverTimeWindow);
    PASS_INTERVAL.check(passInterval);
    PASS_DEADLINE.check(passDeadline);
    SHUTDOWN_TIMEOUT.check(shutdownTimeout);
    OUTBOX_RETENTION.check(outboxRetention);
    MONITOR_NAME.check(monitorName);
    if (workerId != null) {
      WORKER_ID.check(workerId);
    }
    LEASE_DURATION.check(leaseDuration);
    REPOSITORY_INTERVAL.check(repositoryInterval);
    checkProperties("storeProperty", storeProperties);
    checkProperties("githubClientProperty", githubClientProperties);
    Objects.requireNonNull(enrichment, "null enrichment");
    checkSelection(repositories, organizations, users, discoverInstallation, githubCredentials);
  }

  /** A builder holding every default and no repositories. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.repositories.addAll(repositories);
    b.organizations.addAll(organizations);
    b.users.addAll(users);
    b.include.addAll(include);
    b.exclude.addAll(exclude);
    b.discoverInstallation = discoverInstallation;
    b.includeArchived = includeArchived;
    b.includeForks = includeForks;
    b.githubBaseUrl = githubBaseUrl;
    b.githubCredentials = githubCredentials;
    b.githubClientProvider = githubClientProvider;
    b.storeProvider = storeProvider;
    b.jdbcUrl = jdbcUrl;
    b.databaseUser = databaseUser;
    b.databasePassword = databasePassword;
    b.maxConcurrentRepositories = maxConcurrentRepositories;
    b.maxConcurrentPrsPerRepo = maxConcurrentPrsPerRepo;
    b.maxConcurrentRequests = maxConcurrentRequests;
    b.githubRequestTimeout = githubRequestTimeout;
    b.databaseTransactionTimeout = databaseTransactionTimeout;
    b.enableCaching = enableCaching;
    b.cacheTtl = cacheTtl;
    b.retryMaxAttempts = retryMaxAttempts;
    b.retryBackoffFactor = retryBackoffFactor;
    b.rateLimitReserve = rateLimitReserve;
    b.serverTimeBudget = serverTimeBudget;
    b.serverTimeWindow = serverTimeWindow;
    b.emitOpenedOnBaseline = emitOpenedOnBaseline;
    b.passInterval = passInterval;
    b.passDeadline = passDeadline;
    b.shutdownTimeout = shutdownTimeout;
    b.outboxRetention = outboxRetention;
    b.monitorName = monitorName;
    b.leases = leases;
    b.workerId = workerId;
    b.leaseDuration = leaseDuration;
    b.repositoryInterval = repositoryInterval;
    b.storeProperties.putAll(storeProperties);
    b.githubClientProperties.putAll(githubClientProperties);
    b.enrichment = enrichment;
    b.enrichClosedHistory = enrichClosedHistory;
    return b;
  }

  /** Whether any repository comes from discovery rather than by name. */
  public boolean usesDiscovery() {
    return discoverInstallation || !organizations.isEmpty() || !users.isEmpty();
  }

  @Override
  public String toString() {
    return "ProcessorConfig[repositories=" + repositories + ", organizations=" + organizations
        + ", users=" + users + ", discoverInstallation=" + discoverInstallation
        + ", include=" + include + ", exclude=" + exclude + ", includeArchived=" + includeArchived
        + ", includeForks=" + includeForks + ", githubBaseUrl=" + githubBaseUrl
        + ", githubCredentials=" + githubCredentials.label()
        + ", githubClientProvider=" + githubClientProvider + ", storeProvider=" + storeProvider
        + ", jdbcUrl=" + maskUrl(jdbcUrl) + ", databaseUser=" + databaseUser
        + ", databasePassword=" + (databasePassword == null ? null : "****")
        + ", maxConcurrentRepositories=" + maxConcurrentRepositories
        + ", maxConcurrentPrsPerRepo=" + maxConcurrentPrsPerRepo
        + ", maxConcurrentRequests=" + maxConcurrentRequests
        + ", githubRequestTimeout=" + githubRequestTimeout
        + ", databaseTransactionTimeout=" + databaseTransactionTimeout
        + ", enableCaching=" + enableCaching + ", cacheTtl=" + cacheTtl
        + ", retryMaxAttempts=" + retryMaxAttempts + ", retryBackoffFactor=" + retryBackoffFactor
        + ", rateLimitReserve=" + rateLimitReserve + ", serverTimeBudget=" + serverTimeBudget
        + "/" + serverTimeWindow + ", emitOpenedOnBaseline=" + emitOpenedOnBaseline
        + ", passInterval=" + passInterval + ", passDeadline=" + passDeadline
        + ", shutdownTimeout=" + shutdownTimeout + ", outboxRetention=" + outboxRetention
        + ", monitorName=" + monitorName + ", leases=" + leases + ", workerId=" + workerId
        + ", leaseDuration=" + leaseDuration + ", repositoryInterval=" + repositoryInterval
        + ", storeProperties=" + storeProperties.keySet() + ", githubClientProperties="
        + githubClientProperties.keySet() + ", enrichment=" + enrichment + ", enrichClosedHistory="
        + enrichClosedHistory + "]";
  }

  /**
   * Builds a {@link ProcessorConfig}. Each setter validates its argument at once; {@link #build()} checks
   * the rules that span fields. Not thread-safe.
   */
  public static final class Builder {
    private final List<RepositoryId> repositories = new ArrayList<>();
    private final List<String> organizations = new ArrayList<>();
    private final List<String> users = new ArrayList<>();
    private final List<String> include = new ArrayList<>();
    private final List<String> exclude = new ArrayList<>();
    private boolean discoverInstallation;
    private boolean includeArchived;
    private boolean includeForks = true;
    private final Map<String, String> storeProperties = new LinkedHashMap<>();
    private final Map<String, String> githubClientProperties = new LinkedHashMap<>();
    private URI githubBaseUrl = GitHubClientSettings.DEFAULT_BASE_URL;
    private GitHubCredentials githubCredentials = new GitHubCredentials.Anonymous();
    private String githubClientProvider;
    private String storeProvider;
    private String jdbcUrl = DEFAULT_JDBC_URL;
    private String databaseUser;
    private String databasePassword;
    private int maxConcurrentRepositories = DEFAULT_MAX_CONCURRENT_REPOSITORIES;
    private int maxConcurrentPrsPerRepo = DEFAULT_MAX_CONCURRENT_PRS_PER_REPO;
    private int maxConcurrentRequests = DEFAULT_MAX_CONCURRENT_REQUESTS;
    private Duration githubRequestTimeout = DEFAULT_GITHUB_REQUEST_TIMEOUT;
    private Duration databaseTransactionTimeout = DEFAULT_DATABASE_TRANSACTION_TIMEOUT;
    private boolean enableCaching = DEFAULT_ENABLE_CACHING;
    private Duration cacheTtl = DEFAULT_CACHE_TTL;
    private int retryMaxAttempts = DEFAULT_RETRY_MAX_ATTEMPTS;
    private double retryBackoffFactor = DEFAULT_RETRY_BACKOFF_FACTOR;
    private int rateLimitReserve = DEFAULT_RATE_LIMIT_RESERVE;
    private Duration serverTimeBudget = DEFAULT_SERVER_TIME_BUDGET;
    private Duration serverTimeWindow = DEFAULT_SERVER_TIME_WINDOW;
    private boolean emitOpenedOnBaseline;
    private Duration passInterval = DEFAULT_PASS_INTERVAL;
    private Duration passDeadline;
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private Duration outboxRetention = DEFAULT_OUTBOX_RETENTION;
    private String monitorName = DEFAULT_MONITOR_NAME;
    private boolean leases;
    private String workerId;
    private Duration leaseDuration = DEFAULT_LEASE_DURATION;
    private Duration repositoryInterval = DEFAULT_REPOSITORY_INTERVAL;
    private EnrichmentMode enrichment = DEFAULT_ENRICHMENT;
    private boolean enrichClosedHistory;

    private Builder() {
    }

    /** Adds repositories to watch. */
    public Builder repositories(RepositoryId... repositories) {
      for (RepositoryId repository : repositories) {
        this.repositories.add(Objects.requireNonNull(repository, "null repository"));
      }
      return this;
    }

    /** Adds repositories to watch. */
    public Builder repositories(List<RepositoryId> repositories) {
      return repositories(repositories.toArray(RepositoryId[]::new));
    }

    /**
     * Adds repositories to watch, each as {@code owner/name}.
     *
     * @throws IllegalArgumentException naming the first malformed name
     */
    public Builder repositories(String... fullNames) {
      for (String fullName : fullNames) {
        try {
          repositories.add(RepositoryId.parse(fullName));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("repositories: " + e.getMessage(), e);
        }
      }
      return this;
    }

    /** Adds an organization whose repositories are discovered. */
    public Builder organization(String organization) {
      organizations.add(checkLogin("organizations", organization));
      return this;
    }

    /** Adds a user whose repositories are discovered. */
    public Builder user(String user) {
      users.add(checkLogin("users", user));
      return this;
    }

    /** Whether the repositories of the GitHub App installation are discovered; default false. */
    public Builder discoverInstallation(boolean discoverInstallation) {
      this.discoverInstallation = discoverInstallation;
      return this;
    }

    /** Adds an include glob over {@code owner/name} for discovered repositories. */
    public Builder include(String glob) {
      include.add(checkGlob("include", glob));
      return this;
    }

    /** Adds an exclude glob over {@code owner/name} for discovered repositories. */
    public Builder exclude(String glob) {
      exclude.add(checkGlob("exclude", glob));
      return this;
    }

    /** Whether discovered archived repositories are kept; default false. */
    public Builder includeArchived(boolean includeArchived) {
      this.includeArchived = includeArchived;
      return this;
    }

    /** Whether discovered forks are kept; default true. */
    public Builder includeForks(boolean includeForks) {
      this.includeForks = includeForks;
      return this;
    }

    /**
     * The GitHub API root; default {@code https://api.github.com}. Plain {@code http://} is accepted for
     * loopback hosts only (the simulator), so a token is never sent in clear over a network; no query or
     * fragment ({@link GitHubClientSettings#requireBaseUrl}).
     */
    public Builder githubBaseUrl(URI githubBaseUrl) {
      this.githubBaseUrl = GITHUB_BASE_URL.check(githubBaseUrl);
      return this;
    }

    /** Parses and sets {@link #githubBaseUrl(URI)}. */
    public Builder githubBaseUrl(String githubBaseUrl) {
      Objects.requireNonNull(githubBaseUrl, "githubBaseUrl: null");
      try {
        return githubBaseUrl(new URI(githubBaseUrl));
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException("githubBaseUrl is not a URL: " + githubBaseUrl, e);
      }
    }

    /** How to authenticate; default anonymous. */
    public Builder githubCredentials(GitHubCredentials githubCredentials) {
      this.githubCredentials = Objects.requireNonNull(githubCredentials, "githubCredentials: null");
      return this;
    }

    /**
     * Authenticates with a personal access token; {@link GitHubCredentials.Token}'s rule applies (not blank,
     * printable ASCII without spaces).
     */
    public Builder githubToken(String token) {
      if (token == null) {
        throw new IllegalArgumentException("githubToken must not be null");
      }
      try {
        return githubCredentials(new GitHubCredentials.Token(token));
      } catch (IllegalArgumentException e) {
        // the token's message never shows the token
        throw new IllegalArgumentException("githubToken: " + e.getMessage(), e);
      }
    }

    /** Selects the GitHub client provider by name; default: the only one on the class path. */
    public Builder githubClientProvider(String name) {
      this.githubClientProvider = checkProviderName("githubClientProvider", name);
      return this;
    }

    /** Selects the store provider by name; default: the only one on the class path. */
    public Builder storeProvider(String name) {
      this.storeProvider = checkProviderName("storeProvider", name);
      return this;
    }

    /**
     * Where a store of another provider than the JDBC one keeps its data: any non-blank text its provider
     * understands (a directory, a URI), handed to it as {@code StoreSettings.location()}. Replaces
     * {@link #jdbcUrl}: the two set the same field.
     */
    public Builder storeLocation(String location) {
      this.jdbcUrl = STORE_LOCATION.check(location);
      return this;
    }

    /**
     * Sets one setting of the store provider's own, handed to it in {@code StoreSettings.properties()}.
     * The JDBC store knows {@code migrate} ({@code true}, the default, or {@code false}: the schema is
     * managed outside prmonitor and only checked at start).
     */
    public Builder storeProperty(String key, String value) {
      checkProperty("storeProperty", key, value);
      storeProperties.put(key, value);
      return this;
    }

    /** Sets one setting of the GitHub client provider's own, handed to it in {@code GitHubClientSettings.properties()}. */
    public Builder githubClientProperty(String key, String value) {
      checkProperty("githubClientProperty", key, value);
      githubClientProperties.put(key, value);
      return this;
    }

    /** The store's JDBC URL; default an H2 file database, {@code ./prmonitor-data/prmonitor}. */
    public Builder jdbcUrl(String jdbcUrl) {
      this.jdbcUrl = JDBC_URL.check(jdbcUrl);
      return this;
    }

    /** The database user and password; either may be null. */
    public Builder databaseCredentials(String user, String password) {
      this.databaseUser = user;
      this.databasePassword = password;
      return this;
    }

    /** Repositories synchronized at once, 1 to 1,000; default 10. */
    public Builder maxConcurrentRepositories(int value) {
      this.maxConcurrentRepositories = MAX_CONCURRENT_REPOSITORIES.check(value);
      return this;
    }

    /** Per-pull-request requests in flight per repository, 1 to 100; default 50. */
    public Builder maxConcurrentPrsPerRepo(int value) {
      this.maxConcurrentPrsPerRepo = MAX_CONCURRENT_PRS_PER_REPO.check(value);
      return this;
    }

    /** GitHub requests in flight at once, 1 to 100 (GitHub's own limit); default 16. */
    public Builder maxConcurrentRequests(int value) {
      this.maxConcurrentRequests = MAX_CONCURRENT_REQUESTS.check(value);
      return this;
    }

    /** The time limit of one GitHub request, 1 ms to 10 minutes; default 30 s. */
    public Builder githubRequestTimeout(Duration value) {
      this.githubRequestTimeout = GITHUB_REQUEST_TIMEOUT.check(value);
      return this;
    }

    /** The time limit of one database transaction, 1 ms to 1 hour; default 60 s. */
    public Builder databaseTransactionTimeout(Duration value) {
      this.databaseTransactionTimeout = DATABASE_TRANSACTION_TIMEOUT.check(value);
      return this;
    }

    /**
     * Whether the in-memory per-pull-request response cache of REST enrichment is on; default true. A re-read is
     * conditional on the stored enrichment's entity tags either way.
     */
    public Builder enableCaching(boolean enableCaching) {
      this.enableCaching = enableCaching;
      return this;
    }

    /** How long the per-pull-request response cache keeps a response, 1 ms to 1 day; default 300 s. */
    public Builder cacheTtl(Duration value) {
      this.cacheTtl = CACHE_TTL.check(value);
      return this;
    }

    /** How many times one GitHub request may be tried in all, 1 to 10; default 3. */
    public Builder retryMaxAttempts(int value) {
      this.retryMaxAttempts = RETRY_MAX_ATTEMPTS.check(value);
      return this;
    }

    /** The factor between successive retry delays, 1.0 to 10.0; default 2.0. */
    public Builder retryBackoffFactor(double value) {
      this.retryBackoffFactor = RETRY_BACKOFF_FACTOR.check(value);
      return this;
    }

    /** Requests per credential never spent, 0 to 5,000; default 50. */
    public Builder rateLimitReserve(int value) {
      this.rateLimitReserve = RATE_LIMIT_RESERVE.check(value);
      return this;
    }

    /**
     * GitHub's server-time budget: summed response time allowed per window; default 90 s per 60 s, as on
     * github.com. The client paces itself to stay under it. A null budget turns pacing off, for servers
     * known to enforce none (the simulator without its budget, a benchmark of the engine alone).
     */
    public Builder serverTimeBudget(Duration budget, Duration window) {
      this.serverTimeWindow = SERVER_TIME_WINDOW.check(window);
      this.serverTimeBudget = SERVER_TIME_BUDGET.check(budget);
      return this;
    }

    /** Whether a repository's first pass reports existing pull requests as OPENED; default false. */
    public Builder emitOpenedOnBaseline(boolean emitOpenedOnBaseline) {
      this.emitOpenedOnBaseline = emitOpenedOnBaseline;
      return this;
    }

    /** The time between scheduled pass starts, 1 ms to 1 day; default 5 minutes. */
    public Builder passInterval(Duration value) {
      this.passInterval = PASS_INTERVAL.check(value);
      return this;
    }

    /** The longest a pass may run before deferring what is left, or null for none; default none. */
    public Builder passDeadline(Duration value) {
      this.passDeadline = PASS_DEADLINE.check(value);
      return this;
    }

    /** How long {@code close()} lets in-flight work finish, 1 ms to 10 minutes; default 30 s. */
    public Builder shutdownTimeout(Duration value) {
      this.shutdownTimeout = SHUTDOWN_TIMEOUT.check(value);
      return this;
    }

    /** How long delivered changes stay in the outbox, 1 ms to 3,650 days; default 7 days. */
    public Builder outboxRetention(Duration value) {
      this.outboxRetention = OUTBOX_RETENTION.check(value);
      return this;
    }

    /** The {@code monitor} metric tag: 1 to 64 of letters, digits, '.', '_', '-'; default prmonitor. */
    public Builder monitorName(String value) {
      this.monitorName = MONITOR_NAME.check(value);
      return this;
    }

    /**
     * Whether the monitor shares its repositories with other monitors through leases in the store; default
     * false. On, each pass claims due repositories oldest first in small batches, holds a renewed lease on
     * each while synchronizing it and releases it when done, and takes over the repositories of a monitor
     * whose leases expired. The store must implement {@code io.prmonitor.spi.RepositoryLeases} (the JDBC
     * store does); otherwise the monitor works alone, as with leases off.
     */
    public Builder leases(boolean leases) {
      this.leases = leases;
      return this;
    }

    /**
     * This monitor's id among the monitors sharing a store: 1 to 200 of letters, digits, '.', '_', ':', '@',
     * '-'; unique per running monitor. Default: with leases on, generated from the host name, the process id
     * and a random part when the configuration is built.
     */
    public Builder workerId(String value) {
      this.workerId = WORKER_ID.check(value);
      return this;
    }

    /**
     * How reviews, CI state, mergeability and comments are read: {@link EnrichmentMode#GRAPHQL} (up to 100
     * pull requests per query, REST for what the GraphQL budget cannot pay), {@link EnrichmentMode#REST} (up
     * to four conditional requests per pull request) or {@link EnrichmentMode#OFF}; default OFF.
     */
    public Builder enrichment(EnrichmentMode value) {
      this.enrichment = Objects.requireNonNull(value, "null enrichment");
      return this;
    }

    /** Whether a repository's first pass enriches its closed and merged pull requests too; default false. */
    public Builder enrichClosedHistory(boolean value) {
      this.enrichClosedHistory = value;
      return this;
    }

    /** How long a repository lease lasts unless renewed, 100 ms to 1 hour; default 60 s. */
    public Builder leaseDuration(Duration value) {
      this.leaseDuration = LEASE_DURATION.check(value);
      return this;
    }

    /**
     * With leases, the least time between two completed passes over one repository, 0 to 30 days; default 0:
     * every repository once per pass of the fleet.
     */
    public Builder repositoryInterval(Duration value) {
      this.repositoryInterval = REPOSITORY_INTERVAL.check(value);
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @throws IllegalStateException if no repository is named and none is to be discovered, the same
     *     repository is named twice, or the installation is to be discovered without GitHub App credentials
     */
    public ProcessorConfig build() {
      return new ProcessorConfig(repositories, organizations, users, discoverInstallation, include, exclude,
          includeArchived, includeForks, githubBaseUrl, githubCredentials, githubClientProvider,
          storeProvider, jdbcUrl, databaseUser, databasePassword, maxConcurrentRepositories,
          maxConcurrentPrsPerRepo, maxConcurrentRequests, githubRequestTimeout, databaseTransactionTimeout,
          enableCaching, cacheTtl, retryMaxAttempts, retryBackoffFactor, rateLimitReserve, serverTimeBudget,
          serverTimeWindow, emitOpenedOnBaseline, passInterval, passDeadline, shutdownTimeout, outboxRetention, monitorName,
          leases, workerId == null && leases ? generatedWorkerId() : workerId, leaseDuration, repositoryInterval,
          storeProperties, githubClientProperties, enrichment, enrichClosedHistory);
    }
  }
}
