package io.prmonitor.simulator;

import com.sun.net.httpserver.HttpServer;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.RepositoryId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A faithful, stateful GitHub REST API on loopback for tests, benchmarks and the demo: a deterministic world
 * of repositories and pull requests with GitHub's payloads, pagination, ETags, primary and secondary rate
 * limits, faults and latency, plus the ground truth a correct client must reproduce.
 *
 * <pre>{@code
 * try (GitHubSimulator sim = GitHubSimulator.builder().repositories(20).pullRequestsPerRepository(500)
 *     .seed(42).start()) {
 *   URI api = sim.baseUrl();                       // http://127.0.0.1:PORT
 *   RepositoryId repo = sim.repositories().get(0); // org-0/repo-0
 *   sim.editTitle(repo, 7, "new title");           // updated_at moves past every earlier one
 *   List<PullRequest> truth = sim.truth(repo);
 * }
 * }</pre>
 *
 * <p>Mutations stamp {@code updated_at} with the later of the clock's current second and one second after
 * the latest {@code updated_at} in the world (GitHub timestamps have second precision), so they are strictly
 * increasing. A mutation that changes nothing (adding a label already present, converting a draft to draft)
 * is a no-op and leaves {@code updated_at} alone. Illegal transitions throw {@link IllegalStateException}.
 *
 * <p>Each API request passes, in order: authentication (401, free), secondary limits (concurrency, summed
 * server time, burst faults: 403 with {@code Retry-After}, free), the primary budget (exhausted: 403 or 429 with
 * {@code X-RateLimit-Remaining: 0}, even for a request that would have been a 304), the conditional check (304,
 * free), the charge, faults, latency. See the module's README for the control API and gzip modes.
 *
 * <p>Thread-safe: mutations, truth and stats may be called from any thread while requests are served.
 * {@link #close()} is idempotent.
 *
 * <p>This class is the simulator's whole public surface and nothing else, which is why it is long: each method is
 * its Javadoc and a delegation (mutations to {@link PullRequestMutations}, serving to {@link ApiHandler}, state to
 * {@link World}), and the {@link Builder} stays nested so that {@code GitHubSimulator.Builder} keeps compiling.
 */
public final class GitHubSimulator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GitHubSimulator.class);

  static {
    // the JDK server's Nagle + delayed ACK would add ~40 ms to every small response such as a 304
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  /** The validated configuration of a simulator. */
  record Settings(int repositories, int pullsPerRepository, long seed, List<String> tokens, int budget,
      Latency latency, Duration serverTimeBudget, Duration serverTimeWindow, int maxConcurrentPerToken,
      Clock clock, int port, boolean repositoryIdLinks, int primaryLimitStatus, Duration secondaryRetryAfter,
      long pageCacheBytes, Long appId, PublicKey appKey, Long installationId, GzipMode gzipMode,
      long precompressedPageBytes, Content content, EnrichmentSettings enrichment) {}

  /** The settings of what the list does not show (issue 17): the world's open share, mergeability, GraphQL. */
  record EnrichmentSettings(int openPercent, Duration mergeableDelay, int graphqlBudget, int graphqlPointsPerMinute,
      Duration graphqlTimePerPullRequest, Duration graphqlTimeout) {}

  private final Settings settings;
  private final HttpServer server;
  private final ExecutorService executor;
  private final World world;
  private final ApiHandler api;
  private final RateLimits rateLimits;
  private final Faults faults;
  private final PageCache cache;
  private final PrecompressedPages precompressed;
  private final RequestStats stats = new RequestStats();
  private final GraphQlEndpoint graphql;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicBoolean isClosed = new AtomicBoolean();
  private final URI baseUrl;
  private final WebhookSender webhooks;
  private final PullRequestMutations mutations;

  private GitHubSimulator(Settings settings) throws IOException {
    this.settings = settings;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.port()), 1024);
    this.baseUrl = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    this.cache = new PageCache(settings.pageCacheBytes());
    this.precompressed = new PrecompressedPages(
        settings.gzipMode() == GzipMode.CACHED_DEFLATE ? settings.precompressedPageBytes() : 0);
    this.world = new World(settings.clock(), settings.seed(), new Templates(baseUrl.toString()),
        repo -> cache.invalidate(repo.index));
    world.content(settings.content());
    world.openPercent = settings.enrichment().openPercent();
    world.mergeableDelay = settings.enrichment().mergeableDelay();
    world.generate(settings.repositories(), settings.pullsPerRepository());
    this.webhooks = new WebhookSender(world);
    world.mutationListener = webhooks::mutated;
    this.mutations = new PullRequestMutations(world);
    if (settings.gzipMode() == GzipMode.CACHED_DEFLATE) {
      WorldPrecompressor.prewarm(world, precompressed);
    }
    this.faults = new Faults(settings.seed());
    this.rateLimits = new RateLimits(settings.clock(), settings.budget(), settings.serverTimeBudget(),
        settings.serverTimeWindow(), settings.maxConcurrentPerToken(), System::nanoTime);
    AppTokens appTokens = settings.appId() == null ? null
        : new AppTokens(settings.appId(), settings.appKey(), settings.installationId(), settings.clock());
    this.api = new ApiHandler(settings, world, rateLimits, faults, cache, precompressed, stats, appTokens, closed,
        baseUrl.toString());
    this.executor = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(executor);
    server.createContext("/", api);
    this.graphql = new GraphQlEndpoint(settings, world, api::authorizedToken, closed);
    server.createContext("/graphql", graphql);
    server.createContext("/_sim", new ControlHandler(this));
    server.start();
    LOG.info("GitHub simulator serving {} repositories x {} pull requests at {}", settings.repositories(),
        settings.pullsPerRepository(), baseUrl);
  }

  /** Returns a builder with the defaults documented on each of its methods. */
  public static Builder builder() {
    return new Builder();
  }

  /** The API root, {@code http://127.0.0.1:PORT}, without a trailing slash. */
  public URI baseUrl() {
    return baseUrl;
  }

  /** The repositories, in generation order, with their current names. */
  public List<RepositoryId> repositories() {
    return world.repositoryIds();
  }

  /**
   * The ground truth of one repository: every pull request (open, closed and merged) as a correct client
   * would extract it from the list payload, sorted by number. A repository's former name is accepted.
   *
   * @throws IllegalArgumentException for an unknown repository
   */
  public List<PullRequest> truth(RepositoryId repository) {
    return world.truth(repository);
  }

  // ---------------------------------------------------------------- mutations

  /** Opens a new pull request and returns its number. */
  public int openPullRequest(RepositoryId repository) {
    return world.open(repository);
  }

  /**
   * Serves a pull request with this {@code updated_at}, as a server whose clock glitched would (year 9999,
   * say), changing nothing else; the next mutation of it stamps the simulator's clock again.
   */
  public void stampUpdatedAt(RepositoryId repository, int number, Instant updatedAt) {
    Objects.requireNonNull(updatedAt, "null updatedAt");
    world.stamp(repository, number, updatedAt);
  }

  /** Changes the title. */
  public void editTitle(RepositoryId repository, int number, String title) {
    mutations.editTitle(repository, number, title);
  }

  /** Changes the body; null removes it. */
  public void editBody(RepositoryId repository, int number, String body) {
    mutations.editBody(repository, number, body);
  }

  /** Changes the base branch. */
  public void changeBase(RepositoryId repository, int number, String baseRef) {
    mutations.changeBase(repository, number, baseRef);
  }

  /** Pushes commits to the head branch: a new head SHA and more commits, additions and deletions. */
  public void pushCommits(RepositoryId repository, int number) {
    mutations.pushCommits(repository, number);
  }

  /** Adds a label (created in the repository if new, with a null description). */
  public void addLabel(RepositoryId repository, int number, String label) {
    mutations.addLabel(repository, number, label);
  }

  /** Removes a label. */
  public void removeLabel(RepositoryId repository, int number, String label) {
    mutations.removeLabel(repository, number, label);
  }

  /** Converts an open pull request to a draft. */
  public void convertToDraft(RepositoryId repository, int number) {
    mutations.convertToDraft(repository, number);
  }

  /** Marks a draft ready for review. */
  public void markReadyForReview(RepositoryId repository, int number) {
    mutations.markReadyForReview(repository, number);
  }

  /** Requests a review from a user. */
  public void requestReview(RepositoryId repository, int number, String login) {
    mutations.requestReview(repository, number, login);
  }

  /** Removes a user's review request. */
  public void removeReviewRequest(RepositoryId repository, int number, String login) {
    mutations.removeReviewRequest(repository, number, login);
  }

  /** Requests a review from a team, which appears among {@code requested_teams} by its slug. */
  public void requestTeamReview(RepositoryId repository, int number, String teamSlug) {
    mutations.requestTeamReview(repository, number, teamSlug);
  }

  /** Removes a team's review request. */
  public void removeTeamReviewRequest(RepositoryId repository, int number, String teamSlug) {
    mutations.removeTeamReviewRequest(repository, number, teamSlug);
  }

  /** Assigns a user. */
  public void assign(RepositoryId repository, int number, String login) {
    mutations.assign(repository, number, login);
  }

  /** Unassigns a user. */
  public void unassign(RepositoryId repository, int number, String login) {
    mutations.unassign(repository, number, login);
  }

  /**
   * Closes an open pull request without merging.
   *
   * @throws IllegalStateException if it is not open
   */
  public void close(RepositoryId repository, int number) {
    mutations.close(repository, number);
  }

  /**
   * Merges an open pull request that is not a draft (GitHub refuses to merge drafts).
   *
   * @throws IllegalStateException if it is closed, merged or a draft
   */
  public void merge(RepositoryId repository, int number) {
    mutations.merge(repository, number);
  }

  /**
   * Reopens a closed (not merged) pull request.
   *
   * @throws IllegalStateException if it is open or merged
   */
  public void reopen(RepositoryId repository, int number) {
    mutations.reopen(repository, number);
  }

  /**
   * Submits a review by {@code login} (not {@link io.prmonitor.spi.ReviewState#DISMISSED}); as on GitHub
   * it bumps {@code updated_at} and removes the reviewer from the requested reviewers.
   */
  public void submitReview(RepositoryId repository, int number, String login, io.prmonitor.spi.ReviewState state) {
    mutations.submitReview(repository, number, login, state);
  }

  /**
   * Dismisses the latest approving or changes-requesting review of {@code login}; bumps {@code updated_at}.
   *
   * @throws IllegalArgumentException if that reviewer has no such review
   */
  public void dismissReview(RepositoryId repository, int number, String login) {
    mutations.dismissReview(repository, number, login);
  }

  /** Adds a conversation comment; bumps {@code updated_at}. */
  public void addComment(RepositoryId repository, int number) {
    mutations.addComment(repository, number);
  }

  /**
   * Creates or updates the check run {@code name} on the head commit: status {@code queued},
   * {@code in_progress} or {@code completed}, with a conclusion ({@code success}, {@code failure},
   * {@code neutral}, {@code cancelled}, {@code skipped}, {@code timed_out}, {@code action_required}) when
   * completed. As on GitHub, {@code updated_at} and the list stay as they are.
   */
  public void setCheckRun(RepositoryId repository, int number, String name, String status, String conclusion) {
    mutations.setCheckRun(repository, number, name, status, conclusion);
  }

  /**
   * Sets the commit status {@code context} on the head commit to {@code pending}, {@code success},
   * {@code failure} or {@code error}. As on GitHub, {@code updated_at} and the list stay as they are.
   */
  public void setCommitStatus(RepositoryId repository, int number, String context, String state) {
    mutations.setCommitStatus(repository, number, context, state);
  }

  /** Makes the head conflict with the base or not; {@code updated_at} stays, mergeability reads the new value. */
  public void setConflicting(RepositoryId repository, int number, boolean conflicting) {
    mutations.setConflicting(repository, number, conflicting);
  }

  /**
   * What a correct client ends up holding of each pull request's enrichment once mergeability is computed,
   * keyed by number (revision 0; for a closed pull request, the mergeability it had while open).
   */
  public Map<Integer, PullRequestEnrichment> enrichmentTruth(RepositoryId repository) {
    return world.enrichmentTruth(repository);
  }

  /** What the GraphQL endpoint has served since start or the last {@link #resetStats()}. */
  public GraphQlStats graphqlStats() {
    return graphql.stats();
  }

  /**
   * Arms a one-shot action that runs right after page {@code page} of the repository's pull list (any
   * state, sort or page size) is next served with a {@code 200}: after the page's content is fixed and
   * before any later request is answered. Several actions armed for the same page run in arming order.
   */
  public void afterPage(RepositoryId repository, int page, Runnable action) {
    Objects.requireNonNull(action, "null action");
    if (page < 1) {
      throw new IllegalArgumentException("page must be positive: " + page);
    }
    api.arm(new PullListRoute.HookKey(world.indexOf(repository), page), action);
  }

  /**
   * Renames a repository within its owner; requests to the old name answer {@code 301} with a
   * {@code Location} under the new one. Pull requests are not touched.
   */
  public void renameRepository(RepositoryId repository, String newName) {
    world.rename(repository, newName);
  }

  /**
   * Serves this pull request's list item broken in the given way until {@link #repairPullRequest}; the rest of
   * its page stays valid. Its data, {@code updated_at} and {@link #truth} are unchanged (a client should skip
   * and report it); page ETags change.
   */
  public void corruptPullRequest(RepositoryId repository, int number, Corruption corruption) {
    world.corrupt(repository, number, Objects.requireNonNull(corruption, "null corruption"));
  }

  /** Serves the pull request's list item intact again. */
  public void repairPullRequest(RepositoryId repository, int number) {
    world.corrupt(repository, number, null);
  }

  /** Marks a repository archived or not, as reported in its repository object. */
  public void setArchived(RepositoryId repository, boolean archived) {
    world.setRepositoryFlags(repository, archived, null);
  }

  /** Marks a repository a fork or not, as reported in its repository object. */
  public void setFork(RepositoryId repository, boolean fork) {
    world.setRepositoryFlags(repository, null, fork);
  }

  // ---------------------------------------------------------------- stats, faults, limits

  /**
   * The simulator's webhook: {@code webhooks().register(url, secret)} sends every later pull request change
   * there as a signed GitHub delivery; its knobs drop, duplicate, delay and reorder a fraction of them.
   */
  public WebhookSender webhooks() {
    return webhooks;
  }

  /** A snapshot of what has been served since start or the last {@link #resetStats()}. */
  public SimulatorStats stats() {
    return stats.snapshot();
  }

  /** Zeroes the statistics. */
  public void resetStats() {
    stats.reset();
    graphql.resetStats();
  }

  /** The live fault configuration; changes apply to the next request. */
  public Faults faults() {
    return faults;
  }

  /** Sets a token's remaining primary budget in the current window (for deferral tests). */
  public void setRemaining(String token, int remaining) {
    Objects.requireNonNull(token, "null token");
    if (remaining < 0) {
      throw new IllegalArgumentException("remaining cannot be negative: " + remaining);
    }
    rateLimits.setRemaining(token, remaining);
  }

  /**
   * Drops every cached serialized page (for measuring serialization speed). The pages precompressed at
   * start-up in {@link GzipMode#CACHED_DEFLATE} stay.
   */
  public void clearPageCache() {
    cache.clear();
  }

  /**
   * Holds every API request from now on unanswered (after its token was checked, before anything is
   * counted against it) until {@link #releaseRequests()}: a test starting several clients lets them be
   * answered only once each has sent a request ({@link #awaitHeldTokens}), so that none finishes work
   * before the others started theirs.
   */
  public void holdRequests() {
    api.gate.close();
  }

  /**
   * Waits until requests of at least {@code tokens} distinct tokens are held by {@link #holdRequests()}.
   *
   * @return false if that did not happen within {@code timeout}
   */
  public boolean awaitHeldTokens(int tokens, Duration timeout) throws InterruptedException {
    return api.gate.awaitWaiting(tokens, timeout);
  }

  /** Answers the requests {@link #holdRequests()} held, and every later one at once. */
  public void releaseRequests() {
    api.gate.open();
  }

  /** Stops the server and releases stalled requests. Idempotent. */
  @Override
  public void close() {
    if (isClosed.getAndSet(true)) {
      return;
    }
    webhooks.close();
    // stop accepting first, so a client's automatic retry of a dropped stalled request finds no server
    server.stop(0);
    api.gate.open();
    closed.countDown();
    executor.shutdownNow();
    LOG.info("GitHub simulator at {} stopped", baseUrl);
  }

  Settings settings() {
    return settings;
  }

  World world() {
    return world;
  }

  /**
   * Configures and starts a {@link GitHubSimulator}. Not thread-safe; each option validates its value at
   * once and throws {@link IllegalArgumentException} naming it.
   */
  public static final class Builder {
    private int repositories = 10;
    private int pullsPerRepository = 100;
    private long seed = 42L;
    private final List<String> tokens = new ArrayList<>();
    private int budget = 5_000;
    private Latency latency = Latency.none();
    private Duration serverTimeBudget;
    private Duration serverTimeWindow;
    private int maxConcurrent = 100;
    private Clock clock = Clock.systemUTC();
    private int port;
    private boolean repositoryIdLinks;
    private int primaryLimitStatus = 403;
    private Duration secondaryRetryAfter = Duration.ofSeconds(60);
    private long pageCacheBytes = 64L * 1024 * 1024;
    private Long appId;
    private PublicKey appKey;
    private Long installationId;
    private GzipMode gzipMode = GzipMode.SPLICED;
    private long precompressedPageBytes = 512L * 1024 * 1024;
    private Content content = Content.ORDINARY;
    private int openPercent = 35;
    private Duration mergeableDelay = Duration.ZERO;
    private int graphqlBudget = 5_000;
    private int graphqlPointsPerMinute = 2_000;
    private Duration graphqlTimePerPullRequest = Duration.ZERO;
    private Duration graphqlTimeout = Duration.ofSeconds(10);

    private Builder() {}

    /** What the generated pull requests hold (long titles, hostile values, long bodies); default ordinary. */
    public Builder content(Content content) {
      this.content = Objects.requireNonNull(content, "null content");
      return this;
    }

    /** How gzip bodies are built for clients sending {@code Accept-Encoding: gzip}; default {@link GzipMode#SPLICED}. */
    public Builder gzipMode(GzipMode mode) {
      this.gzipMode = Objects.requireNonNull(mode, "null mode");
      return this;
    }

    /**
     * In {@link GzipMode#CACHED_DEFLATE}, the bound on the gzip bytes of the list pages compressed whole at
     * start-up; pages past it are spliced from their items. A page of 100 pull requests takes ~200 KB, so a
     * 100 x 1,000 world takes ~200 MB. 0 compresses no page whole; default 512 MiB. Ignored in other modes.
     */
    public Builder precompressedPageBytes(long bytes) {
      this.precompressedPageBytes = notNegative(bytes, "precompressedPageBytes");
      return this;
    }

    /** Number of generated repositories, named {@code org-<i % 4>/repo-<i>}; default 10. */
    public Builder repositories(int count) {
      this.repositories = notNegative(count, "repositories");
      return this;
    }

    /** Pull requests generated per repository, numbered from 1; default 100. */
    public Builder pullRequestsPerRepository(int count) {
      this.pullsPerRepository = inRange(count, 0, 1_000_000, "pullRequestsPerRepository");
      return this;
    }

    /** Seed of the generated world and of fault and jitter draws; default 42. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Accepted tokens; with none (the default) any token, and no token, is accepted. */
    public Builder tokens(String... tokens) {
      for (String token : tokens) {
        PullRequestMutations.requireText(token, "token");
        this.tokens.add(token);
      }
      return this;
    }

    /** Primary budget per token per hour; {@code 304}s are free; default 5,000. */
    public Builder requestBudgetPerHour(int budget) {
      this.budget = notNegative(budget, "requestBudgetPerHour");
      return this;
    }

    /** Response latency; default {@link Latency#none()}. */
    public Builder latency(Latency latency) {
      this.latency = Objects.requireNonNull(latency, "null latency");
      return this;
    }

    /**
     * Secondary limit on summed response time per token: more than {@code budget} within any sliding
     * {@code window} of real time answers 403 with {@code Retry-After} (GitHub: 90 s per 60 s). Off by default.
     */
    public Builder serverTimeBudget(Duration budget, Duration window) {
      Objects.requireNonNull(budget, "null budget");
      Objects.requireNonNull(window, "null window");
      if (budget.isNegative() || budget.isZero() || window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException("serverTimeBudget needs positive durations: budget=" + budget
            + ", window=" + window);
      }
      this.serverTimeBudget = budget;
      this.serverTimeWindow = window;
      return this;
    }

    /** Secondary limit on requests in flight per token (GitHub: 100); 0 disables; default 100. */
    public Builder maxConcurrentRequestsPerToken(int max) {
      this.maxConcurrent = notNegative(max, "maxConcurrentRequestsPerToken");
      return this;
    }

    /** Clock for timestamps, rate-limit windows and token expiry; default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "null clock");
      return this;
    }

    /** Port on 127.0.0.1; 0 (the default) picks a free one. */
    public Builder port(int port) {
      this.port = inRange(port, 0, 65_535, "port");
      return this;
    }

    /** Whether {@code Link} URLs use {@code /repositories/{id}/pulls}, as GitHub sometimes does; default false. */
    public Builder repositoryIdLinks(boolean enabled) {
      this.repositoryIdLinks = enabled;
      return this;
    }

    /** Status for an exhausted primary budget: 403 (default, as GitHub usually answers) or 429. */
    public Builder primaryLimitStatus(int status) {
      if (status != 403 && status != 429) {
        throw new IllegalArgumentException("primaryLimitStatus must be 403 or 429: " + status);
      }
      this.primaryLimitStatus = status;
      return this;
    }

    /** {@code Retry-After} of concurrency and burst secondary limits; default 60 s, as GitHub advises. */
    public Builder secondaryRetryAfter(Duration retryAfter) {
      this.secondaryRetryAfter = notNegative(Objects.requireNonNull(retryAfter, "null retryAfter"),
          "secondaryRetryAfter");
      return this;
    }

    /** Bytes of serialized pages kept for reuse; 0 disables the cache; default 64 MiB. */
    public Builder pageCacheBytes(long bytes) {
      this.pageCacheBytes = notNegative(bytes, "pageCacheBytes");
      return this;
    }

    /**
     * Enables GitHub App authentication: {@code POST /app/installations/{installationId}/access_tokens}
     * verifies an RS256 JWT issued by {@code appId} against {@code key} and returns an installation token,
     * accepted for an hour by the clock.
     */
    public Builder githubApp(long appId, PublicKey key, long installationId) {
      this.appId = appId;
      this.appKey = Objects.requireNonNull(key, "null key");
      this.installationId = installationId;
      return this;
    }

    /** Share of generated pull requests that are open, in percent, drafts among them; default 35. */
    public Builder openPullRequestPercent(int percent) {
      this.openPercent = inRange(percent, 0, 100, "openPullRequestPercent");
      return this;
    }

    /**
     * How long mergeability stays unknown ({@code null} in REST, {@code UNKNOWN} in GraphQL) after a push, by
     * the clock; default 0 (known at once).
     */
    public Builder mergeableDelay(Duration delay) {
      this.mergeableDelay = notNegative(Objects.requireNonNull(delay, "null delay"), "mergeableDelay");
      return this;
    }

    /** GraphQL points per token per hour (GitHub: 5,000); default 5,000. */
    public Builder graphqlBudgetPerHour(int points) {
      this.graphqlBudget = notNegative(points, "graphqlBudgetPerHour");
      return this;
    }

    /**
     * GraphQL secondary points per token per minute: a query costs 1, a mutation 5 (GitHub: 2,000); 0
     * disables; default 2,000.
     */
    public Builder graphqlPointsPerMinute(int points) {
      this.graphqlPointsPerMinute = notNegative(points, "graphqlPointsPerMinute");
      return this;
    }

    /**
     * The GraphQL server-time estimate: each pull request a query reads costs {@code perPullRequest}; a
     * query estimated past {@code timeout} is answered {@code 502} after {@code timeout} and charged its
     * points, as GitHub does after 10 s. Default: no estimate (0 per pull request), timeout 10 s.
     */
    public Builder graphqlServerTime(Duration perPullRequest, Duration timeout) {
      Objects.requireNonNull(perPullRequest, "null perPullRequest");
      Objects.requireNonNull(timeout, "null timeout");
      if (perPullRequest.isNegative() || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("graphqlServerTime needs perPullRequest >= 0 and timeout > 0: "
            + perPullRequest + ", " + timeout);
      }
      this.graphqlTimePerPullRequest = perPullRequest;
      this.graphqlTimeout = timeout;
      return this;
    }

    /**
     * Generates the world, binds 127.0.0.1 and starts serving.
     *
     * @throws UncheckedIOException if the port cannot be bound
     */
    public GitHubSimulator start() {
      Settings settings = new Settings(repositories, pullsPerRepository, seed, List.copyOf(tokens), budget,
          latency, serverTimeBudget, serverTimeWindow, maxConcurrent, clock, port, repositoryIdLinks,
          primaryLimitStatus, secondaryRetryAfter, pageCacheBytes, appId, appKey, installationId, gzipMode,
          precompressedPageBytes, content, new EnrichmentSettings(openPercent, mergeableDelay, graphqlBudget,
          graphqlPointsPerMinute, graphqlTimePerPullRequest, graphqlTimeout));
      try {
        return new GitHubSimulator(settings);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot bind 127.0.0.1:" + port, e);
      }
    }

    private static int notNegative(int value, String name) {
      return (int) notNegative((long) value, name);
    }

    private static long notNegative(long value, String name) {
      if (value < 0) {
        throw new IllegalArgumentException(name + " cannot be negative: " + value);
      }
      return value;
    }

    private static Duration notNegative(Duration value, String name) {
      if (value.isNegative()) {
        throw new IllegalArgumentException(name + " cannot be negative: " + value);
      }
      return value;
    }

    private static int inRange(int value, int min, int max, String name) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "]: " + value);
      }
      return value;
    }
  }
}
