package io.prmonitor.github;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.prmonitor.github.auth.AppInstallationTokens;
import io.prmonitor.github.auth.AuthorizationSource;
import io.prmonitor.github.json.GitHubJson;
import io.prmonitor.github.json.PullRequestListReader;
import io.prmonitor.github.json.RepositoryListReader;
import io.prmonitor.github.ratelimit.Backoff;
import io.prmonitor.github.ratelimit.RequestBudget;
import io.prmonitor.github.ratelimit.SecondaryLimitGate;
import io.prmonitor.github.ratelimit.ServerTimePacer;
import io.prmonitor.github.ratelimit.Sleeper;
import io.prmonitor.github.ratelimit.Ticker;
import io.prmonitor.spi.ChecksState;
import io.prmonitor.spi.CombinedEnrichmentResult;
import io.prmonitor.spi.DiscoveryPage;
import io.prmonitor.spi.EnrichmentMode;
import io.prmonitor.spi.EnrichmentResult;
import io.prmonitor.spi.EnrichmentTarget;
import io.prmonitor.spi.GitHubAuthenticationException;
import io.prmonitor.spi.GitHubClient;
import io.prmonitor.spi.GitHubClientListener;
import io.prmonitor.spi.GitHubClientSettings;
import io.prmonitor.spi.GitHubCredentials;
import io.prmonitor.spi.GitHubException;
import io.prmonitor.spi.Mergeability;
import io.prmonitor.spi.PageRequest;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.PullRequestPage;
import io.prmonitor.spi.RateLimitExceededException;
import io.prmonitor.spi.RateLimitStatus;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryInfo;
import io.prmonitor.spi.RepositoryNotFoundException;
import io.prmonitor.spi.RepositorySelector;
import io.prmonitor.spi.ReviewDecision;
import io.prmonitor.spi.ReviewState;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link GitHubClient} on the JDK {@link HttpClient} and Jackson streaming: conditional requests,
 * pagination by {@code Link}, retries with backoff, pacing under GitHub's primary, secondary and
 * server-time limits, and personal-token or GitHub App authentication.
 *
 * <p>Every request passes, in order: a global cap of {@link GitHubClientSettings#maxConcurrentRequests()}
 * requests in flight; the credential's secondary-limit gate (a pause after a secondary-limit answer
 * holds back every thread); the credential's primary budget (a request that would dip into
 * {@link GitHubClientSettings#rateLimitReserve()} is refused with {@link RateLimitExceededException}
 * without being sent); and the server-time pacer. Responses are parsed as they stream in, with limits
 * on body size ({@value #MAX_BODY_BYTES_PROPERTY}, default {@value #DEFAULT_MAX_BODY_BYTES} bytes) and
 * nesting depth ({@value #MAX_NESTING_DEPTH_PROPERTY}, default {@value GitHubJson#DEFAULT_MAX_NESTING_DEPTH})
 * taken from {@link GitHubClientSettings#properties()}.
 *
 * <p>Retried, at most {@link GitHubClientSettings#retryMaxAttempts()} tries in all: 5xx, connection
 * failures, timeouts, truncated or malformed bodies, and secondary limits (after the pause). Never
 * retried: 401 ({@link GitHubAuthenticationException}), 404 ({@link RepositoryNotFoundException}), 410,
 * 422, a 403 that is not a rate limit, and TLS failures (their reason kept in the message). After a
 * personal token was answered 401, later requests with it fail unsent for a hold of one minute, doubling
 * with each consecutive 401 up to an hour; then one request probes it again (see {@code CredentialRejection}).
 * A {@code 301} (a renamed repository) is followed once.
 *
 * <p>Every wait is bounded: the whole exchange, body included, must finish within
 * {@link GitHubClientSettings#requestTimeout()} (a body that stalls or trickles fails as a timeout and is
 * retried); a secondary-limit pause longer than {@link SecondaryLimitGate#MAX_WAIT} is not waited out but
 * ends in a {@link RateLimitExceededException} (the repository is deferred); a primary budget reported
 * exhausted until more than an hour ahead is checked with the free {@code GET /rate_limit} first. Every
 * body, error bodies included, is decoded as its {@code Content-Encoding} says before it is read.
 * The server-time pacer counts each request until its response headers arrived: the transfer of the body
 * and our parsing are not GitHub's time.
 *
 * <p>Plain {@code http://} is accepted only for loopback hosts. Secrets never appear in logs, messages,
 * {@code toString()} or listener arguments. Thread-safe; {@link #close()} is idempotent, after which
 * every call throws {@link IllegalStateException}.
 */
public final class HttpGitHubClient implements GitHubClient {

  /** Property naming the largest response body accepted after decompression, in bytes. */
  public static final String MAX_BODY_BYTES_PROPERTY = "github.maxBodyBytes";
  /** Default largest response body: 64 MiB, 30 times a full page of GitHub's ~21 KB list items. */
  public static final long DEFAULT_MAX_BODY_BYTES = 64L * 1024 * 1024;
  /** Property naming the deepest JSON nesting accepted. */
  public static final String MAX_NESTING_DEPTH_PROPERTY = "github.maxNestingDepth";
  /** Property naming how many per-pull-request responses the cache keeps at most. */
  public static final String CACHE_MAXIMUM_SIZE_PROPERTY = "github.cacheMaximumSize";
  /** Default cache size, in entries (each a few hundred bytes). */
  public static final long DEFAULT_CACHE_MAXIMUM_SIZE = 10_000;

  static final String PULLS_ENDPOINT = "/repos/{owner}/{repo}/pulls";
  static final String PULL_ENDPOINT = "/repos/{owner}/{repo}/pulls/{number}";
  static final String REVIEWS_ENDPOINT = "/repos/{owner}/{repo}/pulls/{number}/reviews";
  static final String CHECK_RUNS_ENDPOINT = "/repos/{owner}/{repo}/commits/{ref}/check-runs";
  static final String STATUS_ENDPOINT = "/repos/{owner}/{repo}/commits/{ref}/status";
  static final String GRAPHQL_ENDPOINT = "/graphql";
  /** Successful GraphQL batches after which a shrunken batch size doubles again. */
  private static final int GRAPHQL_GROWTH_AFTER = 50;
  /**
   * How long after a GraphQL timeout the batch size stays where the timeouts put it: concurrent repositories
   * would otherwise grow it back together and time out together again.
   */
  private static final long GRAPHQL_REGROWTH_AFTER_NANOS = Duration.ofMinutes(15).toNanos();
  static final String ORG_REPOS_ENDPOINT = "/orgs/{org}/repos";
  static final String USER_REPOS_ENDPOINT = "/users/{user}/repos";
  static final String INSTALLATION_REPOS_ENDPOINT = "/installation/repositories";

  private static final Logger LOG = LoggerFactory.getLogger(HttpGitHubClient.class);
  private static final String API_VERSION = "2022-11-28";
  private static final String USER_AGENT = "prmonitor";
  private static final int MAX_ERROR_BODY = 16 * 1024;
  private static final Duration DEFAULT_RESET_WAIT = Duration.ofSeconds(60);
  /** The least time between two checks of an implausible reset with {@code GET /rate_limit}. */
  static final Duration RATE_LIMIT_CHECK_INTERVAL = Duration.ofMinutes(1);
  static final String RATE_LIMIT_ENDPOINT = "/rate_limit";
  /** The most pages one discovery reads: 100,000 repositories. */
  static final int MAX_DISCOVERY_PAGES = 1_000;

  private final GitHubClientSettings settings;
  private final URI baseUrl;
  private final String base;
  private final String credential;
  private final GitHubClientListener listener;
  private final Clock clock;
  private final Ticker ticker;
  private final Sleeper sleeper;
  private final Backoff backoff;
  private final long maxBodyBytes;
  private final ExecutorService executor;
  private final HttpClient http;
  private final AuthorizationSource authorization;
  private final Semaphore permits;
  private final SecondaryLimitGate secondaryLimit;
  private final RequestBudget budget;
  private final ServerTimePacer pacer;
  private final PullRequestListReader listReader;
  private final RepositoryListReader repositoryReader;
  private final PullRequestDetailsReader detailsReader;
  private final GraphQlEnrichment graphqlReader;
  private final RestEnrichment restReader;
  private final URI graphqlUri;
  private final GraphQlBudget graphqlBudget;
  private final ServerTimePacer graphqlPacer;
  private final GraphQlBudget.PointsPerMinute graphqlMinute;
  private final java.util.concurrent.atomic.AtomicInteger graphqlBatch =
      new java.util.concurrent.atomic.AtomicInteger(GraphQlEnrichment.MAX_BATCH);
  private final java.util.concurrent.atomic.AtomicInteger graphqlSuccesses =
      new java.util.concurrent.atomic.AtomicInteger();
  /** The ticker's time of the last GraphQL timeout; null before any. */
  private final AtomicReference<Long> graphqlTimedOutAt = new AtomicReference<>();
  private final Cache<DetailsKey, CachedDetails> detailsCache;
  private final AtomicReference<RateLimitStatus> latestRateLimit = new AtomicReference<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** A fixed token's last 401, which holds later requests back for a while. */
  private final CredentialRejection rejection;
  /** When {@code GET /rate_limit} was last asked, by {@link #ticker}. */
  private final AtomicLong lastRateLimitCheck;

  /**
   * Creates a client.
   *
   * @throws IllegalArgumentException if the base URL is plain {@code http://} to a non-loopback host,
   *     a property value is invalid, or an app private key cannot be read
   */
  public HttpGitHubClient(GitHubClientSettings settings) {
    this(settings, Ticker.SYSTEM, Sleeper.SYSTEM,
        Backoff.withJitter(settings.retryInitialDelay(), settings.retryBackoffFactor()));
  }

  HttpGitHubClient(GitHubClientSettings settings, Ticker ticker, Sleeper sleeper, Backoff backoff) {
    this.settings = Objects.requireNonNull(settings, "null settings");
    if (settings.credentials() instanceof GitHubCredentials.Pool pool) {
      throw poolRefused(pool);
    }
    this.baseUrl = checkBaseUrl(settings.baseUrl());
    String text = baseUrl.toString();
    this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    this.credential = settings.credentials().label();
    this.listener = settings.listener();
    this.clock = settings.clock();
    this.ticker = Objects.requireNonNull(ticker, "null ticker");
    this.sleeper = Objects.requireNonNull(sleeper, "null sleeper");
    this.backoff = Objects.requireNonNull(backoff, "null backoff");
    this.rejection = new CredentialRejection(ticker);
    this.lastRateLimitCheck = new AtomicLong(ticker.nanoTime() - RATE_LIMIT_CHECK_INTERVAL.toNanos());
    Map<String, String> properties = settings.properties();
    this.maxBodyBytes = longProperty(properties, MAX_BODY_BYTES_PROPERTY, DEFAULT_MAX_BODY_BYTES, 1024);
    int maxNesting = (int) longProperty(properties, MAX_NESTING_DEPTH_PROPERTY,
        GitHubJson.DEFAULT_MAX_NESTING_DEPTH, 8);
    long cacheSize = longProperty(properties, CACHE_MAXIMUM_SIZE_PROPERTY, DEFAULT_CACHE_MAXIMUM_SIZE, 1);
    GitHubJson json = new GitHubJson(maxNesting);
    this.listReader = new PullRequestListReader(json);
    this.repositoryReader = new RepositoryListReader(json);
    this.detailsReader = new PullRequestDetailsReader(json);
    this.graphqlReader = new GraphQlEnrichment(json);
    this.restReader = new RestEnrichment(json);
    this.graphqlUri = URI.create(GraphQlEnrichment.endpoint(base));
    this.graphqlBudget = new GraphQlBudget(clock);
    this.graphqlMinute = new GraphQlBudget.PointsPerMinute(GraphQlBudget.POINTS_PER_MINUTE, ticker, sleeper);
    // GitHub lets GraphQL have 60 of the 90 s of server time per 60 s; REST's pacer counts GraphQL's time too
    this.graphqlPacer = settings.serverTimeBudget() == null ? null
        : new ServerTimePacer(settings.serverTimeBudget().multipliedBy(2).dividedBy(3), settings.serverTimeWindow(),
            ticker, sleeper);
    this.permits = new Semaphore(settings.maxConcurrentRequests(), true);
    this.secondaryLimit = new SecondaryLimitGate(settings.secondaryLimitPause(), ticker, sleeper);
    this.budget = new RequestBudget(credential, settings.rateLimitReserve(), clock);
    // null when the settings turn pacing off (a server known to enforce no server-time budget)
    this.pacer = settings.serverTimeBudget() == null ? null
        : new ServerTimePacer(settings.serverTimeBudget(), settings.serverTimeWindow(), ticker, sleeper);
    // The cache is a plain (synchronous) Caffeine cache: no loader runs inside it, because every
    // lookup must revalidate with a conditional request made outside the cache, so no virtual thread
    // is ever pinned on I/O within a cache operation.
    this.detailsCache = settings.enableCaching()
        ? Caffeine.newBuilder()
            .maximumSize(cacheSize)
            .expireAfterWrite(settings.cacheTtl())
            .ticker(ticker::nanoTime)
            .build()
        : null;
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
          clock, json);
      case GitHubCredentials.Pool pool -> throw poolRefused(pool);
    };
  }

  private static IllegalArgumentException poolRefused(GitHubCredentials.Pool pool) {
    return new IllegalArgumentException(
        "HttpGitHubClient sends with one credential; a pool (" + pool.label() + ") needs a PooledGitHubClient");
  }

  private static URI checkBaseUrl(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    String host = url.getHost();
    if (host == null) {
      throw new IllegalArgumentException("baseUrl has no host: " + url);
    }
    if (scheme.equals("http") && !isLoopback(host)) {
      throw new IllegalArgumentException(
          "plain http:// is refused for a non-loopback host (tokens would travel unencrypted): " + url);
    }
    if (url.getRawQuery() != null || url.getRawFragment() != null) {
      throw new IllegalArgumentException("baseUrl must not have a query or fragment: " + url);
    }
    return url;
  }

  static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.equals("[::1]") || h.equals("::1")
        || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }

  private static long longProperty(Map<String, String> properties, String name, long fallback, long min) {
    String value = properties.get(name);
    if (value == null) {
      return fallback;
    }
    long parsed;
    try {
      parsed = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number: '" + value + "'");
    }
    if (parsed < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ": " + parsed);
    }
    return parsed;
  }

  @Override
  public PullRequestPage listPullRequests(PageRequest request) {
    Objects.requireNonNull(request, "null request");
    requireOpen();
    RepositoryId repository = request.repository();
    URI uri = request.isFirstPage()
        ? URI.create(base + "/repos/" + repository.owner() + "/" + repository.name()
            + "/pulls?state=all&sort=updated&direction=desc&per_page="
            + (request.perPage() == null ? PageRequest.MAX_PER_PAGE : request.perPage()))
        : sameOrigin(request.url());
    Answer<PullRequestListReader.Page> answer = execute(
        new Call(PULLS_ENDPOINT, uri, request.ifNoneMatch(), repository, false), listReader::read);
    String etag = answer.headers().firstValue("ETag").orElse(null);
    if (answer.status() == 304) {
      return PullRequestPage.notModified(etag != null ? etag : request.ifNoneMatch(), answer.requests());
    }
    LinkHeader links = links(answer, uri);
    PullRequestListReader.Page page = answer.value();
    if (!page.skipped().isEmpty()) {
      LOG.debug("{} of {} items of a page of {} could not be read", page.skipped().size(),
          page.skipped().size() + page.pullRequests().size(), repository);
    }
    return new PullRequestPage(false, page.pullRequests(), page.skipped(), etag, links.next(), links.lastPage(),
        answer.requests());
  }

  @Override
  public List<RepositoryInfo> discoverRepositories(RepositorySelector selector) {
    return DiscoveryPage.repositories(discoverRepositories(selector, List.of()));
  }

  /**
   * Reads every page of a discovery listing; a page whose URL is that of the page at the same place in
   * {@code previous} is requested with its entity tag, and a {@code 304} (free) returns the previous page.
   * A {@code Link} back to a page already read, or more than {@value #MAX_DISCOVERY_PAGES} pages, fail
   * the discovery.
   */
  @Override
  public List<DiscoveryPage> discoverRepositories(RepositorySelector selector, List<DiscoveryPage> previous) {
    Objects.requireNonNull(selector, "null selector");
    Objects.requireNonNull(previous, "null previous");
    requireOpen();
    String endpoint;
    URI uri;
    switch (selector) {
      case RepositorySelector.Organization org -> {
        endpoint = ORG_REPOS_ENDPOINT;
        uri = URI.create(base + "/orgs/" + org.name() + "/repos?per_page=100&type=all");
      }
      case RepositorySelector.User user -> {
        endpoint = USER_REPOS_ENDPOINT;
        uri = URI.create(base + "/users/" + user.login() + "/repos?per_page=100&type=all");
      }
      case RepositorySelector.Installation installation -> {
        endpoint = INSTALLATION_REPOS_ENDPOINT;
        uri = URI.create(base + "/installation/repositories?per_page=100");
      }
    }
    List<DiscoveryPage> pages = new ArrayList<>();
    int unreadable = 0;
    java.util.Set<URI> requested = new java.util.HashSet<>();
    while (uri != null) {
      if (!requested.add(uri) || requested.size() > MAX_DISCOVERY_PAGES) {
        throw new GitHubException("GET " + endpoint + " links back to a page already read, or goes on past "
            + MAX_DISCOVERY_PAGES + " pages, after page " + (requested.size() - 1) + "; stopped", 0);
      }
      DiscoveryPage known = pages.size() < previous.size() && previous.get(pages.size()).url().equals(uri)
          ? previous.get(pages.size()) : null;
      Answer<RepositoryListReader.Page> answer = execute(
          new Call(endpoint, uri, known == null ? null : known.etag(), null, false), repositoryReader::read);
      DiscoveryPage page;
      if (answer.status() == 304 && known != null) {
        page = known;
      } else if (answer.value() == null) {
        throw new GitHubException("GET " + endpoint + " answered 304 to an unconditional request", 304);
      } else {
        unreadable += answer.value().unreadable();
        URI next = links(answer, uri).next();
        page = new DiscoveryPage(uri, answer.headers().firstValue("ETag").orElse(null),
            answer.value().repositories(), next == null ? null : sameOrigin(next));
      }
      pages.add(page);
      uri = page.next() == null ? null : sameOrigin(page.next());
    }
    if (unreadable > 0) {
      LOG.warn("discovery for {} left out {} repositories without a valid full_name", selector, unreadable);
    }
    return List.copyOf(pages);
  }

  /**
   * Fetches the full form of one pull request, conditionally: with caching enabled, a cached entity tag
   * is sent as {@code If-None-Match} and a {@code 304} (free) returns the cached details. Cache lookups
   * are reported to {@link GitHubClientListener#onCacheLookup}.
   *
   * @param repository the repository
   * @param number the pull request number, positive
   * @return the details; empty if the repository or pull request does not exist (404)
   * @throws IllegalArgumentException if {@code number} is not positive
   * @throws RateLimitExceededException if the request would exceed the rate-limit budget
   * @throws GitHubException if the request failed after the configured retries
   */
  public Optional<PullRequestDetails> pullRequestDetails(RepositoryId repository, int number) {
    Objects.requireNonNull(repository, "null repository");
    if (number <= 0) {
      throw new IllegalArgumentException("pull request number must be positive: " + number);
    }
    requireOpen();
    DetailsKey key = new DetailsKey(repository, number);
    CachedDetails cached = null;
    if (detailsCache != null) {
      cached = detailsCache.getIfPresent(key);
      listener.onCacheLookup(cached != null);
    }
    URI uri = URI.create(base + "/repos/" + repository.owner() + "/" + repository.name() + "/pulls/" + number);
    Answer<PullRequestDetails> answer = execute(
        new Call(PULL_ENDPOINT, uri, cached == null ? null : cached.etag(), repository, true),
        detailsReader::read);
    if (answer.status() == 404) {
      if (detailsCache != null) {
        detailsCache.invalidate(key);
      }
      return Optional.empty();
    }
    if (answer.status() == 304 && cached != null) {
      return Optional.of(cached.details());
    }
    if (answer.value() == null) {
      throw new GitHubException("GET " + PULL_ENDPOINT + " answered 304 to an unconditional request", 304);
    }
    String etag = answer.headers().firstValue("ETag").orElse(null);
    if (detailsCache != null && etag != null) {
      detailsCache.put(key, new CachedDetails(etag, answer.value()));
    }
    return Optional.of(answer.value());
  }

  // ---------------------------------------------------------------------------------------------
  // Enrichment

  /**
   * Reads pull requests' enrichment. {@link EnrichmentMode#GRAPHQL}: one query per batch of up to 100 pull
   * requests (the batch halves after a {@code 502} or a timeout, which GitHub answers past 10 s of server time,
   * and grows back after successes), paced under the GraphQL budget reported by each answer (never dipping
   * into {@link GitHubClientSettings#rateLimitReserve()} points), its points per minute and its share of server
   * time (the batch grows back only once 15 minutes passed without a timeout); what the GraphQL budget cannot
   * pay is read through REST. {@link EnrichmentMode#REST}: per pull
   * request, {@code GET /pulls/{n}} (mergeability, comments) and, unless only CI is asked for,
   * {@code /pulls/{n}/reviews}, then {@code /commits/{sha}/check-runs} and {@code /commits/{sha}/status},
   * each conditional on the entity tag kept with the stored enrichment (a {@code 304} is free); what the REST
   * budget cannot pay is deferred.
   */
  @Override
  public EnrichmentResult enrich(RepositoryId repository, List<EnrichmentTarget> targets, EnrichmentMode mode,
      int restReserve) {
    Objects.requireNonNull(repository, "null repository");
    Objects.requireNonNull(targets, "null targets");
    Objects.requireNonNull(mode, "null mode");
    requireOpen();
    if (mode == EnrichmentMode.OFF) {
      throw new IllegalArgumentException("enrichment mode OFF reads nothing");
    }
    if (restReserve < 0) {
      throw new IllegalArgumentException("restReserve cannot be negative: " + restReserve);
    }
    Tally tally = new Tally(restReserve);
    if (mode == EnrichmentMode.REST) {
      restEnrich(repository, targets, tally);
    } else {
      List<GraphQlEnrichment.Item> unpaid = graphqlEnrich(GraphQlEnrichment.items(repository, targets), tally);
      tally.graphqlRead.forEach(read -> tally.read.add(read.enrichment()));
      restEnrich(repository, unpaid.stream().map(GraphQlEnrichment.Item::target).toList(), tally);
    }
    return new EnrichmentResult(tally.read, tally.deferred, tally.deferredReason, tally.requests,
        tally.notModified, tally.queries, tally.points);
  }

  /**
   * Reads the enrichment of several repositories' pull requests: with {@link EnrichmentMode#GRAPHQL} their
   * pull requests share queries (a {@code repository} alias each; a checks-only query costs 1 point whatever
   * it holds, so the CI reads of a fleet cost one point per batch, not one per repository), batched, paced and
   * shrunk on timeouts as {@link #enrich(RepositoryId, List, EnrichmentMode, int)} does; what the GraphQL
   * budget cannot pay is read through REST, repository by repository. {@link EnrichmentMode#REST} reads each
   * repository on its own.
   */
  @Override
  public CombinedEnrichmentResult enrich(Map<RepositoryId, List<EnrichmentTarget>> targets, EnrichmentMode mode,
      int restReserve) {
    Objects.requireNonNull(targets, "null targets");
    Objects.requireNonNull(mode, "null mode");
    if (mode != EnrichmentMode.GRAPHQL) {
      return GitHubClient.super.enrich(targets, mode, restReserve);
    }
    requireOpen();
    if (restReserve < 0) {
      throw new IllegalArgumentException("restReserve cannot be negative: " + restReserve);
    }
    List<GraphQlEnrichment.Item> items = new ArrayList<>();
    targets.forEach((repository, list) -> items.addAll(GraphQlEnrichment.items(repository, list)));
    Tally shared = new Tally(restReserve);
    Map<RepositoryId, List<EnrichmentTarget>> unpaid = GraphQlEnrichment.byRepository(graphqlEnrich(items, shared));
    Map<RepositoryId, List<PullRequestEnrichment>> read = new HashMap<>();
    shared.graphqlRead.forEach(r -> read.computeIfAbsent(r.repository(), k -> new ArrayList<>()).add(r.enrichment()));
    Map<RepositoryId, EnrichmentResult> byRepository = new LinkedHashMap<>();
    for (RepositoryId repository : targets.keySet()) {
      Tally tally = new Tally(restReserve);
      tally.read.addAll(read.getOrDefault(repository, List.of()));
      restEnrich(repository, unpaid.getOrDefault(repository, List.of()), tally);
      byRepository.put(repository, new EnrichmentResult(tally.read, tally.deferred, tally.deferredReason,
          tally.requests, tally.notModified, 0, 0));
    }
    return new CombinedEnrichmentResult(byRepository, shared.queries, shared.points);
  }

  /** What one {@link #enrich} call did. Confined to its thread. */
  private static final class Tally {
    final int restReserve;
    final List<PullRequestEnrichment> read = new ArrayList<>();
    /** What GraphQL read, by repository: one query may read several. */
    final List<GraphQlEnrichment.Read> graphqlRead = new ArrayList<>();
    final List<Integer> deferred = new ArrayList<>();
    String deferredReason;
    int requests;
    int notModified;
    int queries;
    int points;

    Tally(int restReserve) {
      this.restReserve = restReserve;
    }

    void defer(List<EnrichmentTarget> rest, String reason) {
      for (EnrichmentTarget target : rest) {
        deferred.add(target.number());
      }
      if (!rest.isEmpty() && deferredReason == null) {
        deferredReason = reason;
      }
    }
  }

  /** The batch size GraphQL reads next: halved on a timeout, doubled back after a run of successes. */
  int graphqlBatchSize() {
    return graphqlBatch.get();
  }

  /**
   * Reads items through GraphQL into {@code tally.graphqlRead}, and returns those the GraphQL budget cannot pay
   * for (to be read through REST).
   */
  private List<GraphQlEnrichment.Item> graphqlEnrich(List<GraphQlEnrichment.Item> targets, Tally tally) {
    int at = 0;
    int failures = 0;
    while (at < targets.size()) {
      int size = Math.min(graphqlBatch.get(), targets.size() - at);
      List<GraphQlEnrichment.Item> batch = targets.subList(at, at + size);
      String repository = GraphQlEnrichment.describe(batch);
      int cost = GraphQlEnrichment.cost(batch);
      String refusal = graphqlBudget.refusal(cost, settings.rateLimitReserve());
      if (refusal != null) {
        LOG.debug("GraphQL budget cannot pay {} points for {}: {}; reading the rest through REST", cost,
            repository, refusal);
        return targets.subList(at, targets.size());
      }
      GraphQlOutcome outcome;
      try {
        outcome = graphqlExchange(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GitHubException("interrupted during POST " + GRAPHQL_ENDPOINT, 0, e);
      }
      tally.queries++;
      if (outcome.answer() != null) {
        GraphQlEnrichment.Answer answer = outcome.answer();
        if (answer.rateLimited()) {
          graphqlBudget.exhausted();
          continue;
        }
        for (int i = 0; i < answer.errorTypes().size(); i++) {
          if (!answer.errorTypes().get(i).equals("NOT_FOUND")) {
            throw new GitHubException("POST " + GRAPHQL_ENDPOINT + " answered an error for " + repository + ": "
                + answer.errorTypes().get(i) + " " + abbreviate(answer.errorMessages().get(i)), 200);
          }
        }
        tally.graphqlRead.addAll(answer.read());
        tally.points += answer.cost() == null ? cost : answer.cost();
        at += size;
        failures = 0;
        Long timedOutAt = graphqlTimedOutAt.get();
        boolean mayGrow = timedOutAt == null || ticker.nanoTime() - timedOutAt >= GRAPHQL_REGROWTH_AFTER_NANOS;
        if (graphqlSuccesses.incrementAndGet() >= GRAPHQL_GROWTH_AFTER && mayGrow
            && graphqlBatch.get() < GraphQlEnrichment.MAX_BATCH) {
          graphqlSuccesses.set(0);
          graphqlBatch.getAndUpdate(b -> Math.min(GraphQlEnrichment.MAX_BATCH, b * 2));
        }
        continue;
      }
      // a timeout (502, 504, or no answer in time) costs points on GitHub and says the batch was too big
      failures++;
      graphqlSuccesses.set(0);
      if (outcome.timeout()) {
        graphqlTimedOutAt.set(ticker.nanoTime());
        tally.points += cost;
        int smaller = Math.max(1, size / 2);
        graphqlBatch.getAndUpdate(b -> Math.min(b, smaller));
      }
      if (failures >= settings.retryMaxAttempts() && (size == 1 || !outcome.timeout())) {
        throw new GitHubException("POST " + GRAPHQL_ENDPOINT + " for " + repository + " failed after " + failures
            + " attempts: " + outcome.reason(), outcome.status());
      }
      Duration delay = outcome.secondaryLimit() || outcome.timeout() ? Duration.ZERO : backoff.delay(failures);
      listener.onRetry(GRAPHQL_ENDPOINT, outcome.reason(), failures + 1, delay);
      try {
        sleeper.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GitHubException("interrupted during POST " + GRAPHQL_ENDPOINT, 0, e);
      }
    }
    return List.of();
  }

  /** One GraphQL exchange: an answer, or why to try again (a timeout shrinks the batch). */
  private record GraphQlOutcome(GraphQlEnrichment.Answer answer, boolean timeout, boolean secondaryLimit,
      String reason, int status) {
  }

  private GraphQlOutcome graphqlExchange(List<GraphQlEnrichment.Item> batch)
      throws InterruptedException {
    permits.acquire();
    try {
      secondaryLimit.awaitOpen();
      // after a 401 the token's requests are held back, GraphQL's too, until one probes it again
      boolean probe = isFixedToken() && rejection.admit(settings.requestTimeout().toNanos());
      try {
        graphqlMinute.acquire();
        if (pacer != null) {
          pacer.acquire();
        }
        if (graphqlPacer != null) {
          try {
            graphqlPacer.acquire();
          } catch (InterruptedException | RuntimeException e) {
            if (pacer != null) {
              pacer.cancel();
            }
            throw e;
          }
        }
      } catch (InterruptedException | RuntimeException e) {
        // a probe that is never sent must say so, or the token's requests would wait for its answer
        if (probe) {
          rejection.unanswered();
        }
        throw e;
      }
      long start = ticker.nanoTime();
      int status = 0;
      boolean answered = false;
      MeteredInputStream wire = null;
      try {
        HttpRequest.Builder builder = HttpRequest.newBuilder(graphqlUri)
            .timeout(settings.requestTimeout())
            .POST(HttpRequest.BodyPublishers.ofString(GraphQlEnrichment.requestBody(batch)))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .header("User-Agent", USER_AGENT)
            .header("Accept-Encoding", "gzip");
        authorization.header().ifPresent(value -> builder.header("Authorization", value));
        HttpResponse<InputStream> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        answered = true;
        status = response.statusCode();
        HttpHeaders headers = response.headers();
        graphqlBudget.observe(headers);
        try (InputStream raw = response.body()) {
          wire = new MeteredInputStream(raw, Long.MAX_VALUE);
          boolean gzip = headers.firstValue("Content-Encoding").map(v -> v.trim().equalsIgnoreCase("gzip"))
              .orElse(false);
          InputStream body = new MeteredInputStream(gzip ? new GZIPInputStream(wire, 16 * 1024) : wire, maxBodyBytes);
          if (status == 200) {
            secondaryLimit.succeeded();
            GraphQlEnrichment.Answer answer = graphqlReader.read(body, batch);
            graphqlBudget.observe(answer.remaining(), answer.resetAt());
            return new GraphQlOutcome(answer, false, false, null, status);
          }
          if (status == 502 || status == 504) {
            body.readNBytes(MAX_ERROR_BODY);
            return new GraphQlOutcome(null, true, false, "HTTP " + status + " (timeout)", status);
          }
          if (status >= 500) {
            body.readNBytes(MAX_ERROR_BODY);
            return new GraphQlOutcome(null, false, false, "HTTP " + status, status);
          }
          String message = errorMessage(body);
          if (status == 401) {
            authorization.invalidate();
            GitHubAuthenticationException failure = new GitHubAuthenticationException("GitHub rejected the "
                + "credentials " + credential + " (HTTP 401 from POST " + GRAPHQL_ENDPOINT + "): " + message, status);
            if (isFixedToken()) {
              rejection.rejected(failure);
            }
            throw failure;
          }
          Duration retryAfter = retryAfter(headers);
          if ((status == 403 || status == 429) && (retryAfter != null
              || message.toLowerCase(Locale.ROOT).contains("secondary rate limit"))) {
            Duration pause = secondaryLimit.trip(retryAfter);
            listener.onSecondaryLimit(credential, pause);
            LOG.warn("secondary rate limit of {} (HTTP {} from POST {}): pausing every request for {} s",
                credential, status, GRAPHQL_ENDPOINT, pause.toSeconds());
            return new GraphQlOutcome(null, false, true, "secondary rate limit", status);
          }
          throw new GitHubException("POST " + GRAPHQL_ENDPOINT + " failed with HTTP " + status + ": " + message,
              status);
        }
      } catch (HttpTimeoutException e) {
        return new GraphQlOutcome(null, true, false, "timeout", status);
      } catch (IOException e) {
        return new GraphQlOutcome(null, false, false, (answered ? "body read failed: " : "connection failed: ")
            + e.getClass().getSimpleName(), status);
      } finally {
        Duration elapsed = Duration.ofNanos(ticker.nanoTime() - start);
        if (pacer != null) {
          pacer.release(elapsed);
        }
        if (graphqlPacer != null) {
          graphqlPacer.release(elapsed);
        }
        if (probe && !answered) {
          rejection.unanswered();
        } else if (answered && status != 401) {
          rejection.answered();
        }
        listener.onResponse(GRAPHQL_ENDPOINT, status, answered && status != 304, elapsed,
            wire == null ? 0 : wire.count());
      }
    } finally {
      permits.release();
    }
  }

  private void restEnrich(RepositoryId repository, List<EnrichmentTarget> targets, Tally tally) {
    for (int i = 0; i < targets.size(); i++) {
      EnrichmentTarget target = targets.get(i);
      int available = budget.available();
      // a pull request takes up to four requests; what the list synchronization needs stays unspent
      if (available < tally.restReserve + 4) {
        tally.defer(targets.subList(i, targets.size()), "REST budget: " + Math.max(0, available)
            + " requests left above the reserve, " + tally.restReserve + " kept for the list synchronization");
        return;
      }
      try {
        PullRequestEnrichment read = restEnrichOne(repository, target, tally);
        if (read != null) {
          tally.read.add(read);
        }
      } catch (RateLimitExceededException e) {
        tally.defer(targets.subList(i, targets.size()), "rate limit budget exhausted until " + e.resetAt());
        return;
      }
    }
  }

  private PullRequestEnrichment restEnrichOne(RepositoryId repository, EnrichmentTarget target, Tally tally) {
    PullRequestEnrichment stored = target.stored();
    RestEnrichment.Tags tags = RestEnrichment.Tags.parse(stored == null ? null : stored.etags());
    Map<String, String> etags = new LinkedHashMap<>(tags.etags());
    Map<String, ChecksState> partial = new LinkedHashMap<>(tags.partial());
    String prefix = base + "/repos/" + repository.owner() + "/" + repository.name();

    Answer<PullRequestDetails> pull = conditional(new Call(PULL_ENDPOINT, URI.create(prefix + "/pulls/"
        + target.number()), stored == null ? null : etags.get("pull"), repository, true), detailsReader::read, tally);
    if (pull.status() == 404) {
      return null;
    }
    Mergeability mergeable;
    int comments;
    if (pull.status() == 304) {
      mergeable = stored.mergeable();
      comments = stored.comments();
    } else {
      Boolean flag = pull.value().mergeable();
      mergeable = flag == null ? Mergeability.UNKNOWN : flag ? Mergeability.MERGEABLE : Mergeability.CONFLICTING;
      comments = pull.value().comments() + pull.value().reviewComments();
      etags.put("pull", pull.headers().firstValue("ETag").orElse(null));
    }

    ReviewDecision decision;
    Map<String, ReviewState> latest;
    if (target.checksOnly()) {
      decision = stored.reviewDecision();
      latest = stored.latestReviews();
    } else {
      Answer<List<RestEnrichment.Review>> reviews = conditional(new Call(REVIEWS_ENDPOINT, URI.create(prefix
          + "/pulls/" + target.number() + "/reviews?per_page=100"), stored == null ? null : etags.get("reviews"),
          repository, true), restReader::reviews, tally);
      if (reviews.status() == 404) {
        return null;
      }
      if (reviews.status() == 304) {
        decision = stored.reviewDecision();
        latest = stored.latestReviews();
      } else {
        decision = RestEnrichment.decision(reviews.value());
        latest = RestEnrichment.latest(reviews.value());
        etags.put("reviews", reviews.headers().firstValue("ETag").orElse(null));
      }
    }

    ChecksState checks = ChecksState.NONE;
    for (String part : new String[] {"runs", "status"}) {
      boolean runs = part.equals("runs");
      String suffix = runs ? "/check-runs?per_page=100" : "/status";
      Answer<ChecksState> answer = conditional(new Call(runs ? CHECK_RUNS_ENDPOINT : STATUS_ENDPOINT,
          URI.create(prefix + "/commits/" + target.headSha() + suffix), etags.get(part), repository, true),
          runs ? restReader::checkRuns : restReader::statuses, tally);
      ChecksState state;
      if (answer.status() == 404 || answer.status() == 422) {
        state = ChecksState.NONE;
      } else if (answer.status() == 304 && partial.containsKey(part)) {
        state = partial.get(part);
      } else if (answer.value() != null) {
        state = answer.value();
        etags.put(part, answer.headers().firstValue("ETag").orElse(null));
        partial.put(part, state);
      } else {
        state = ChecksState.NONE;
      }
      checks = RestEnrichment.worst(checks, state);
    }
    return new PullRequestEnrichment(target.number(), 0, target.headSha(), decision, latest, checks, mergeable,
        comments, new RestEnrichment.Tags(etags, partial).text());
  }

  /** A conditional GET whose 304 (free) and 404 are answers; counts it. */
  private <T> Answer<T> conditional(Call call, BodyReader<T> reader, Tally tally) {
    Answer<T> answer = execute(call, reader);
    tally.requests += answer.requests();
    if (answer.status() == 304) {
      tally.notModified++;
    }
    if (call.ifNoneMatch() != null) {
      listener.onCacheLookup(answer.status() == 304);
    }
    return answer;
  }

  @Override
  public List<RateLimitStatus> rateLimits() {
    RateLimitStatus status = latestRateLimit.get();
    return status == null ? List.of() : List.of(status);
  }

  /** Feeds the statuses of this client's credential, as others observed them, into its budget. */
  @Override
  public void observeRateLimits(List<RateLimitStatus> statuses) {
    for (RateLimitStatus status : statuses) {
      if (status.credential().equals(credential)) {
        budget.observe(status);
      }
    }
  }

  /**
   * Requests this client's credential could still send before dipping into its reserve; see
   * {@link RequestBudget#available()}.
   */
  int availableBudget() {
    return budget.available();
  }

  /** The server time the pacer counts in its current window; zero with pacing off. For tests. */
  Duration pacedServerTime() {
    return pacer == null ? Duration.ZERO : pacer.windowTime();
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
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

  @Override
  public String toString() {
    return "HttpGitHubClient[" + base + ", " + credential + (closed.get() ? ", closed]" : "]");
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new IllegalStateException("HttpGitHubClient is closed");
    }
  }

  /** Refuses to follow a link to another origin, where the credentials must not go. */
  private URI sameOrigin(URI url) {
    if (!url.isAbsolute() || !Objects.equals(url.getScheme(), baseUrl.getScheme())
        || !baseUrl.getHost().equalsIgnoreCase(String.valueOf(url.getHost()))
        || url.getPort() != baseUrl.getPort()) {
      throw new IllegalArgumentException("URL is not on the API's origin " + baseUrl + ": " + url);
    }
    return url;
  }

  private static LinkHeader links(Answer<?> answer, URI uri) {
    try {
      return LinkHeader.parse(answer.headers().firstValue("Link").orElse(null));
    } catch (IllegalArgumentException e) {
      throw new GitHubException("invalid Link header in the answer to GET " + uri.getRawPath(), answer.status(), e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The request loop

  /** What to request: the listener's route template, the URL, and how to treat a 404. */
  private record Call(String endpoint, URI uri, String ifNoneMatch, RepositoryId repository,
      boolean notFoundIsAnswer) {
  }

  /** A final answer: 200 with its parsed body, 304, or a 404 the call accepts, and the requests it took. */
  private record Answer<T>(int status, T value, HttpHeaders headers, int requests) {
  }

  @FunctionalInterface
  private interface BodyReader<T> {
    T read(InputStream in) throws IOException;
  }

  /** The outcome of one HTTP exchange. */
  private sealed interface Outcome<T> {
  }

  private record Done<T>(int status, T value, HttpHeaders headers) implements Outcome<T> {
  }

  private record Redirect<T>(URI location) implements Outcome<T> {
  }

  private record Retry<T>(String reason, int status, Throwable cause, boolean secondaryLimit) implements Outcome<T> {
  }

  private <T> Answer<T> execute(Call call, BodyReader<T> reader) {
    int requests = 0;
    int attempts = 0;
    boolean redirected = false;
    URI uri = call.uri();
    try {
      while (true) {
        attempts++;
        requests++;
        Outcome<T> outcome = exchange(call, uri, reader);
        switch (outcome) {
          case Done<T> done -> {
            return new Answer<>(done.status(), done.value(), done.headers(), requests);
          }
          case Redirect<T> redirect -> {
            if (redirected) {
              throw new GitHubException("GET " + call.endpoint() + " redirected more than once", 301);
            }
            redirected = true;
            attempts--;
            LOG.info("following a redirect of {} to {}", uri.getRawPath(), redirect.location().getRawPath());
            uri = redirect.location();
          }
          case Retry<T> retry -> {
            if (attempts >= settings.retryMaxAttempts()) {
              throw exhausted(call, retry, attempts);
            }
            // After a secondary limit the shared gate already holds every request back for the pause.
            Duration delay = retry.secondaryLimit() ? Duration.ZERO : backoff.delay(attempts);
            listener.onRetry(call.endpoint(), retry.reason(), attempts + 1, delay);
            LOG.warn("retrying GET {} (attempt {} of {}) in {} ms after {}", call.endpoint(), attempts + 1,
                settings.retryMaxAttempts(), delay.toMillis(), retry.reason());
            sleeper.sleep(delay);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GitHubException("interrupted during GET " + call.endpoint(), 0, e);
    }
  }

  private GitHubException exhausted(Call call, Retry<?> retry, int attempts) {
    String message = "GET " + call.endpoint() + " failed after " + attempts + " attempts: " + retry.reason();
    if (retry.secondaryLimit()) {
      Instant resetAt = clock.instant().plus(secondaryLimit.remaining());
      return new RateLimitExceededException(message + "; secondary rate limit of " + credential
          + " until " + resetAt, retry.status(), resetAt);
    }
    return new GitHubException(message, retry.status(), retry.cause());
  }

  private <T> Outcome<T> exchange(Call call, URI uri, BodyReader<T> reader) throws InterruptedException {
    permits.acquire();
    try {
      if (!secondaryLimit.awaitOpen()) {
        throw secondaryLimitTooLong(call);
      }
      acquireBudget();
      boolean probe = false;
      try {
        probe = isFixedToken() && rejection.admit(settings.requestTimeout().toNanos());
        if (pacer != null) {
          pacer.acquire();
        }
      } catch (InterruptedException | RuntimeException e) {
        if (probe) {
          rejection.unanswered();
        }
        budget.release(null, false);
        throw e;
      }
      long start = ticker.nanoTime();
      long deadline = System.nanoTime() + settings.requestTimeout().toNanos();
      int status = 0;
      boolean answered = false;
      boolean paced = false;
      RateLimitStatus observed = null;
      MeteredInputStream wire = null;
      BatchedBodyStream body = null;
      try {
        HttpResponse<InputStream> response = http.send(request(call, uri), BatchedBodyStream.handler(ticker::nanoTime));
        answered = true;
        // GitHub's work for an answer is done when its headers leave (the ETag in them digests the whole
        // body): the server time the pacer counts ends when the client had parsed them, before the transfer,
        // our parsing, and the wait of this thread to be scheduled again
        if (pacer != null) {
          long headersAt = response.body() instanceof BatchedBodyStream batched
              ? Math.min(batched.headersAtNanos(), ticker.nanoTime()) : ticker.nanoTime();
          pacer.release(Duration.ofNanos(headersAt - start));
          paced = true;
        }
        status = response.statusCode();
        observed = rateLimit(response.headers());
        try (InputStream raw = response.body()) {
          if (raw instanceof BatchedBodyStream batched) {
            body = batched;
            // the request timeout of the JDK ends at the headers; the body must arrive by the same deadline
            batched.deadline(deadline);
          }
          wire = new MeteredInputStream(raw, Long.MAX_VALUE);
          return handle(call, uri, response, wire, reader, observed);
        }
      } catch (HttpTimeoutException e) {
        return new Retry<>(answered ? "timeout reading the body" : "timeout", status, e, false);
      } catch (SSLException e) {
        // a certificate or protocol mismatch does not heal by itself: not retried, and its reason kept
        throw new GitHubException("TLS failure on GET " + call.endpoint() + " to " + baseUrl.getHost() + ": "
            + e.getMessage(), 0, e);
      } catch (IOException e) {
        if (e.getCause() instanceof SSLException tls) {
          throw new GitHubException("TLS failure on GET " + call.endpoint() + " to " + baseUrl.getHost() + ": "
              + tls.getMessage(), 0, tls);
        }
        return new Retry<>(answered ? "body read failed: " + e.getClass().getSimpleName()
            : "connection failed: " + e.getClass().getSimpleName(), status, e, false);
      } finally {
        long end = ticker.nanoTime();
        if (body != null && body.completedAtNanos() >= 0) {
          end = Math.min(end, body.completedAtNanos());
        }
        Duration elapsed = Duration.ofNanos(end - start);
        if (pacer != null && !paced) {
          pacer.release(elapsed);
        }
        if (probe && !answered) {
          rejection.unanswered();
        } else if (answered && status != 401) {
          rejection.answered();
        }
        budget.release(observed, answered);
        listener.onResponse(call.endpoint(), status, answered && status != 304, elapsed,
            wire == null ? 0 : wire.count());
        if (observed != null) {
          latestRateLimit.set(budget.status().orElse(observed));
          listener.onRateLimit(observed);
        }
      }
    } finally {
      permits.release();
    }
  }

  private boolean isFixedToken() {
    return settings.credentials() instanceof GitHubCredentials.Token;
  }

  private RateLimitExceededException secondaryLimitTooLong(Call call) {
    Instant until = clock.instant().plus(secondaryLimit.remaining());
    return new RateLimitExceededException("secondary rate limit of " + credential + " asks for a pause until "
        + until + ", longer than the " + SecondaryLimitGate.MAX_WAIT.toMinutes() + " minutes the client waits;"
        + " GET " + call.endpoint() + " not sent", 0, until);
  }

  /**
   * Reserves one request of the primary budget. A refusal on a reset more than an hour away (no GitHub
   * answer says so) is checked with the free {@code GET /rate_limit}, at most once per
   * {@link #RATE_LIMIT_CHECK_INTERVAL}, and believed only if that confirms it.
   */
  private void acquireBudget() throws InterruptedException {
    try {
      budget.acquire();
    } catch (RateLimitExceededException refused) {
      if (!budget.resetImplausible() || !checkRateLimit()) {
        throw refused;
      }
      budget.acquire();
    }
  }

  /** Asks {@code GET /rate_limit} (free) and takes its core status; false if not asked or not answered. */
  private boolean checkRateLimit() throws InterruptedException {
    long now = ticker.nanoTime();
    long last = lastRateLimitCheck.get();
    if (now - last < RATE_LIMIT_CHECK_INTERVAL.toNanos() || !lastRateLimitCheck.compareAndSet(last, now)) {
      return false;
    }
    URI uri = URI.create(base + RATE_LIMIT_ENDPOINT);
    try {
      long deadline = System.nanoTime() + settings.requestTimeout().toNanos();
      HttpResponse<InputStream> response = http.send(request(new Call(RATE_LIMIT_ENDPOINT, uri, null, null, false),
          uri), BatchedBodyStream.handler(ticker::nanoTime));
      try (InputStream raw = response.body()) {
        if (raw instanceof BatchedBodyStream batched) {
          batched.deadline(deadline);
        }
        listener.onResponse(RATE_LIMIT_ENDPOINT, response.statusCode(), false, Duration.ZERO, 0);
        if (response.statusCode() != 200) {
          LOG.warn("GET /rate_limit answered HTTP {}; the rate limit of {} stays exhausted until {}",
              response.statusCode(), credential, budget.resetAt());
          return false;
        }
        RateLimitStatus status = coreRateLimit(decoded(response.headers(), raw).readNBytes(MAX_ERROR_BODY));
        if (status == null) {
          return false;
        }
        LOG.warn("rate limit of {} was reported exhausted until {}, beyond GitHub's one-hour window; "
            + "GET /rate_limit says {} of {} remain until {}", credential, budget.resetAt(), status.remaining(),
            status.limit(), status.resetAt());
        budget.replace(status);
        latestRateLimit.set(status);
        return true;
      }
    } catch (IOException e) {
      LOG.warn("GET /rate_limit failed ({}); the rate limit of {} stays exhausted until {}", e.toString(),
          credential, budget.resetAt());
      return false;
    }
  }

  /** The {@code rate} (core) object of a {@code /rate_limit} answer, or null if there is none. */
  private RateLimitStatus coreRateLimit(byte[] body) throws IOException {
    long[] values = {-1, -1, -1};
    try (JsonParser p = new com.fasterxml.jackson.core.JsonFactory().createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      GitHubJson.forEachField(p, (name, token) -> {
        if (name.equals("rate") && token == JsonToken.START_OBJECT) {
          GitHubJson.forEachField(p, (field, value) -> {
            int index = switch (field) {
              case "limit" -> 0;
              case "remaining" -> 1;
              case "reset" -> 2;
              default -> -1;
            };
            if (index >= 0 && value == JsonToken.VALUE_NUMBER_INT) {
              values[index] = p.getLongValue();
            } else {
              p.skipChildren();
            }
          });
        } else {
          p.skipChildren();
        }
      });
    }
    if (values[0] < 0 || values[1] < 0 || values[2] < 0) {
      return null;
    }
    return new RateLimitStatus(credential, (int) Math.min(Integer.MAX_VALUE, values[0]),
        (int) Math.min(Integer.MAX_VALUE, values[1]), Instant.ofEpochSecond(values[2]));
  }

  private HttpRequest request(Call call, URI uri) throws IOException, InterruptedException {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
        .timeout(settings.requestTimeout())
        .GET()
        .header("Accept", "application/vnd.github+json")
        .header("X-GitHub-Api-Version", API_VERSION)
        .header("User-Agent", USER_AGENT)
        .header("Accept-Encoding", "gzip");
    authorization.header().ifPresent(value -> builder.header("Authorization", value));
    if (call.ifNoneMatch() != null) {
      builder.header("If-None-Match", call.ifNoneMatch());
    }
    return builder.build();
  }

  private <T> Outcome<T> handle(Call call, URI uri, HttpResponse<InputStream> response, MeteredInputStream wire,
      BodyReader<T> reader, RateLimitStatus observed) throws IOException {
    int status = response.statusCode();
    HttpHeaders headers = response.headers();
    if (status == 200) {
      secondaryLimit.succeeded();
      return new Done<>(status, readBody(call, headers, wire, reader), headers);
    }
    if (status == 304) {
      secondaryLimit.succeeded();
      return new Done<>(status, null, headers);
    }
    if (status == 301 || status == 302 || status == 307 || status == 308) {
      wire.readNBytes(MAX_ERROR_BODY);
      String location = headers.firstValue("Location").orElseThrow(() -> new GitHubException(
          "GET " + call.endpoint() + " answered " + status + " without a Location", status));
      URI target;
      try {
        target = uri.resolve(location);
      } catch (IllegalArgumentException e) {
        throw new GitHubException("GET " + call.endpoint() + " redirected to an invalid URL", status, e);
      }
      try {
        return new Redirect<>(sameOrigin(target));
      } catch (IllegalArgumentException e) {
        throw new GitHubException("GET " + call.endpoint() + " redirected to another origin; not followed: "
            + target, status);
      }
    }
    if (status >= 500) {
      wire.readNBytes(MAX_ERROR_BODY);
      return new Retry<>("HTTP " + status, status, null, false);
    }
    String message = errorMessage(decoded(headers, wire));
    return switch (status) {
      case 401 -> {
        authorization.invalidate();
        String text = "GitHub rejected the credentials " + credential + " (HTTP 401 from GET " + call.endpoint()
            + "): " + message;
        if (!isFixedToken()) {
          throw new GitHubAuthenticationException(text, status);
        }
        // Requests behind this one fail unsent for a while that doubles with each rejection, then one
        // probes again: a bad token costs one request per hold, and a transient 401 heals by itself.
        GitHubAuthenticationException rejected = new GitHubAuthenticationException(text, status);
        Duration hold = rejection.rejected(rejected);
        throw new GitHubAuthenticationException(text + "; requests with them are held back for "
            + hold.toSeconds() + " s", status);
      }
      case 403, 429 -> rateLimited(call, status, headers, observed, message);
      case 404 -> {
        if (call.notFoundIsAnswer()) {
          yield new Done<>(status, null, headers);
        }
        if (call.repository() != null) {
          throw new RepositoryNotFoundException(call.repository(), status);
        }
        throw new GitHubException("not found (HTTP 404): GET " + uri.getRawPath(), status);
      }
      default -> throw new GitHubException("GET " + call.endpoint() + " failed with HTTP " + status + ": "
          + message, status);
    };
  }

  private <T> Outcome<T> rateLimited(Call call, int status, HttpHeaders headers, RateLimitStatus observed,
      String message) {
    if (observed != null && observed.remaining() == 0) {
      throw new RateLimitExceededException("primary rate limit of " + credential + " exhausted until "
          + observed.resetAt() + " (HTTP " + status + " from GET " + call.endpoint() + ")", status,
          observed.resetAt());
    }
    Duration retryAfter = retryAfter(headers);
    String lower = message.toLowerCase(Locale.ROOT);
    if (retryAfter != null || lower.contains("secondary rate limit") || lower.contains("abuse")) {
      Duration pause = secondaryLimit.trip(retryAfter);
      listener.onSecondaryLimit(credential, pause);
      if (pause.compareTo(SecondaryLimitGate.MAX_WAIT) > 0) {
        LOG.warn("secondary rate limit of {} (HTTP {} from GET {}) asks for a pause of {} s; longer than {} s: "
            + "deferring instead of waiting", credential, status, call.endpoint(), pause.toSeconds(),
            SecondaryLimitGate.MAX_WAIT.toSeconds());
        throw secondaryLimitTooLong(call);
      }
      LOG.warn("secondary rate limit of {} (HTTP {} from GET {}): pausing every request for {} s", credential,
          status, call.endpoint(), pause.toSeconds());
      return new Retry<>("secondary rate limit", status, null, true);
    }
    if (status == 429 || lower.contains("rate limit")) {
      Instant resetAt = observed != null ? observed.resetAt() : clock.instant().plus(DEFAULT_RESET_WAIT);
      throw new RateLimitExceededException("rate limit of " + credential + " exceeded (HTTP " + status
          + " from GET " + call.endpoint() + "): " + message, status, resetAt);
    }
    throw new GitHubException("GET " + call.endpoint() + " is forbidden (HTTP " + status + "): " + message, status);
  }

  private <T> T readBody(Call call, HttpHeaders headers, MeteredInputStream wire, BodyReader<T> reader)
      throws IOException {
    String contentType = headers.firstValue("Content-Type").orElse("");
    if (!contentType.toLowerCase(Locale.ROOT).contains("json")) {
      throw new GitHubException("GET " + call.endpoint() + " answered with unexpected Content-Type '"
          + contentType + "', expected application/json", 200);
    }
    MeteredInputStream limited = new MeteredInputStream(decoded(headers, wire), maxBodyBytes);
    try {
      return reader.read(limited);
    } catch (MeteredInputStream.BodyTooLargeException e) {
      throw new GitHubException("answer to GET " + call.endpoint() + " is too large: " + e.getMessage()
          + " (" + MAX_BODY_BYTES_PROPERTY + ")", 200, e);
    } catch (StreamConstraintsException e) {
      throw new GitHubException("answer to GET " + call.endpoint() + " exceeds the JSON limits: "
          + e.getOriginalMessage(), 200, e);
    }
  }

  /**
   * The body as its {@code Content-Encoding} says: gzip is inflated (every request asks for it), identity
   * passes; anything else is refused rather than read as text.
   */
  private static InputStream decoded(HttpHeaders headers, InputStream wire) throws IOException {
    String encoding = headers.firstValue("Content-Encoding").map(v -> v.trim().toLowerCase(Locale.ROOT))
        .orElse("identity");
    return switch (encoding) {
      case "gzip", "x-gzip" -> new GZIPInputStream(wire, 16 * 1024);
      case "identity", "" -> wire;
      default -> throw new IOException("unsupported Content-Encoding '" + abbreviate(encoding) + "'");
    };
  }

  /** GitHub's {@code message} from an (already decoded) error body, read up to a small limit; never the whole body. */
  private static String errorMessage(InputStream body) throws IOException {
    byte[] bytes;
    try {
      bytes = body.readNBytes(MAX_ERROR_BODY);
    } catch (ZipException e) {
      return "(unreadable error body: " + e.getMessage() + ")";
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    try (JsonParser p = new com.fasterxml.jackson.core.JsonFactory().createParser(bytes)) {
      if (p.nextToken() == JsonToken.START_OBJECT) {
        String[] message = new String[1];
        GitHubJson.forEachField(p, (name, value) -> {
          if (name.equals("message")) {
            message[0] = GitHubJson.stringOrNull(p, value);
          } else {
            p.skipChildren();
          }
        });
        if (message[0] != null) {
          return abbreviate(message[0]);
        }
      }
    } catch (IOException e) {
      // Not JSON: the raw text is the best description there is.
    }
    return abbreviate(text.strip());
  }

  private static String abbreviate(String text) {
    // control characters (a hostile body's newlines, escapes) would forge log lines: shown as '?'
    String shown = text.length() <= 200 ? text : text.substring(0, 200) + "...";
    return shown.replaceAll("\\p{Cntrl}", "?");
  }

  /** {@code Retry-After} in seconds or as an HTTP date; null if absent or unreadable. */
  private Duration retryAfter(HttpHeaders headers) {
    Optional<String> value = headers.firstValue("Retry-After").map(String::trim);
    if (value.isEmpty()) {
      return null;
    }
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(value.get())));
    } catch (NumberFormatException e) {
      try {
        Instant at = ZonedDateTime.parse(value.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration wait = Duration.between(clock.instant(), at);
        return wait.isNegative() ? Duration.ZERO : wait;
      } catch (DateTimeParseException ignored) {
        return null;
      }
    }
  }

  /** The core rate limit an answer reports, or null if it reports none (or another resource's). */
  private RateLimitStatus rateLimit(HttpHeaders headers) {
    OptionalLong remaining = number(headers, "X-RateLimit-Remaining");
    OptionalLong reset = number(headers, "X-RateLimit-Reset");
    if (remaining.isEmpty() || reset.isEmpty()) {
      return null;
    }
    String resource = headers.firstValue("X-RateLimit-Resource").orElse("core");
    if (!resource.equalsIgnoreCase("core")) {
      return null;
    }
    long limit = number(headers, "X-RateLimit-Limit").orElse(remaining.getAsLong()
        + number(headers, "X-RateLimit-Used").orElse(0));
    return new RateLimitStatus(credential, (int) Math.min(Integer.MAX_VALUE, limit),
        (int) Math.min(Integer.MAX_VALUE, remaining.getAsLong()), Instant.ofEpochSecond(reset.getAsLong()));
  }

  private static OptionalLong number(HttpHeaders headers, String name) {
    Optional<String> value = headers.firstValue(name);
    if (value.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(value.get().trim()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  private record DetailsKey(RepositoryId repository, int number) {
  }

  private record CachedDetails(String etag, PullRequestDetails details) {
  }
}
