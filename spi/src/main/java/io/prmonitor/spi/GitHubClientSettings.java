package io.prmonitor.spi;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a {@link GitHubClientProvider} needs to create a client. Built with {@link #builder()};
 * each value is checked when set, and {@code toString()} masks the credentials.
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
 * @param retryInitialDelay the delay before the first retry (jitter is added)
 * @param enableCaching whether per-pull-request responses are cached for conditional re-requests
 * @param cacheTtl how long a cached response is kept
 * @param rateLimitReserve requests per credential that are never spent; a request that would dip into
 *     them is refused with {@link RateLimitExceededException} so the caller defers instead
 * @param serverTimeBudget summed response time (to the response headers) GitHub allows per
 *     {@code serverTimeWindow}; the client paces itself to stay under it. Null turns pacing off: only for servers known to enforce no such
 *     budget (a simulator, a benchmark of the engine alone); github.com and GitHub Enterprise Server do
 * @param serverTimeWindow the window of {@code serverTimeBudget}
 * @param secondaryLimitPause the least pause after a secondary limit without {@code Retry-After}
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

  public GitHubClientSettings {
    Objects.requireNonNull(baseUrl, "null baseUrl");
    Objects.requireNonNull(credentials, "null credentials");
    Objects.requireNonNull(clock, "null clock");
    Objects.requireNonNull(listener, "null listener");
    positive("requestTimeout", requestTimeout);
    positive("retryInitialDelay", retryInitialDelay);
    positive("cacheTtl", cacheTtl);
    if (serverTimeBudget != null) {
      positive("serverTimeBudget", serverTimeBudget);
    }
    positive("serverTimeWindow", serverTimeWindow);
    positive("secondaryLimitPause", secondaryLimitPause);
    if (maxConcurrentRequests < 1 || maxConcurrentRequests > 100) {
      throw new IllegalArgumentException("maxConcurrentRequests must be between 1 and 100: " + maxConcurrentRequests);
    }
    if (maxConcurrentPrsPerRepo < 1 || maxConcurrentPrsPerRepo > 100) {
      throw new IllegalArgumentException(
          "maxConcurrentPrsPerRepo must be between 1 and 100: " + maxConcurrentPrsPerRepo);
    }
    if (retryMaxAttempts < 1) {
      throw new IllegalArgumentException("retryMaxAttempts must be at least 1: " + retryMaxAttempts);
    }
    if (!(retryBackoffFactor >= 1.0) || Double.isInfinite(retryBackoffFactor)) {
      throw new IllegalArgumentException("retryBackoffFactor must be a finite number >= 1.0: " + retryBackoffFactor);
    }
    if (rateLimitReserve < 0) {
      throw new IllegalArgumentException("rateLimitReserve cannot be negative: " + rateLimitReserve);
    }
    String scheme = baseUrl.getScheme();
    if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
      throw new IllegalArgumentException("baseUrl must be an http(s) URL: " + baseUrl);
    }
    properties = Map.copyOf(properties);
  }

  private static void positive(String name, Duration value) {
    Objects.requireNonNull(value, () -> "null " + name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
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
