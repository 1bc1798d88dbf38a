package io.prmonitor.github.http;

import io.prmonitor.github.auth.AppInstallationTokens;
import io.prmonitor.github.auth.AuthorizationSource;
import io.prmonitor.github.auth.CredentialRejection;
import io.prmonitor.github.json.GitHubJson;
import io.prmonitor.github.ratelimit.Backoff;
import io.prmonitor.github.ratelimit.SecondaryLimitGate;
import io.prmonitor.github.ratelimit.ServerTimePacer;
import io.prmonitor.github.ratelimit.Sleeper;
import io.prmonitor.github.ratelimit.Ticker;
import io.prmonitor.spi.GitHubClientListener;
import io.prmonitor.spi.GitHubClientSettings;
import io.prmonitor.spi.GitHubCredentials;
import io.prmonitor.spi.RateLimitExceededException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every request of one credential to one GitHub API shares, REST and GraphQL alike: the JDK
 * {@link HttpClient} on virtual threads, the authorization, the cap of
 * {@link GitHubClientSettings#maxConcurrentRequests()} requests in flight, the secondary-limit gate, the
 * hold-back after a {@code 401}, and the server-time pacer; with the settings, time sources and listener
 * they report to.
 *
 * <p>Both request paths open their exchanges through {@link #begin}, so they pass the hold-back and the
 * pacers in the same order and settle them the same way. Thread-safe; {@link #close()} stops the HTTP client.
 */
public final class GitHubConnection implements AutoCloseable {

  /** The REST API version every request asks for. */
  public static final String API_VERSION = "2022-11-28";
  /** The {@code User-Agent} every request sends. */
  public static final String USER_AGENT = "prmonitor";

  private static final Logger LOG = LoggerFactory.getLogger(GitHubConnection.class);

  private final GitHubClientSettings settings;
  private final URI baseUrl;
  private final String base;
  private final String credential;
  private final Ticker ticker;
  private final Sleeper sleeper;
  private final Backoff backoff;
  private final long maxBodyBytes;
  private final ExecutorService executor;
  private final HttpClient http;
  private final AuthorizationSource authorization;
  private final Semaphore permits;
  private final SecondaryLimitGate secondaryLimit;
  private final CredentialRejection rejection;
  private final ServerTimePacer pacer;

  /**
   * Opens a connection.
   *
   * @param baseUrl the API's base URL, already checked by the caller
   * @param maxBodyBytes the largest response body accepted after decompression
   * @throws IllegalArgumentException if an app private key cannot be read
   */
  public GitHubConnection(GitHubClientSettings settings, URI baseUrl, Ticker ticker, Sleeper sleeper,
      Backoff backoff, long maxBodyBytes, GitHubJson json) {
    this.settings = Objects.requireNonNull(settings, "null settings");
    this.baseUrl = Objects.requireNonNull(baseUrl, "null baseUrl");
    String text = baseUrl.toString();
    this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    this.credential = settings.credentials().label();
    this.ticker = Objects.requireNonNull(ticker, "null ticker");
    this.sleeper = Objects.requireNonNull(sleeper, "null sleeper");
    this.backoff = Objects.requireNonNull(backoff, "null backoff");
    this.maxBodyBytes = maxBodyBytes;
    this.rejection = new CredentialRejection(ticker);
    this.permits = new Semaphore(settings.maxConcurrentRequests(), true);
    this.secondaryLimit = new SecondaryLimitGate(settings.secondaryLimitPause(), ticker, sleeper);
    // null when the settings turn pacing off (a server known to enforce no server-time budget)
    this.pacer = settings.serverTimeBudget() == null ? null
        : new ServerTimePacer(settings.serverTimeBudget(), settings.serverTimeWindow(), ticker, sleeper);
    this.executor = Executors.newVirtualThreadPerTaskExecutor();
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(settings.requestTimeout())
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(executor)
        .build();
    this.authorization = authorization(settings.credentials(), json);
  }

  private AuthorizationSource authorization(GitHubCredentials credentials, GitHubJson json) {
    return switch (credentials) {
      case GitHubCredentials.Anonymous anonymous -> AuthorizationSource.fixed(null);
      case GitHubCredentials.Token token -> AuthorizationSource.fixed("Bearer " + token.token());
      case GitHubCredentials.App app -> new AppInstallationTokens(app, http, baseUrl, settings.requestTimeout(),
          Map.of("Accept", "application/vnd.github+json", "X-GitHub-Api-Version", API_VERSION,
              "User-Agent", USER_AGENT),
          settings.clock(), json);
      case GitHubCredentials.Pool pool -> throw new IllegalArgumentException(
          "HttpGitHubClient sends with one credential; a pool (" + pool.label() + ") needs a PooledGitHubClient");
    };
  }

  /**
   * Opens one exchange: admits it past the hold-back after a {@code 401} (or refuses it unsent), then waits
   * for each of {@code pacers} in order. Call with a permit of {@link #permits()} held and the secondary-limit
   * gate passed.
   *
   * @param method the HTTP method, for messages
   * @param endpoint the route template the listener is told
   */
  public Exchange begin(String method, String endpoint, List<ServerTimePacer> pacers) throws InterruptedException {
    return Exchange.begin(this, method, endpoint, pacers);
  }

  /** The server-time pacer of every request, or an empty list when pacing is off. */
  public List<ServerTimePacer> restPacers() {
    return pacer == null ? List.of() : List.of(pacer);
  }

  /** A request builder with the headers every request sends: agent, encoding and authorization. */
  public HttpRequest.Builder requestTo(URI uri) throws IOException, InterruptedException {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
        .timeout(settings.requestTimeout())
        .header("User-Agent", USER_AGENT)
        .header("Accept-Encoding", "gzip");
    authorization.header().ifPresent(value -> builder.header("Authorization", value));
    return builder;
  }

  /**
   * The failure of a request the secondary-limit gate holds back for longer than
   * {@link SecondaryLimitGate#MAX_WAIT}: the caller defers instead of waiting.
   *
   * @param request the method and route template, e.g. {@code GET /repos/{owner}/{repo}/pulls}
   */
  public RateLimitExceededException secondaryLimitTooLong(String request) {
    Instant until = settings.clock().instant().plus(secondaryLimit.remaining());
    return new RateLimitExceededException("secondary rate limit of " + credential + " asks for a pause until "
        + until + ", longer than the " + SecondaryLimitGate.MAX_WAIT.toMinutes() + " minutes the client waits;"
        + " " + request + " not sent", 0, until);
  }

  /**
   * The deferral of a request whose retries all met a secondary limit: it waits until the gate reopens, as a
   * budget refusal does, rather than failing.
   *
   * @param failure what failed, e.g. {@code GET /repos/{owner}/{repo}/pulls failed after 3 attempts: ...}
   */
  public RateLimitExceededException secondaryLimitOutlasted(String failure, int status) {
    Instant resetAt = settings.clock().instant().plus(secondaryLimit.remaining());
    return new RateLimitExceededException(failure + "; secondary rate limit of " + credential + " until "
        + resetAt, status, resetAt);
  }

  /**
   * Trips the secondary-limit gate after an answer that said so: every request of the credential pauses.
   *
   * @param request the method and route template, e.g. {@code POST /graphql}
   * @param retryAfter the answer's {@code Retry-After}, or null
   * @throws RateLimitExceededException if the pause is longer than {@link SecondaryLimitGate#MAX_WAIT}: the
   *     caller defers instead of waiting
   */
  public void secondaryLimitAnswered(String request, int status, Duration retryAfter) {
    Duration pause = secondaryLimit.trip(retryAfter);
    listener().onSecondaryLimit(credential, pause);
    if (pause.compareTo(SecondaryLimitGate.MAX_WAIT) > 0) {
      LOG.warn("secondary rate limit of {} (HTTP {} from {}) asks for a pause of {} s; longer than {} s: "
          + "deferring instead of waiting", credential, status, request, pause.toSeconds(),
          SecondaryLimitGate.MAX_WAIT.toSeconds());
      throw secondaryLimitTooLong(request);
    }
    LOG.warn("secondary rate limit of {} (HTTP {} from {}): pausing every request for {} s", credential, status,
        request, pause.toSeconds());
  }

  /** Refuses to follow a link to another origin, where the credentials must not go. */
  public URI sameOrigin(URI url) {
    if (!url.isAbsolute() || !Objects.equals(url.getScheme(), baseUrl.getScheme())
        || !baseUrl.getHost().equalsIgnoreCase(String.valueOf(url.getHost()))
        || url.getPort() != baseUrl.getPort()) {
      throw new IllegalArgumentException("URL is not on the API's origin " + baseUrl + ": " + url);
    }
    return url;
  }

  /** Whether the credential is a fixed personal token, whose {@code 401}s hold later requests back. */
  public boolean isFixedToken() {
    return settings.credentials() instanceof GitHubCredentials.Token;
  }

  public GitHubClientSettings settings() {
    return settings;
  }

  /** The base URL without a trailing slash. */
  public String base() {
    return base;
  }

  public URI baseUrl() {
    return baseUrl;
  }

  /** The credential's non-secret label. */
  public String credential() {
    return credential;
  }

  public GitHubClientListener listener() {
    return settings.listener();
  }

  public Clock clock() {
    return settings.clock();
  }

  public Ticker ticker() {
    return ticker;
  }

  public Sleeper sleeper() {
    return sleeper;
  }

  public Backoff backoff() {
    return backoff;
  }

  /** The largest response body accepted after decompression, in bytes. */
  public long maxBodyBytes() {
    return maxBodyBytes;
  }

  public HttpClient http() {
    return http;
  }

  public AuthorizationSource authorization() {
    return authorization;
  }

  /** The cap on requests in flight, fair. */
  public Semaphore permits() {
    return permits;
  }

  public SecondaryLimitGate secondaryLimit() {
    return secondaryLimit;
  }

  public CredentialRejection rejection() {
    return rejection;
  }

  /** The server-time pacer of every request; null when pacing is off. */
  public ServerTimePacer pacer() {
    return pacer;
  }

  /** Stops the HTTP client, waiting up to the request timeout for exchanges in flight. Idempotent. */
  @Override
  public void close() {
    try {
      http.shutdown();
      if (!http.awaitTermination(settings.requestTimeout())) {
        http.shutdownNow();
      }
    } catch (InterruptedException e) {
      http.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      executor.shutdownNow();
    }
  }
}
