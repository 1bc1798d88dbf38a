package io.prmonitor.spi;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a {@link GitHubClientProvider} needs to create a client. Built with {@link #builder()}; the
 * constructor checks every value, and {@code toString()} masks the credentials.
 *
 * <p>This record is the one home of the rules of the GitHub settings ({@link #requireBaseUrl} and the other
 * {@code require*} methods): {@code ProcessorConfig} applies the same methods to its {@code github*},
 * {@code retry*}, {@code cacheTtl}, {@code rateLimitReserve} and {@code serverTime*} settings, so a value is
 * refused, with the same words, whichever way it comes in.
 *
 * @param baseUrl the API root: {@code https://api.github.com}, {@code https://HOST/api/v3} for GitHub
 *     Enterprise Server, or a loopback {@code http://} URL of the simulator
 * @param credentials how to authenticate
 * @param requestTimeout the time limit of one HTTP exchange: connect, headers and the whole body
 * @param maxConcurrentRequests the cap on requests in flight across all threads (GitHub allows 100)
 * @param maxConcurrentPrsPerRepo the cap on pull requests of one repository whose per-pull-request requests
 *     (REST enrichment) are in flight at once, 1 to 100
 * @param retryMaxAttempts how many times one request may be tried in all, the first try included
 * @param retryBackoffFactor the factor between successive retry delays
 * @param retryInitialDelay the delay before the first retry (jitter is added); positive, at most 1 day
 * @param enableCaching whether per-pull-request responses are kept in memory for conditional re-requests;
 *     the entity tags kept with stored enrichments are sent either way
 * @param cacheTtl how long a response is kept in the in-memory cache
 * @param rateLimitReserve requests per credential that are never spent; a request that would dip into
 *     them is refused with {@link RateLimitExceededException} so the caller defers instead
 * @param serverTimeBudget summed response time (to the response headers) GitHub allows per
 *     {@code serverTimeWindow}; the client paces itself to stay under it. Null turns pacing off: only for servers known to enforce no such
 *     budget (a simulator, a benchmark of the engine alone); github.com and GitHub Enterprise Server do
 * @param serverTimeWindow the window of {@code serverTimeBudget}
 * @param secondaryLimitPause the least pause after a secondary limit without {@code Retry-After}; positive, at
 *     most 1 day
 * @param clock the time source
 * @param listener receives request events for metrics
 * @param properties provider-specific settings, not interpreted by prmonitor
 */
public record GitHubClientSettings(
    URI baseUrl,
    GitHubCredentials credentials,
    Duration requestTimeout,
    int maxConcurrentRequests,
    int maxConcurrentPrsPerRepo,
    int retryMaxAttempts,
    double retryBackoffFactor,
    Duration retryInitialDelay,
    boolean enableCaching,
    Duration cacheTtl,
    int rateLimitReserve,
    Duration serverTimeBudget,
    Duration serverTimeWindow,
    Duration secondaryLimitPause,
    Clock clock,
    GitHubClientListener listener,
    Map<String, String> properties) {

  public static final URI DEFAULT_BASE_URL = URI.create("https://api.github.com");
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 16;
  public static final int DEFAULT_MAX_CONCURRENT_PRS_PER_REPO = 50;
  public static final int DEFAULT_RETRY_MAX_ATTEMPTS = 3;
  public static final double DEFAULT_RETRY_BACKOFF_FACTOR = 2.0;
  public static final Duration DEFAULT_RETRY_INITIAL_DELAY = Duration.ofMillis(500);
  public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(300);
  public static final int DEFAULT_RATE_LIMIT_RESERVE = 50;
  public static final Duration DEFAULT_SERVER_TIME_BUDGET = Duration.ofSeconds(90);
  public static final Duration DEFAULT_SERVER_TIME_WINDOW = Duration.ofSeconds(60);
  public static final Duration DEFAULT_SECONDARY_LIMIT_PAUSE = Duration.ofSeconds(60);

  private static final Duration MAX_REQUEST_TIMEOUT = Duration.ofMinutes(10);
  private static final int MAX_CONCURRENT_REQUESTS = 100;
  private static final int MAX_RETRY_ATTEMPTS = 10;
  private static final double MAX_RETRY_BACKOFF_FACTOR = 10.0;
  private static final Duration MAX_CACHE_TTL = Duration.ofDays(1);
  private static final int MAX_RATE_LIMIT_RESERVE = 5000;
  private static final Duration MAX_SERVER_TIME_BUDGET = Duration.ofHours(10);
  private static final Duration MAX_SERVER_TIME_WINDOW = Duration.ofHours(1);
  /** Neither the first retry's delay nor the pause after a secondary limit is meant to last longer. */
  private static final Duration MAX_PAUSE = Duration.ofDays(1);

  /**
   * Checks every value with the rules below, the ones {@code ProcessorConfig} applies to the same settings.
   *
   * @throws IllegalArgumentException naming the setting and the bad value
   */
  public GitHubClientSettings {
    requireBaseUrl("baseUrl", baseUrl);
    Objects.requireNonNull(credentials, "null credentials");
    Objects.requireNonNull(clock, "null clock");
    Objects.requireNonNull(listener, "null listener");
    Objects.requireNonNull(properties, "null properties");
    requireRequestTimeout("requestTimeout", requestTimeout);
    requireMaxConcurrentRequests("maxConcurrentRequests", maxConcurrentRequests);
    requireMaxConcurrentPrsPerRepo("maxConcurrentPrsPerRepo", maxConcurrentPrsPerRepo);
    requireRetryMaxAttempts("retryMaxAttempts", retryMaxAttempts);
    requireRetryBackoffFactor("retryBackoffFactor", retryBackoffFactor);
    SettingChecks.positive("retryInitialDelay", retryInitialDelay, MAX_PAUSE);
    requireCacheTtl("cacheTtl", cacheTtl);
    requireRateLimitReserve("rateLimitReserve", rateLimitReserve);
    requireServerTimeBudget("serverTimeBudget", serverTimeBudget);
    requireServerTimeWindow("serverTimeWindow", serverTimeWindow);
    SettingChecks.positive("secondaryLimitPause", secondaryLimitPause, MAX_PAUSE);
    properties = Map.copyOf(properties);
  }

  // The rules of the GitHub settings, each written once: this record's constructor and ProcessorConfig (its
  // builder and its constructor) call them with the name their caller knows the setting by.

  /**
   * The rule of {@link #baseUrl()}: an absolute {@code https://} URL, or {@code http://} to a
   * {@linkplain LoopbackHost loopback host} only (so that a token never travels in clear over a network),
   * without query or fragment.
   *
   * @param setting the setting's name, for the message
   * @return {@code url}
   * @throws IllegalArgumentException naming the setting and the URL
   */
  public static URI requireBaseUrl(String setting, URI url) {
    Objects.requireNonNull(url, () -> setting + ": null");
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("https") || scheme.equals("http")) || url.getHost() == null) {
      throw new IllegalArgumentException(setting + " must be an absolute http(s) URL: " + url);
    }
    if (scheme.equals("http") && !LoopbackHost.matches(url.getHost())) {
      throw new IllegalArgumentException(setting + ": plain http:// is refused for a non-loopback host (tokens "
          + "would travel unencrypted): " + url);
    }
    if (url.getRawQuery() != null || url.getRawFragment() != null) {
      throw new IllegalArgumentException(setting + " must not have a query or fragment: " + url);
    }
    return url;
  }

  /** The rule of {@link #requestTimeout()}: positive, at most 10 minutes. */
  public static Duration requireRequestTimeout(String setting, Duration value) {
    return SettingChecks.positive(setting, value, MAX_REQUEST_TIMEOUT);
  }

  /** The rule of {@link #maxConcurrentRequests()}: 1 to 100, GitHub's own limit. */
  public static int requireMaxConcurrentRequests(String setting, int value) {
    return SettingChecks.inRange(setting, value, 1, MAX_CONCURRENT_REQUESTS);
  }

  /**
   * The rule of the bound on per-pull-request requests in flight at once per repository
   * ({@code ProcessorConfig.maxConcurrentPrsPerRepo}): 1 to 100, GitHub's own limit on concurrent requests.
   */
  public static int requireMaxConcurrentPrsPerRepo(String setting, int value) {
    return SettingChecks.inRange(setting, value, 1, MAX_CONCURRENT_REQUESTS);
  }

  /** The rule of {@link #retryMaxAttempts()}: 1 to 10 tries in all. */
  public static int requireRetryMaxAttempts(String setting, int value) {
    return SettingChecks.inRange(setting, value, 1, MAX_RETRY_ATTEMPTS);
  }

  /** The rule of {@link #retryBackoffFactor()}: 1.0 to 10.0 (not NaN). */
  public static double requireRetryBackoffFactor(String setting, double value) {
    if (!(value >= 1.0 && value <= MAX_RETRY_BACKOFF_FACTOR)) {
      throw new IllegalArgumentException(setting + " must be between 1.0 and " + MAX_RETRY_BACKOFF_FACTOR + ": "
          + value);
    }
    return value;
  }

  /** The rule of {@link #cacheTtl()}: positive, at most 1 day. */
  public static Duration requireCacheTtl(String setting, Duration value) {
    return SettingChecks.positive(setting, value, MAX_CACHE_TTL);
  }

  /** The rule of {@link #rateLimitReserve()}: 0 to 5,000 (a token's hourly budget). */
  public static int requireRateLimitReserve(String setting, int value) {
    return SettingChecks.inRange(setting, value, 0, MAX_RATE_LIMIT_RESERVE);
  }

  /** The rule of {@link #serverTimeBudget()}: null (pacing off), or positive and at most 10 hours. */
  public static Duration requireServerTimeBudget(String setting, Duration value) {
    return value == null ? null : SettingChecks.positive(setting, value, MAX_SERVER_TIME_BUDGET);
  }

  /** The rule of {@link #serverTimeWindow()}: positive, at most 1 hour. */
  public static Duration requireServerTimeWindow(String setting, Duration value) {
    return SettingChecks.positive(setting, value, MAX_SERVER_TIME_WINDOW);
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this object's values. */
  public Builder toBuilder() {
    return new Builder()
        .baseUrl(baseUrl).credentials(credentials).requestTimeout(requestTimeout)
        .maxConcurrentRequests(maxConcurrentRequests).maxConcurrentPrsPerRepo(maxConcurrentPrsPerRepo)
        .retryMaxAttempts(retryMaxAttempts)
        .retryBackoffFactor(retryBackoffFactor).retryInitialDelay(retryInitialDelay)
        .enableCaching(enableCaching).cacheTtl(cacheTtl).rateLimitReserve(rateLimitReserve)
        .serverTimeBudget(serverTimeBudget, serverTimeWindow).secondaryLimitPause(secondaryLimitPause)
        .clock(clock).listener(listener).properties(properties);
  }

  @Override
  public String toString() {
    return "GitHubClientSettings[baseUrl=" + baseUrl + ", credentials=" + credentials.label()
        + ", requestTimeout=" + requestTimeout + ", maxConcurrentRequests=" + maxConcurrentRequests
        + ", maxConcurrentPrsPerRepo=" + maxConcurrentPrsPerRepo
        + ", retryMaxAttempts=" + retryMaxAttempts + ", retryBackoffFactor=" + retryBackoffFactor
        + ", enableCaching=" + enableCaching + ", cacheTtl=" + cacheTtl
        + ", rateLimitReserve=" + rateLimitReserve + ", serverTimeBudget=" + serverTimeBudget
        + "/" + serverTimeWindow + "]";
  }

  /** Builds {@link GitHubClientSettings}; the record's constructor validates. */
  public static final class Builder {
    private URI baseUrl = DEFAULT_BASE_URL;
    private GitHubCredentials credentials = new GitHubCredentials.Anonymous();
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private int maxConcurrentRequests = DEFAULT_MAX_CONCURRENT_REQUESTS;
    private int maxConcurrentPrsPerRepo = DEFAULT_MAX_CONCURRENT_PRS_PER_REPO;
    private int retryMaxAttempts = DEFAULT_RETRY_MAX_ATTEMPTS;
    private double retryBackoffFactor = DEFAULT_RETRY_BACKOFF_FACTOR;
    private Duration retryInitialDelay = DEFAULT_RETRY_INITIAL_DELAY;
    private boolean enableCaching = true;
    private Duration cacheTtl = DEFAULT_CACHE_TTL;
    private int rateLimitReserve = DEFAULT_RATE_LIMIT_RESERVE;
    private Duration serverTimeBudget = DEFAULT_SERVER_TIME_BUDGET;
    private Duration serverTimeWindow = DEFAULT_SERVER_TIME_WINDOW;
    private Duration secondaryLimitPause = DEFAULT_SECONDARY_LIMIT_PAUSE;
    private Clock clock = Clock.systemUTC();
    private GitHubClientListener listener = GitHubClientListener.NOOP;
    private Map<String, String> properties = Map.of();

    private Builder() {
    }

    public Builder baseUrl(URI baseUrl) {
      this.baseUrl = baseUrl;
      return this;
    }

    public Builder credentials(GitHubCredentials credentials) {
      this.credentials = credentials;
      return this;
    }

    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
      return this;
    }

    public Builder maxConcurrentRequests(int maxConcurrentRequests) {
      this.maxConcurrentRequests = maxConcurrentRequests;
      return this;
    }

    public Builder maxConcurrentPrsPerRepo(int maxConcurrentPrsPerRepo) {
      this.maxConcurrentPrsPerRepo = maxConcurrentPrsPerRepo;
      return this;
    }

    public Builder retryMaxAttempts(int retryMaxAttempts) {
      this.retryMaxAttempts = retryMaxAttempts;
      return this;
    }

    public Builder retryBackoffFactor(double retryBackoffFactor) {
      this.retryBackoffFactor = retryBackoffFactor;
      return this;
    }

    public Builder retryInitialDelay(Duration retryInitialDelay) {
      this.retryInitialDelay = retryInitialDelay;
      return this;
    }

    public Builder enableCaching(boolean enableCaching) {
      this.enableCaching = enableCaching;
      return this;
    }

    public Builder cacheTtl(Duration cacheTtl) {
      this.cacheTtl = cacheTtl;
      return this;
    }

    public Builder rateLimitReserve(int rateLimitReserve) {
      this.rateLimitReserve = rateLimitReserve;
      return this;
    }

    /** Sets the server-time budget per window; a null budget turns pacing off. */
    public Builder serverTimeBudget(Duration budget, Duration window) {
      this.serverTimeBudget = budget;
      this.serverTimeWindow = window;
      return this;
    }

    public Builder secondaryLimitPause(Duration secondaryLimitPause) {
      this.secondaryLimitPause = secondaryLimitPause;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public Builder listener(GitHubClientListener listener) {
      this.listener = listener;
      return this;
    }

    public Builder properties(Map<String, String> properties) {
      this.properties = properties;
      return this;
    }

    public GitHubClientSettings build() {
      return new GitHubClientSettings(baseUrl, credentials, requestTimeout, maxConcurrentRequests,
          maxConcurrentPrsPerRepo, retryMaxAttempts, retryBackoffFactor, retryInitialDelay, enableCaching, cacheTtl,
          rateLimitReserve, serverTimeBudget, serverTimeWindow, secondaryLimitPause, clock, listener,
          properties);
    }
  }
}
