package io.prmonitor.github;

import io.prmonitor.github.graphql.GraphQlTransport;
import io.prmonitor.github.http.Answer;
import io.prmonitor.github.http.Bodies;
import io.prmonitor.github.http.Call;
import io.prmonitor.github.http.GitHubConnection;
import io.prmonitor.github.http.LinkHeader;
import io.prmonitor.github.http.RequestExecutor;
import io.prmonitor.github.http.ResponseHeaders;
import io.prmonitor.github.json.GitHubJson;
import io.prmonitor.github.json.PullRequestListReader;
import io.prmonitor.github.json.RepositoryListReader;
import io.prmonitor.github.ratelimit.Backoff;
import io.prmonitor.github.ratelimit.RequestBudget;
import io.prmonitor.github.ratelimit.SecondaryLimitGate;
import io.prmonitor.github.ratelimit.Sleeper;
import io.prmonitor.github.ratelimit.Ticker;
import io.prmonitor.github.rest.EnrichmentTally;
import io.prmonitor.github.rest.PullRequestDetailsFetcher;
import io.prmonitor.github.rest.ResponseCache;
import io.prmonitor.github.rest.RestEnricher;
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
import io.prmonitor.spi.PageRequest;
import io.prmonitor.spi.PullRequestPage;
import io.prmonitor.spi.RateLimitExceededException;
import io.prmonitor.spi.RateLimitStatus;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryInfo;
import io.prmonitor.spi.RepositoryNotFoundException;
import io.prmonitor.spi.RepositorySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * <p>The façade reads the endpoints; the machinery lives in the sub-packages: {@code http} (the connection
 * every request shares, the REST request loop with its retries, limits and response classification, header
 * parsing), {@code graphql} (the GraphQL transport), {@code rest} (REST enrichment), {@code ratelimit},
 * {@code json} and {@code auth}. The file runs a little past 400 lines because each endpoint of the
 * {@link GitHubClient} SPI is here once, with its argument checks and Javadoc, and nothing else.
 *
 * <p>Plain {@code http://} is accepted only for loopback hosts. Secrets never appear in logs, messages,
 * {@code toString()} or listener arguments. Thread-safe; {@link #close()} is idempotent, after which
 * every call throws {@link IllegalStateException}.
 */
public final class HttpGitHubClient implements GitHubClient {

  /** Property naming the largest response body accepted after decompression, in bytes. */
  public static final String MAX_BODY_BYTES_PROPERTY = Bodies.MAX_BODY_BYTES_PROPERTY;
  /** Default largest response body: 64 MiB, 30 times a full page of GitHub's ~21 KB list items. */
  public static final long DEFAULT_MAX_BODY_BYTES = 64L * 1024 * 1024;
  /** Property naming the deepest JSON nesting accepted. */
  public static final String MAX_NESTING_DEPTH_PROPERTY = "github.maxNestingDepth";
  /** Property naming how many per-pull-request responses the cache keeps at most. */
  public static final String CACHE_MAXIMUM_SIZE_PROPERTY = "github.cacheMaximumSize";
  /** Default cache size, in entries (each a few hundred bytes). */
  public static final long DEFAULT_CACHE_MAXIMUM_SIZE = 10_000;

  static final String PULLS_ENDPOINT = "/repos/{owner}/{repo}/pulls";
  static final String ORG_REPOS_ENDPOINT = "/orgs/{org}/repos";
  static final String USER_REPOS_ENDPOINT = "/users/{user}/repos";
  static final String INSTALLATION_REPOS_ENDPOINT = "/installation/repositories";
  /** The most pages one discovery reads: 100,000 repositories. */
  static final int MAX_DISCOVERY_PAGES = 1_000;

  private static final Logger LOG = LoggerFactory.getLogger(HttpGitHubClient.class);

  private final String base;
  private final String credential;
  private final GitHubClientListener listener;
  private final GitHubConnection connection;
  private final RequestExecutor executor;
  private final GraphQlTransport graphql;
  private final RestEnricher rest;
  private final PullRequestListReader listReader;
  private final RepositoryListReader repositoryReader;
  private final PullRequestDetailsFetcher details;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Creates a client.
   *
   * @throws IllegalArgumentException if a property value is invalid, or an app private key cannot be read
   */
  public HttpGitHubClient(GitHubClientSettings settings) {
    this(settings, Ticker.SYSTEM, Sleeper.SYSTEM,
        Backoff.withJitter(settings.retryInitialDelay(), settings.retryBackoffFactor()));
  }

  HttpGitHubClient(GitHubClientSettings settings, Ticker ticker, Sleeper sleeper, Backoff backoff) {
    Objects.requireNonNull(settings, "null settings");
    if (settings.credentials() instanceof GitHubCredentials.Pool pool) {
      throw new IllegalArgumentException(
          "HttpGitHubClient sends with one credential; a pool (" + pool.label() + ") needs a PooledGitHubClient");
    }
    URI baseUrl = settings.baseUrl(); // GitHubClientSettings.requireBaseUrl checked it: http only to loopback
    this.credential = settings.credentials().label();
    this.listener = settings.listener();
    Map<String, String> properties = settings.properties();
    long maxBodyBytes = longProperty(properties, MAX_BODY_BYTES_PROPERTY, DEFAULT_MAX_BODY_BYTES, 1024);
    int maxNesting = (int) longProperty(properties, MAX_NESTING_DEPTH_PROPERTY,
        GitHubJson.DEFAULT_MAX_NESTING_DEPTH, 8);
    long cacheSize = longProperty(properties, CACHE_MAXIMUM_SIZE_PROPERTY, DEFAULT_CACHE_MAXIMUM_SIZE, 1);
    GitHubJson json = new GitHubJson(maxNesting);
    this.listReader = new PullRequestListReader(json);
    this.repositoryReader = new RepositoryListReader(json);
    this.connection = new GitHubConnection(settings, baseUrl, ticker, sleeper, backoff, maxBodyBytes, json);
    this.base = connection.base();
    this.executor = new RequestExecutor(connection);
    this.graphql = new GraphQlTransport(connection, json);
    // the per-pull-request response cache, shared by REST enrichment and pullRequestDetails
    ResponseCache cache = settings.enableCaching() ? new ResponseCache(settings, cacheSize, ticker) : null;
    this.rest = new RestEnricher(executor, base, settings, json, cache);
    this.details = new PullRequestDetailsFetcher(executor, base, listener, json, cache);
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
        : connection.sameOrigin(request.url());
    Answer<PullRequestListReader.Page> answer = executor.execute(
        new Call(PULLS_ENDPOINT, uri, request.ifNoneMatch(), repository, false), listReader::read);
    String etag = answer.etag();
    if (answer.status() == 304) {
      return PullRequestPage.notModified(etag != null ? etag : request.ifNoneMatch(), answer.requests());
    }
    LinkHeader links = ResponseHeaders.links(answer.headers(), answer.status(), uri);
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
    Set<URI> requested = new HashSet<>();
    while (uri != null) {
      if (!requested.add(uri) || requested.size() > MAX_DISCOVERY_PAGES) {
        throw new GitHubException("GET " + endpoint + " links back to a page already read, or goes on past "
            + MAX_DISCOVERY_PAGES + " pages, after page " + (requested.size() - 1) + "; stopped", 0);
      }
      DiscoveryPage known = pages.size() < previous.size() && previous.get(pages.size()).url().equals(uri)
          ? previous.get(pages.size()) : null;
      Answer<RepositoryListReader.Page> answer = executor.execute(
          new Call(endpoint, uri, known == null ? null : known.etag(), null, false), repositoryReader::read);
      DiscoveryPage page;
      if (answer.status() == 304 && known != null) {
        page = known;
      } else if (answer.value() == null) {
        throw new GitHubException("GET " + endpoint + " answered 304 to an unconditional request", 304);
      } else {
        unreadable += answer.value().unreadable();
        URI next = ResponseHeaders.links(answer.headers(), answer.status(), uri).next();
        page = new DiscoveryPage(uri, answer.etag(), answer.value().repositories(),
            next == null ? null : connection.sameOrigin(next));
      }
      pages.add(page);
      uri = page.next() == null ? null : connection.sameOrigin(page.next());
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
    return details.fetch(repository, number);
  }

  /**
   * Reads pull requests' enrichment. {@link EnrichmentMode#GRAPHQL}: through {@link GraphQlTransport} (batched
   * queries paced under the GraphQL budget, its points per minute and its share of server time, the batch
   * adapting to timeouts); what the GraphQL budget cannot pay is read through REST. {@link EnrichmentMode#REST}:
   * through {@link RestEnricher} (per pull request, conditional on the entity tags kept with the stored
   * enrichment); what the REST budget cannot pay above {@code restReserve} is deferred.
   *
   * @throws GitHubException if GraphQL answered an error for the repository, or a batch failed after the retries
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
    EnrichmentTally tally = new EnrichmentTally(restReserve);
    List<EnrichmentTarget> viaRest = mode == EnrichmentMode.REST ? targets
        : graphql.enrich(Map.of(repository, targets), tally, Map.of(repository, tally))
            .getOrDefault(repository, List.of());
    if (tally.failure() != null) {
      throw tally.failure(); // the only repository asked for failed: the call fails, as it always has
    }
    if (!viaRest.isEmpty()) {
      rest.enrich(repository, viaRest, tally);
    }
    return tally.result();
  }

  /**
   * Reads the enrichment of several repositories' pull requests: with {@link EnrichmentMode#GRAPHQL} their pull
   * requests share queries (a {@code repository} alias each; a checks-only query costs 1 point whatever it
   * holds, so the CI reads of a fleet cost one point per batch, not one per repository), batched, paced and
   * shrunk on timeouts as {@link #enrich(RepositoryId, List, EnrichmentMode, int)} does; what the GraphQL budget
   * cannot pay is read through REST, repository by repository. {@link EnrichmentMode#REST} reads each repository
   * on its own.
   *
   * <p>A GraphQL error for one repository (its {@code path} starts at the repository's alias, e.g. {@code
   * FORBIDDEN} under SAML enforcement or an IP allow list) defers that repository's pull requests, the reason
   * naming the error, and the other repositories of the query keep what they read. A batch that fails as a whole
   * defers its pull requests and those of every batch after it; what earlier batches read, and the queries and
   * points spent, are kept. Either way the next pass reads what was deferred.
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
    EnrichmentTally calls = new EnrichmentTally(restReserve);
    Map<RepositoryId, EnrichmentTally> tallies = new LinkedHashMap<>();
    targets.keySet().forEach(repository -> tallies.put(repository, new EnrichmentTally(restReserve)));
    Map<RepositoryId, List<EnrichmentTarget>> unpaid = graphql.enrich(targets, calls, tallies);
    Map<RepositoryId, EnrichmentResult> byRepository = new LinkedHashMap<>();
    tallies.forEach((repository, tally) -> {
      List<EnrichmentTarget> viaRest = unpaid.getOrDefault(repository, List.of());
      if (!viaRest.isEmpty()) {
        rest.enrich(repository, viaRest, tally);
      }
      byRepository.put(repository, tally.result());
    });
    EnrichmentResult totals = calls.result();
    return new CombinedEnrichmentResult(byRepository, totals.graphqlQueries(), totals.graphqlPoints());
  }

  /** The batch size GraphQL reads next: halved on a timeout, doubled back after a run of successes. */
  int graphqlBatchSize() {
    return graphql.batchSize();
  }

  @Override
  public List<RateLimitStatus> rateLimits() {
    return executor.rateLimits();
  }

  /** Feeds the statuses of this client's credential, as others observed them, into its budget. */
  @Override
  public void observeRateLimits(List<RateLimitStatus> statuses) {
    for (RateLimitStatus status : statuses) {
      if (status.credential().equals(credential)) {
        executor.observe(status);
      }
    }
  }

  /**
   * Requests this client's credential could still send before dipping into its reserve; see
   * {@link RequestBudget#available()}.
   */
  int availableBudget() {
    return executor.availableBudget();
  }

  /** The server time the pacer counts in its current window; zero with pacing off. For tests. */
  Duration pacedServerTime() {
    return connection.pacer() == null ? Duration.ZERO : connection.pacer().windowTime();
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    connection.close();
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

}
