package io.prmonitor;

import io.prmonitor.spi.EnrichmentMode;
import io.prmonitor.spi.GitHubClientSettings;
import io.prmonitor.spi.GitHubCredentials;
import io.prmonitor.spi.RepositoryId;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The immutable configuration of a {@link PRMonitor}: which repositories to watch, how to reach GitHub and
 * the store, and how hard to push.
 *
 * <p>Built with {@link #builder()}; every setter rejects a bad value at once with an
 * {@link IllegalArgumentException} that names the field and the value, and {@link Builder#build()} checks
 * the rules that span fields. {@code toString()} masks the credentials and the database password.
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
 * @param enableCaching whether conditional GitHub responses are cached
 * @param cacheTtl how long cached responses are kept
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

  private static final Pattern MONITOR_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern PROVIDER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern WORKER_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,200}");

  public ProcessorConfig {
    repositories = List.copyOf(repositories);
    organizations = List.copyOf(organizations);
    users = List.copyOf(users);
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
    storeProperties = Collections.unmodifiableMap(new LinkedHashMap<>(storeProperties));
    githubClientProperties = Collections.unmodifiableMap(new LinkedHashMap<>(githubClientProperties));
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

  /** A URL with its password settings ({@code password=}, {@code //user:password@}) masked. */
  static String maskUrl(String url) {
    if (url == null) {
      return null;
    }
    String masked = url.replaceAll("(?i)((?:password|passwd|pwd|sslpassword)=)[^&;]*", "$1****");
    return masked.replaceAll("(//[^/:@]*:)[^@/]*@", "$1****@");
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
      organizations.add(login("organizations", organization));
      return this;
    }

    /** Adds a user whose repositories are discovered. */
    public Builder user(String user) {
      users.add(login("users", user));
      return this;
    }

    /** Whether the repositories of the GitHub App installation are discovered; default false. */
    public Builder discoverInstallation(boolean discoverInstallation) {
      this.discoverInstallation = discoverInstallation;
      return this;
    }

    /** Adds an include glob over {@code owner/name} for discovered repositories. */
    public Builder include(String glob) {
      include.add(glob("include", glob));
      return this;
    }

    /** Adds an exclude glob over {@code owner/name} for discovered repositories. */
    public Builder exclude(String glob) {
      exclude.add(glob("exclude", glob));
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
     * loopback hosts only (the simulator), so a token is never sent in clear over a network.
     */
    public Builder githubBaseUrl(URI githubBaseUrl) {
      Objects.requireNonNull(githubBaseUrl, "githubBaseUrl: null");
      String scheme = githubBaseUrl.getScheme();
      if (scheme == null || githubBaseUrl.getHost() == null) {
        throw new IllegalArgumentException("githubBaseUrl must be an absolute http(s) URL: " + githubBaseUrl);
      }
      scheme = scheme.toLowerCase(Locale.ROOT);
      if (scheme.equals("http") && !isLoopback(githubBaseUrl.getHost())) {
        throw new IllegalArgumentException(
            "githubBaseUrl: plain http is allowed for loopback hosts only: " + githubBaseUrl);
      }
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException("githubBaseUrl must be an http(s) URL: " + githubBaseUrl);
      }
      this.githubBaseUrl = githubBaseUrl;
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

    /** Authenticates with a personal access token. */
    public Builder githubToken(String token) {
      if (token == null || token.isBlank()) {
        throw new IllegalArgumentException("githubToken must not be blank");
      }
      return githubCredentials(new GitHubCredentials.Token(token));
    }

    /** Selects the GitHub client provider by name; default: the only one on the class path. */
    public Builder githubClientProvider(String name) {
      this.githubClientProvider = providerName("githubClientProvider", name);
      return this;
    }

    /** Selects the store provider by name; default: the only one on the class path. */
    public Builder storeProvider(String name) {
      this.storeProvider = providerName("storeProvider", name);
      return this;
    }

    /**
     * Where a store of another provider than the JDBC one keeps its data: any non-blank text its provider
     * understands (a directory, a URI), handed to it as {@code StoreSettings.location()}. Replaces
     * {@link #jdbcUrl}: the two set the same field.
     */
    public Builder storeLocation(String location) {
      if (location == null || location.isBlank()) {
        throw new IllegalArgumentException("storeLocation must not be blank: '" + location + "'");
      }
      this.jdbcUrl = location;
      return this;
    }

    /**
     * Sets one setting of the store provider's own, handed to it in {@code StoreSettings.properties()}.
     * The JDBC store knows {@code migrate} ({@code true}, the default, or {@code false}: the schema is
     * managed outside prmonitor and only checked at start).
     */
    public Builder storeProperty(String key, String value) {
      storeProperties.put(propertyKey("storeProperty", key), propertyValue("storeProperty", key, value));
      return this;
    }

    /** Sets one setting of the GitHub client provider's own, handed to it in {@code GitHubClientSettings.properties()}. */
    public Builder githubClientProperty(String key, String value) {
      githubClientProperties.put(propertyKey("githubClientProperty", key),
          propertyValue("githubClientProperty", key, value));
      return this;
    }

    /** The store's JDBC URL; default an H2 file database, {@code ./prmonitor-data/prmonitor}. */
    public Builder jdbcUrl(String jdbcUrl) {
      if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
        throw new IllegalArgumentException("jdbcUrl must start with 'jdbc:': " + maskUrl(jdbcUrl));
      }
      this.jdbcUrl = jdbcUrl;
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
      this.maxConcurrentRepositories = range("maxConcurrentRepositories", value, 1, 1000);
      return this;
    }

    /** Per-pull-request requests in flight per repository, 1 to 100; default 50. */
    public Builder maxConcurrentPrsPerRepo(int value) {
      this.maxConcurrentPrsPerRepo = range("maxConcurrentPrsPerRepo", value, 1, 100);
      return this;
    }

    /** GitHub requests in flight at once, 1 to 100 (GitHub's own limit); default 16. */
    public Builder maxConcurrentRequests(int value) {
      this.maxConcurrentRequests = range("maxConcurrentRequests", value, 1, 100);
      return this;
    }

    /** The time limit of one GitHub request, 1 ms to 10 minutes; default 30 s. */
    public Builder githubRequestTimeout(Duration value) {
      this.githubRequestTimeout = duration("githubRequestTimeout", value, Duration.ofMinutes(10));
      return this;
    }

    /** The time limit of one database transaction, 1 ms to 1 hour; default 60 s. */
    public Builder databaseTransactionTimeout(Duration value) {
      this.databaseTransactionTimeout = duration("databaseTransactionTimeout", value, Duration.ofHours(1));
      return this;
    }

    /** Whether conditional GitHub responses are cached; default true. */
    public Builder enableCaching(boolean enableCaching) {
      this.enableCaching = enableCaching;
      return this;
    }

    /** How long cached responses are kept, 1 ms to 1 day; default 300 s. */
    public Builder cacheTtl(Duration value) {
      this.cacheTtl = duration("cacheTtl", value, Duration.ofDays(1));
      return this;
    }

    /** How many times one GitHub request may be tried in all, 1 to 10; default 3. */
    public Builder retryMaxAttempts(int value) {
      this.retryMaxAttempts = range("retryMaxAttempts", value, 1, 10);
      return this;
    }

    /** The factor between successive retry delays, 1.0 to 10.0; default 2.0. */
    public Builder retryBackoffFactor(double value) {
      if (!(value >= 1.0 && value <= 10.0)) {
        throw new IllegalArgumentException("retryBackoffFactor must be between 1.0 and 10.0: " + value);
      }
      this.retryBackoffFactor = value;
      return this;
    }

    /** Requests per credential never spent, 0 to 5,000; default 50. */
    public Builder rateLimitReserve(int value) {
      this.rateLimitReserve = range("rateLimitReserve", value, 0, 5000);
      return this;
    }

    /**
     * GitHub's server-time budget: summed response time allowed per window; default 90 s per 60 s, as on
     * github.com. The client paces itself to stay under it. A null budget turns pacing off, for servers
     * known to enforce none (the simulator without its budget, a benchmark of the engine alone).
     */
    public Builder serverTimeBudget(Duration budget, Duration window) {
      this.serverTimeWindow = duration("serverTimeWindow", window, Duration.ofHours(1));
      this.serverTimeBudget = budget == null ? null : duration("serverTimeBudget", budget, Duration.ofHours(10));
      return this;
    }

    /** Whether a repository's first pass reports existing pull requests as OPENED; default false. */
    public Builder emitOpenedOnBaseline(boolean emitOpenedOnBaseline) {
      this.emitOpenedOnBaseline = emitOpenedOnBaseline;
      return this;
    }

    /** The time between scheduled pass starts, 1 ms to 1 day; default 5 minutes. */
    public Builder passInterval(Duration value) {
      this.passInterval = duration("passInterval", value, Duration.ofDays(1));
      return this;
    }

    /** The longest a pass may run before deferring what is left, or null for none; default none. */
    public Builder passDeadline(Duration value) {
      this.passDeadline = value == null ? null : duration("passDeadline", value, Duration.ofDays(1));
      return this;
    }

    /** How long {@code close()} lets in-flight work finish, 1 ms to 10 minutes; default 30 s. */
    public Builder shutdownTimeout(Duration value) {
      this.shutdownTimeout = duration("shutdownTimeout", value, Duration.ofMinutes(10));
      return this;
    }

    /** How long delivered changes stay in the outbox, 1 ms to 3,650 days; default 7 days. */
    public Builder outboxRetention(Duration value) {
      this.outboxRetention = duration("outboxRetention", value, Duration.ofDays(3650));
      return this;
    }

    /** The {@code monitor} metric tag: 1 to 64 of letters, digits, '.', '_', '-'; default prmonitor. */
    public Builder monitorName(String value) {
      if (value == null || !MONITOR_NAME.matcher(value).matches()) {
        throw new IllegalArgumentException(
            "monitorName must be 1 to 64 of letters, digits, '.', '_', '-': " + value);
      }
      this.monitorName = value;
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
      if (value == null || !WORKER_ID.matcher(value).matches()) {
        throw new IllegalArgumentException(
            "workerId must be 1 to 200 of letters, digits, '.', '_', ':', '@', '-': " + value);
      }
      this.workerId = value;
      return this;
    }

    /**
     * How reviews, CI state, mergeability and comments are read: {@link EnrichmentMode#GRAPHQL} (up to 100
     * pull requests per query, REST for what the GraphQL budget cannot pay), {@link EnrichmentMode#REST} (up
     * to four conditional requests per pull request) or {@link EnrichmentMode#OFF}; default OFF.
     */
    public Builder enrichment(EnrichmentMode value) {
      this.enrichment = java.util.Objects.requireNonNull(value, "null enrichment");
      return this;
    }

    /** Whether a repository's first pass enriches its closed and merged pull requests too; default false. */
    public Builder enrichClosedHistory(boolean value) {
      this.enrichClosedHistory = value;
      return this;
    }

    /** How long a repository lease lasts unless renewed, 100 ms to 1 hour; default 60 s. */
    public Builder leaseDuration(Duration value) {
      this.leaseDuration = duration("leaseDuration", value, Duration.ofHours(1));
      if (value.toMillis() < 100) {
        throw new IllegalArgumentException("leaseDuration must be at least 100 ms: " + value);
      }
      return this;
    }

    /**
     * With leases, the least time between two completed passes over one repository, 0 to 30 days; default 0:
     * every repository once per pass of the fleet.
     */
    public Builder repositoryInterval(Duration value) {
      if (value == null) {
        throw new IllegalArgumentException("repositoryInterval must not be null");
      }
      if (value.isNegative()) {
        throw new IllegalArgumentException("repositoryInterval cannot be negative: " + value);
      }
      if (value.compareTo(Duration.ofDays(30)) > 0) {
        throw new IllegalArgumentException("repositoryInterval must be at most " + Duration.ofDays(30) + ": " + value);
      }
      this.repositoryInterval = value;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @throws IllegalStateException if no repository is named and none is to be discovered, or the same
     *     repository is named twice
     */
    public ProcessorConfig build() {
      if (repositories.isEmpty() && organizations.isEmpty() && users.isEmpty() && !discoverInstallation) {
        throw new IllegalStateException(
            "no repositories: name some with repositories(...) or discover them with organization(...), "
                + "user(...) or discoverInstallation(true)");
      }
      var seen = new LinkedHashSet<RepositoryId>();
      for (RepositoryId repository : repositories) {
        if (!seen.add(repository)) {
          throw new IllegalStateException("repositories: " + repository + " is listed twice");
        }
      }
      if (discoverInstallation && !(githubCredentials instanceof GitHubCredentials.App)) {
        throw new IllegalStateException(
            "discoverInstallation needs GitHub App credentials, not " + githubCredentials.label());
      }
      return new ProcessorConfig(repositories, organizations, users, discoverInstallation, include, exclude,
          includeArchived, includeForks, githubBaseUrl, githubCredentials, githubClientProvider,
          storeProvider, jdbcUrl, databaseUser, databasePassword, maxConcurrentRepositories,
          maxConcurrentPrsPerRepo, maxConcurrentRequests, githubRequestTimeout, databaseTransactionTimeout,
          enableCaching, cacheTtl, retryMaxAttempts, retryBackoffFactor, rateLimitReserve, serverTimeBudget,
          serverTimeWindow, emitOpenedOnBaseline, passInterval, passDeadline, shutdownTimeout, outboxRetention, monitorName,
          leases, workerId == null && leases ? generatedWorkerId() : workerId, leaseDuration, repositoryInterval,
          storeProperties, githubClientProperties, enrichment, enrichClosedHistory);
    }

    /** {@code host-pid-random}: unique per monitor, readable in the store's lease_owner column. */
    private static String generatedWorkerId() {
      String host;
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        host = "host";
      }
      host = host.replaceAll("[^A-Za-z0-9._-]", "-");
      host = host.substring(0, Math.min(host.length(), 100));
      String random = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() & 0xffffffL);
      return host + "-" + ProcessHandle.current().pid() + "-" + random;
    }

    private static int range(String field, int value, int min, int max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(field + " must be between " + min + " and " + max + ": " + value);
      }
      return value;
    }

    private static Duration duration(String field, Duration value, Duration max) {
      if (value == null) {
        throw new IllegalArgumentException(field + " must not be null");
      }
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(field + " must be positive: " + value);
      }
      if (value.compareTo(max) > 0) {
        throw new IllegalArgumentException(field + " must be at most " + max + ": " + value);
      }
      return value;
    }

    private static String login(String field, String login) {
      try {
        return new RepositoryId(Objects.requireNonNull(login, field + ": null"), "x").owner();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(field + ": invalid login '" + login + "'", e);
      }
    }

    private static String glob(String field, String glob) {
      if (glob == null || glob.isBlank()) {
        throw new IllegalArgumentException(field + " pattern must not be blank: '" + glob + "'");
      }
      try {
        Globs.toRegex(glob);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(field + " pattern is invalid: '" + glob + "'", e);
      }
      return glob;
    }

    private static String propertyKey(String field, String key) {
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException(field + " key must not be blank: '" + key + "'");
      }
      return key;
    }

    private static String propertyValue(String field, String key, String value) {
      if (value == null) {
        throw new IllegalArgumentException(field + " '" + key + "' must not be null");
      }
      return value;
    }

    private static String providerName(String field, String name) {
      if (name == null || !PROVIDER_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(field + " must be a provider name: '" + name + "'");
      }
      return name;
    }

    private static boolean isLoopback(String host) {
      String h = host.toLowerCase(Locale.ROOT);
      return h.equals("localhost") || h.equals("[::1]") || h.equals("::1")
          || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }
  }
}
