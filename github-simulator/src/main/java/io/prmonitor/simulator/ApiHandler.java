package io.prmonitor.simulator;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the simulated GitHub REST API: routing, authentication, primary and secondary rate limits,
 * conditional requests, pagination, faults and latency, in the order GitHub applies them. Thread-safe; one
 * instance serves every request.
 */
final class ApiHandler implements HttpHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
  private static final String DOCS = "https://docs.github.com/rest";
  private static final int DEFAULT_PER_PAGE = 30;
  static final int MAX_PER_PAGE = 100;

  /** A one-shot action armed to run after a page of a repository's pull list is served. */
  record HookKey(int repository, int page) {}

  /** A response under construction. */
  private static final class Reply {
    int status;
    /** The body is {@code body[0, length)}; a pooled sink may back it. */
    byte[] body;
    int length;
    ByteSink sink;
    /** A gzip body built with the page (cached-deflate mode), from the pool. */
    ByteSink gzipSink;
    /** The page's whole gzip body compressed at start-up (cached-deflate mode); then {@code body} is null. */
    PrecompressedPages.Page precompressed;
    PageCache.Entry cached;
    String cacheKey;
    String etag;
    String link;
    String location;
    String retryAfter;
    String contentType = "application/json; charset=utf-8";
    Runnable afterServed;

    Reply(int status, byte[] body) {
      this.status = status;
      this.body = body;
      this.length = body == null ? 0 : body.length;
    }
  }

  /** What a route needs to know about the request. */
  private record Request(HttpExchange exchange, String method, String[] segments, List<String[]> query,
      String rawPath, String token, String template, boolean[] recorded) {
    String param(String name) {
      for (String[] pair : query) {
        if (pair[0].equals(name)) {
          return pair[1];
        }
      }
      return null;
    }

    String ifNoneMatch() {
      return exchange.getRequestHeaders().getFirst("If-None-Match");
    }
  }

  private final GitHubSimulator.Settings settings;
  private final World world;
  private final Payloads payloads;
  private final RateLimits rateLimits;
  private final Faults faults;
  private final PageCache cache;
  private final PrecompressedPages precompressed;
  private final RequestStats stats;
  private final AppTokens appTokens;
  private final Set<String> tokens;
  private final Map<HookKey, Runnable> hooks = new ConcurrentHashMap<>();
  final RequestGate gate = new RequestGate();
  private final CountDownLatch closed;
  private final String baseUrl;
  private final SplittableRandom jitter;
  private final SplicedGzip splicedGzip = new SplicedGzip();
  private final java.util.concurrent.atomic.AtomicLong requestIds = new java.util.concurrent.atomic.AtomicLong(
      0x1A2B_0000_0000L);
  /** Page buffers reused across requests: pages are ~2 MB, and allocating each afresh churns the heap. */
  private final java.util.concurrent.ArrayBlockingQueue<ByteSink> sinks =
      new java.util.concurrent.ArrayBlockingQueue<>(16);
  private static final int SINK_KEEP_LIMIT = 8 * 1024 * 1024;
  private static final int WRITE_CHUNK = 256 * 1024;

  ApiHandler(GitHubSimulator.Settings settings, World world, RateLimits rateLimits, Faults faults,
      PageCache cache, PrecompressedPages precompressed, RequestStats stats, AppTokens appTokens,
      CountDownLatch closed, String baseUrl) {
    this.settings = settings;
    this.world = world;
    this.payloads = new Payloads(world);
    this.rateLimits = rateLimits;
    this.faults = faults;
    this.cache = cache;
    this.precompressed = precompressed;
    this.stats = stats;
    this.appTokens = appTokens;
    this.tokens = Set.copyOf(settings.tokens());
    this.closed = closed;
    this.baseUrl = baseUrl;
    this.jitter = new SplittableRandom(settings.seed() ^ 0x5DEECE66DL);
  }

  void arm(HookKey key, Runnable action) {
    hooks.merge(key, action, (a, b) -> () -> {
      a.run();
      b.run();
    });
  }

  // ---------------------------------------------------------------- request flow

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    long started = System.nanoTime();
    URI uri = exchange.getRequestURI();
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    String rawPath = uri.getRawPath();
    String rawQuery = uri.getRawQuery();
    stats.started(method + " " + rawPath + (rawQuery == null ? "" : "?" + rawQuery));
    String[] segments = segments(rawPath);
    String template = method + " " + template(segments);
    int status = 0;
    String key = "";
    boolean entered = false;
    Reply pending = null;
    boolean[] recorded = {false};
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      String token = token(exchange.getRequestHeaders().getFirst("Authorization"));
      key = token == null ? "" : token;
      boolean appExchange = template.equals("POST /app/installations/{installation_id}/access_tokens");
      Request request = new Request(exchange, method, segments, query(rawQuery), rawPath, token, template, recorded);
      if (!appExchange && !authorized(token)) {
        status = send(request, error(401, "Bad credentials"), null, false);
        return;
      }
      try {
        gate.pass(key);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      entered = true;
      boolean overConcurrency = rateLimits.enter(key);
      boolean free = template.equals("GET /rate_limit");
      Fault fault = free || appExchange ? null : faults.next();
      long serverTimeWait = rateLimits.serverTimeRetryAfterSeconds(key);
      if (fault == Fault.SECONDARY_LIMIT || overConcurrency || serverTimeWait > 0) {
        stats.secondaryLimited();
        Reply reply = error(403, "You have exceeded a secondary rate limit. Please wait a few minutes before you"
            + " try again. If you reach out to GitHub Support for help, please include the request ID "
            + requestId() + ".", "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
            + "#about-secondary-rate-limits");
        // the server-time limit knows when its window frees; the others advise GitHub's generic wait
        long retryAfter = fault == Fault.SECONDARY_LIMIT || overConcurrency
            ? Math.max(serverTimeWait, settings.secondaryRetryAfter().toSeconds()) : serverTimeWait;
        reply.retryAfter = Long.toString(retryAfter);
        status = send(request, reply, null, true);
        return;
      }
      if (!free && !appExchange && rateLimits.exhausted(key)) {
        status = primaryLimited(request);
        return;
      }
      Reply reply = route(request, fault == null);
      if (reply.etag != null && Etag.matches(request.ifNoneMatch(), reply.etag) && reply.status == 200) {
        stats.notModified();
        Reply notModified = new Reply(304, null);
        notModified.etag = reply.etag;
        notModified.link = null;
        status = send(request, notModified, null, !appExchange);
        return;
      }
      pending = reply;
      if (!free && !appExchange) {
        if (!rateLimits.tryCharge(key)) {
          status = primaryLimited(request);
          return;
        }
        stats.charged();
      }
      if (fault == Fault.CONNECTION_RESET) {
        // closing the exchange before any response drops the connection: the client sees a reset or EOF
        status = 0;
        return;
      }
      if (fault == Fault.SERVER_ERROR || fault == Fault.BAD_GATEWAY || fault == Fault.SERVICE_UNAVAILABLE) {
        reply = serverError(fault);
      } else if (fault == Fault.UNEXPECTED_CONTENT_TYPE) {
        reply = new Reply(200, ByteSink.utf8("<!DOCTYPE html><html><head><title>Sign in to the network</title>"
            + "</head><body><form action=\"/login\"><input name=\"user\"></form></body></html>"));
        reply.contentType = "text/html; charset=utf-8";
      } else if (fault == Fault.DEEPLY_NESTED_JSON) {
        reply = new Reply(200, deeplyNested());
      }
      status = send(request, reply, fault, !appExchange);
    } catch (IOException e) {
      // the client went away (timed out on a stall, or gave up); nothing to answer
      LOG.debug("client connection lost during {}: {}", template, e.toString());
    } catch (RuntimeException e) {
      LOG.warn("simulator failed to answer {} {}", method, rawPath, e);
      throw e;
    } finally {
      if (pending != null && pending.sink != null) {
        release(pending.sink);
      }
      if (pending != null && pending.gzipSink != null) {
        release(pending.gzipSink);
      }
      long serverNanos = System.nanoTime() - started;
      if (entered) {
        rateLimits.exit(key, serverNanos);
      }
      stats.serverTime(serverNanos);
      if (!recorded[0]) {
        stats.finished(template, status);
      }
    }
  }

  /**
   * Records the outcome before the response leaves, so a client that has its answer sees it in the stats.
   */
  private void record(Request request, int status, long bytes) {
    stats.sent(bytes);
    if (!request.recorded()[0]) {
      request.recorded()[0] = true;
      stats.finished(request.template(), status);
    }
  }

  /** Whether a request with this token (null: none) is let in, as for the REST API. */
  boolean authorizedToken(String token) {
    return authorized(token);
  }

  private boolean authorized(String token) {
    if (tokens.isEmpty() && appTokens == null) {
      return true;
    }
    return token != null && (tokens.contains(token) || (appTokens != null && appTokens.accepts(token)));
  }

  private int primaryLimited(Request request) throws IOException {
    stats.primaryLimited();
    Reply reply = error(settings.primaryLimitStatus(), "API rate limit exceeded for user ID "
        + Math.abs(String.valueOf(request.token()).hashCode() % 100_000_000) + ". If you reach out to GitHub"
        + " Support for help, please include the request ID " + requestId() + " and timestamp "
        + ByteSink.timestamp(settings.clock().instant()) + " UTC.",
        "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api");
    return send(request, reply, null, true);
  }

  // ---------------------------------------------------------------- routing

  private static String[] segments(String rawPath) {
    String[] raw = Arrays.stream(rawPath.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
    for (int i = 0; i < raw.length; i++) {
      raw[i] = URLDecoder.decode(raw[i].replace("+", "%2B"), StandardCharsets.UTF_8);
    }
    return raw;
  }

  /** The route template of a path, for stats; GitHub's parameter names. */
  static String template(String[] s) {
    if (s.length == 1 && s[0].equals("rate_limit")) {
      return "/rate_limit";
    }
    if (s.length >= 3 && s[0].equals("repos")) {
      return "/repos/{owner}/{repo}" + repoTemplate(s, 3);
    }
    if (s.length >= 2 && s[0].equals("repositories")) {
      return "/repositories/{repository_id}" + repoTemplate(s, 2);
    }
    if (s.length == 3 && s[0].equals("orgs") && s[2].equals("repos")) {
      return "/orgs/{org}/repos";
    }
    if (s.length == 3 && s[0].equals("users") && s[2].equals("repos")) {
      return "/users/{username}/repos";
    }
    if (s.length == 2 && s[0].equals("installation") && s[1].equals("repositories")) {
      return "/installation/repositories";
    }
    if (s.length == 4 && s[0].equals("app") && s[1].equals("installations") && s[3].equals("access_tokens")) {
      return "/app/installations/{installation_id}/access_tokens";
    }
    return "/{unknown}";
  }

  private static String repoTemplate(String[] s, int from) {
    int rest = s.length - from;
    if (rest == 0) {
      return "";
    }
    if (s[from].equals("pulls")) {
      if (rest == 1) {
        return "/pulls";
      }
      if (rest == 2) {
        return "/pulls/{pull_number}";
      }
      if (rest == 3 && s[from + 2].equals("reviews")) {
        return "/pulls/{pull_number}/reviews";
      }
    }
    if (s[from].equals("commits") && rest >= 3 && s[s.length - 1].equals("status")) {
      return "/commits/{ref}/status";
    }
    if (s[from].equals("commits") && rest >= 3 && s[s.length - 1].equals("check-runs")) {
      return "/commits/{ref}/check-runs";
    }
    return "/{unknown}";
  }

  private Reply route(Request request, boolean serving) {
    String[] s = request.segments();
    String method = request.method();
    if (method.equals("POST") && s.length == 4 && s[0].equals("app") && s[3].equals("access_tokens")) {
      return accessToken(request, s[2]);
    }
    if (!method.equals("GET") && !method.equals("HEAD")) {
      return error(404, "Not Found");
    }
    if (s.length == 1 && s[0].equals("rate_limit")) {
      return rateLimit(request);
    }
    if (s.length == 3 && (s[0].equals("orgs") || s[0].equals("users")) && s[2].equals("repos")) {
      return ownerRepositories(request, s[1]);
    }
    if (s.length == 2 && s[0].equals("installation") && s[1].equals("repositories")) {
      return installationRepositories(request);
    }
    SimRepository repo;
    int from;
    String linkPrefix;
    if (s.length >= 3 && s[0].equals("repos")) {
      repo = world.find(s[1], s[2]);
      from = 3;
      if (repo == null) {
        var current = world.renamedTo(s[1], s[2]);
        if (current != null) {
          return moved(request, "/repos/" + current.fullName() + tail(s, 3));
        }
        return error(404, "Not Found");
      }
    } else if (s.length >= 2 && s[0].equals("repositories")) {
      long id;
      try {
        id = Long.parseLong(s[1]);
      } catch (NumberFormatException e) {
        return error(404, "Not Found");
      }
      repo = world.findById(id);
      if (repo == null) {
        return error(404, "Not Found");
      }
      from = 2;
    } else {
      return error(404, "Not Found");
    }
    linkPrefix = settings.repositoryIdLinks() || s[0].equals("repositories")
        ? baseUrl + "/repositories/" + repo.id : null;
    int rest = s.length - from;
    if (rest == 0) {
      return repository(repo);
    }
    if (s[from].equals("pulls") && rest == 1) {
      return pulls(request, repo, linkPrefix, serving);
    }
    if (s[from].equals("pulls") && (rest == 2 || (rest == 3 && s[from + 2].equals("reviews")))) {
      int number;
      try {
        number = Integer.parseInt(s[from + 1]);
      } catch (NumberFormatException e) {
        return error(404, "Not Found");
      }
      return rest == 2 ? pull(repo, number) : reviews(repo, number);
    }
    if (s[from].equals("commits") && rest >= 3 && s[s.length - 1].equals("status")) {
      return status(repo, String.join("/", Arrays.copyOfRange(s, from + 1, s.length - 1)));
    }
    if (s[from].equals("commits") && rest >= 3 && s[s.length - 1].equals("check-runs")) {
      return checkRuns(repo, String.join("/", Arrays.copyOfRange(s, from + 1, s.length - 1)));
    }
    return error(404, "Not Found");
  }

  private static String tail(String[] s, int from) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < s.length; i++) {
      sb.append('/').append(s[i]);
    }
    return sb.toString();
  }

  private Reply moved(Request request, String path) {
    String rawQuery = request.exchange().getRequestURI().getRawQuery();
    String location = baseUrl + path + (rawQuery == null ? "" : "?" + rawQuery);
    ByteSink out = new ByteSink(256);
    out.ascii("{\"message\":\"Moved Permanently\",\"url\":").str(location)
        .ascii(",\"documentation_url\":\"https://docs.github.com/rest/guides/best-practices-for-using-the-rest-api"
            + "#follow-redirects\"}");
    Reply reply = new Reply(301, out.toByteArray());
    reply.location = location;
    return reply;
  }

  // ---------------------------------------------------------------- pull list

  private Reply pulls(Request request, SimRepository repo, String linkPrefix, boolean serving) {
    String state = valueOr(request.param("state"), "open");
    String sort = valueOr(request.param("sort"), "created");
    if (!Set.of("open", "closed", "all").contains(state)) {
      return validationFailed("state");
    }
    if (!Set.of("created", "updated", "popularity", "long-running").contains(sort)) {
      return validationFailed("sort");
    }
    String direction = valueOr(request.param("direction"), sort.equals("created") ? "desc" : "asc");
    if (!direction.equals("asc") && !direction.equals("desc")) {
      return validationFailed("direction");
    }
    int perPage = intParam(request.param("per_page"), DEFAULT_PER_PAGE);
    perPage = perPage < 1 ? DEFAULT_PER_PAGE : Math.min(perPage, MAX_PER_PAGE);
    int page = Math.max(1, intParam(request.param("page"), 1));
    HookKey hookKey = new HookKey(repo.index, page);
    boolean hooked = serving && hooks.containsKey(hookKey);
    Lock lock = hooked ? world.lock.writeLock() : world.lock.readLock();
    lock.lock();
    try {
      SimPullRequest[] view = repo.view(state, sort, direction.equals("asc"));
      int lastPage = Math.max(1, (view.length + perPage - 1) / perPage);
      int from = Math.min(view.length, (page - 1) * perPage);
      int to = Math.min(view.length, from + perPage);
      Reply reply = new Reply(200, null);
      reply.etag = PullPage.etag(repo, view, from, to);
      reply.link = link(request, linkPrefix, page, lastPage);
      if (!Etag.matches(request.ifNoneMatch(), reply.etag)) {
        boolean gzip = acceptsGzip(request);
        boolean cachedDeflate = gzip && settings.gzipMode() == GzipMode.CACHED_DEFLATE;
        // a page of the initial world, compressed whole at start-up: no serialization, no splicing
        PrecompressedPages.Page whole = cachedDeflate ? precompressed.get(reply.etag) : null;
        PageCache.Entry entry = whole != null ? null : cache.get(reply.etag);
        if (whole != null) {
          reply.precompressed = whole;
          reply.length = whole.plainLength();
        } else if (entry == null) {
          ByteSink out = acquire();
          if (gzip && settings.gzipMode() == GzipMode.SPLICED) {
            out.trackTemplates();
          }
          int[] offsets = cachedDeflate ? new int[to - from + 1] : null;
          PullPage.write(payloads, repo, view, from, to, out, offsets);
          reply.sink = out;
          if (cachedDeflate) {
            // every item's deflate block, cached since start-up or its last change, spliced into one member
            reply.gzipSink = acquire();
            SplicedGzip.writeItems(out, Arrays.copyOfRange(view, from, to), offsets, to - from,
                repo.templateVersion, reply.gzipSink);
          }
          reply.body = out.array();
          reply.length = out.size();
          if (cache.admit(reply.etag, out.size())) {
            entry = new PageCache.Entry(repo.index, out.toByteArray());
            if (reply.gzipSink != null) {
              entry.gzip = reply.gzipSink.toByteArray();
            } else if (gzip) {
              ByteSink zipped = new ByteSink(out.size() / 2);
              gzip(out.array(), out.size(), out, zipped);
              entry.gzip = zipped.toByteArray();
            }
            cache.put(reply.etag, entry);
          }
        }
        if (entry != null) {
          reply.cached = entry;
          reply.cacheKey = reply.etag;
          reply.body = entry.plain;
          reply.length = entry.plain.length;
        }
        if (hooked) {
          Runnable hook = hooks.remove(hookKey);
          if (hook != null) {
            runHook(hook, repo, page);
          }
        }
      }
      return reply;
    } finally {
      lock.unlock();
    }
  }

  /** Compresses per the configured mode; {@code tracked} is the sink that recorded templates, if any. */
  private void gzip(byte[] plain, int length, ByteSink tracked, ByteSink out) {
    if (settings.gzipMode() == GzipMode.SPLICED && tracked != null && tracked.tracking()) {
      splicedGzip.write(tracked, out);
    } else if (settings.gzipMode() == GzipMode.DEFLATE || settings.gzipMode() == GzipMode.CACHED_DEFLATE) {
      PageCache.gzip(plain, length, out);
    } else {
      // stored mode, or a body without tracked templates (small resources, faulted bodies)
      SplicedGzip.writeStored(plain, length, out);
    }
  }

  private static boolean acceptsGzip(Request request) {
    String acceptEncoding = request.exchange().getRequestHeaders().getFirst("Accept-Encoding");
    return acceptEncoding != null && acceptEncoding.toLowerCase(Locale.ROOT).contains("gzip");
  }

  private ByteSink acquire() {
    ByteSink sink = sinks.poll();
    return sink != null ? sink : new ByteSink(2_400_000);
  }

  private void release(ByteSink sink) {
    if (sink.capacity() <= SINK_KEEP_LIMIT) {
      sink.reset();
      sinks.offer(sink);
    }
  }

  private static void runHook(Runnable hook, SimRepository repo, int page) {
    try {
      hook.run();
    } catch (RuntimeException e) {
      LOG.warn("afterPage action for {} page {} failed", repo.repositoryId, page, e);
    }
  }

  /** GitHub's {@code Link}: prev, next, last, first, each present only when it differs from this page. */
  private String link(Request request, String linkPrefix, int page, int lastPage) {
    if (lastPage <= 1 && page <= 1) {
      return null;
    }
    String base = (linkPrefix != null ? linkPrefix + "/pulls" : baseUrl + request.rawPath()) + "?";
    StringBuilder query = new StringBuilder();
    for (String[] pair : request.query()) {
      if (!pair[0].equals("page")) {
        query.append(pair[2]).append('&');
      }
    }
    String prefix = base + query + "page=";
    List<String> parts = new ArrayList<>(4);
    if (page > 1) {
      parts.add("<" + prefix + (page - 1) + ">; rel=\"prev\"");
    }
    if (page < lastPage) {
      parts.add("<" + prefix + (page + 1) + ">; rel=\"next\"");
      parts.add("<" + prefix + lastPage + ">; rel=\"last\"");
    }
    if (page > 1) {
      parts.add("<" + prefix + 1 + ">; rel=\"first\"");
    }
    return String.join(", ", parts);
  }

  private Reply validationFailed(String field) {
    ByteSink out = new ByteSink(256);
    out.ascii("{\"message\":\"Validation Failed\",\"errors\":[{\"resource\":\"PullRequest\",\"field\":")
        .str(field).ascii(",\"code\":\"invalid\"}],\"documentation_url\":\"https://docs.github.com/rest/pulls/pulls"
            + "#list-pull-requests\",\"status\":\"422\"}");
    return new Reply(422, out.toByteArray());
  }

  // ---------------------------------------------------------------- other resources

  private Reply withContentEtag(byte[] body) {
    Reply reply = new Reply(200, body);
    reply.etag = new Etag().add(body).weak();
    return reply;
  }

  private Reply repository(SimRepository repo) {
    world.lock.readLock().lock();
    try {
      return withContentEtag(repo.repoJson);
    } finally {
      world.lock.readLock().unlock();
    }
  }

  private Reply pull(SimRepository repo, int number) {
    world.lock.readLock().lock();
    try {
      SimPullRequest pr = repo.pull(number);
      if (pr == null) {
        return error(404, "Not Found");
      }
      ByteSink out = new ByteSink(32_000);
      payloads.full(out, repo, pr);
      return withContentEtag(out.toByteArray());
    } finally {
      world.lock.readLock().unlock();
    }
  }

  private Reply reviews(SimRepository repo, int number) {
    world.lock.readLock().lock();
    try {
      SimPullRequest pr = repo.pull(number);
      if (pr == null) {
        return error(404, "Not Found");
      }
      ByteSink out = new ByteSink(4_000);
      payloads.reviews(out, repo, pr);
      return withContentEtag(out.toByteArray());
    } finally {
      world.lock.readLock().unlock();
    }
  }

  /** The pull request whose head or CI commit a ref names (a SHA or a head branch), or null. */
  private static SimPullRequest commitOwner(SimRepository repo, String ref) {
    SimPullRequest found = null;
    boolean sha = ref.matches("[0-9a-f]{40}");
    for (SimPullRequest pr : repo.pulls) {
      if (sha ? pr.headSha.equals(ref) || ref.equals(pr.ciSha) : pr.headRef.equals(ref)) {
        found = pr;
      }
    }
    return found;
  }

  private Reply noCommit(String ref, String documentation) {
    ByteSink out = new ByteSink(256);
    out.ascii("{\"message\":\"No commit found for SHA: ").strContent(ref)
        .ascii("\",\"documentation_url\":\"").ascii(documentation).ascii("\",\"status\":\"422\"}");
    return new Reply(422, out.toByteArray());
  }

  private Reply checkRuns(SimRepository repo, String ref) {
    world.lock.readLock().lock();
    try {
      SimPullRequest pr = commitOwner(repo, ref);
      if (pr == null && !ref.matches("[0-9a-f]{40}")) {
        return noCommit(ref, "https://docs.github.com/rest/checks/runs#list-check-runs-for-a-git-reference");
      }
      String sha = ref.matches("[0-9a-f]{40}") ? ref : pr.headSha;
      ByteSink out = new ByteSink(4_000);
      payloads.checkRuns(out, repo, sha, pr == null ? List.of() : Activity.checksOn(pr, sha));
      return withContentEtag(out.toByteArray());
    } finally {
      world.lock.readLock().unlock();
    }
  }

  private Reply status(SimRepository repo, String ref) {
    world.lock.readLock().lock();
    try {
      SimPullRequest owner = commitOwner(repo, ref);
      String sha = ref.matches("[0-9a-f]{40}") ? ref : owner == null ? null : owner.headSha;
      if (sha == null) {
        ByteSink out = new ByteSink(256);
        out.ascii("{\"message\":\"No commit found for SHA: ").strContent(ref)
            .ascii("\",\"documentation_url\":\"https://docs.github.com/rest/commits/statuses"
                + "#get-the-combined-status-for-a-specific-reference\",\"status\":\"422\"}");
        return new Reply(422, out.toByteArray());
      }
      ByteSink out = new ByteSink(8_000);
      payloads.combinedStatus(out, repo, ref, sha, owner == null ? List.of() : Activity.checksOn(owner, sha));
      return withContentEtag(out.toByteArray());
    } finally {
      world.lock.readLock().unlock();
    }
  }

  private Reply ownerRepositories(Request request, String owner) {
    world.lock.readLock().lock();
    try {
      List<SimRepository> owned = world.repositories().stream()
          .filter(r -> r.repositoryId.owner().equalsIgnoreCase(owner)).toList();
      if (owned.isEmpty()) {
        return error(404, "Not Found");
      }
      return repositoryPage(request, owned, false);
    } finally {
      world.lock.readLock().unlock();
    }
  }

  private Reply installationRepositories(Request request) {
    world.lock.readLock().lock();
    try {
      return repositoryPage(request, world.repositories(), true);
    } finally {
      world.lock.readLock().unlock();
    }
  }

  private Reply repositoryPage(Request request, List<SimRepository> repos, boolean installation) {
    int perPage = intParam(request.param("per_page"), DEFAULT_PER_PAGE);
    perPage = perPage < 1 ? DEFAULT_PER_PAGE : Math.min(perPage, MAX_PER_PAGE);
    int page = Math.max(1, intParam(request.param("page"), 1));
    int lastPage = Math.max(1, (repos.size() + perPage - 1) / perPage);
    int from = Math.min(repos.size(), (page - 1) * perPage);
    int to = Math.min(repos.size(), from + perPage);
    ByteSink out = new ByteSink((to - from) * 6_000 + 128);
    if (installation) {
      out.ascii("{\"total_count\":").num(repos.size()).ascii(",\"repository_selection\":\"all\",\"repositories\":");
    }
    out.ch('[');
    for (int i = from; i < to; i++) {
      if (i > from) {
        out.ch(',');
      }
      out.raw(repos.get(i).repoJson);
    }
    out.ch(']');
    if (installation) {
      out.ch('}');
    }
    Reply reply = withContentEtag(out.toByteArray());
    reply.link = link(request, null, page, lastPage);
    return reply;
  }

  private Reply rateLimit(Request request) {
    RateLimits.Snapshot core = rateLimits.snapshot(request.token() == null ? "" : request.token());
    ByteSink out = new ByteSink(1024);
    out.ascii("{\"resources\":{\"core\":");
    limit(out, core, "core");
    out.ascii(",\"search\":{\"limit\":30,\"remaining\":30,\"reset\":").num(core.resetEpochSeconds())
        .ascii(",\"used\":0,\"resource\":\"search\"}");
    out.ascii(",\"graphql\":{\"limit\":5000,\"remaining\":5000,\"reset\":").num(core.resetEpochSeconds())
        .ascii(",\"used\":0,\"resource\":\"graphql\"}");
    out.ascii("},\"rate\":");
    limit(out, core, "core");
    out.ch('}');
    return new Reply(200, out.toByteArray());
  }

  private static void limit(ByteSink out, RateLimits.Snapshot s, String resource) {
    out.ascii("{\"limit\":").num(s.limit()).ascii(",\"remaining\":").num(s.remaining())
        .ascii(",\"reset\":").num(s.resetEpochSeconds()).ascii(",\"used\":").num(s.used())
        .ascii(",\"resource\":\"").ascii(resource).ascii("\"}");
  }

  private Reply accessToken(Request request, String installation) {
    if (appTokens == null || !installation.equals(Long.toString(appTokens.installationId()))) {
      return error(404, "Not Found");
    }
    String jwt = request.token();
    if (jwt == null) {
      return error(401, "A JSON web token could not be decoded");
    }
    try {
      Map.Entry<String, Instant> issued = appTokens.exchange(jwt);
      ByteSink out = new ByteSink(256);
      out.ascii("{\"token\":").str(issued.getKey()).ascii(",\"expires_at\":").time(issued.getValue())
          .ascii(",\"permissions\":{\"metadata\":\"read\",\"pull_requests\":\"read\",\"statuses\":\"read\"}"
              + ",\"repository_selection\":\"all\"}");
      return new Reply(201, out.toByteArray());
    } catch (AppTokens.RejectedJwtException e) {
      return error(401, e.getMessage());
    }
  }

  // ---------------------------------------------------------------- errors and faults

  private Reply error(int status, String message) {
    return error(status, message, DOCS);
  }

  private Reply error(int status, String message, String documentation) {
    ByteSink out = new ByteSink(256);
    out.ascii("{\"message\":").str(message).ascii(",\"documentation_url\":").str(documentation)
        .ascii(",\"status\":\"").num(status).ascii("\"}");
    return new Reply(status, out.toByteArray());
  }

  private Reply serverError(Fault fault) {
    return switch (fault) {
      case BAD_GATEWAY -> {
        Reply reply = new Reply(502, ByteSink.utf8("<html><head><title>502 Bad Gateway</title></head><body>"
            + "<h1>502 Bad Gateway</h1><p>We couldn't respond to your request in time.</p></body></html>"));
        reply.contentType = "text/html; charset=utf-8";
        yield reply;
      }
      case SERVICE_UNAVAILABLE -> error(503, "Service Unavailable");
      default -> error(500, "Server Error");
    };
  }

  private static byte[] deeplyNested() {
    int depth = 100_000;
    byte[] body = new byte[2 * depth];
    Arrays.fill(body, 0, depth, (byte) '[');
    Arrays.fill(body, depth, 2 * depth, (byte) ']');
    return body;
  }

  private static byte[] malformed(byte[] body) {
    int cut = Math.max(1, body.length / 2);
    byte[] broken = Arrays.copyOf(body, cut + 4);
    broken[cut] = ',';
    broken[cut + 1] = ',';
    broken[cut + 2] = '}';
    broken[cut + 3] = ']';
    return broken;
  }

  // ---------------------------------------------------------------- sending

  private int send(Request request, Reply reply, Fault fault, boolean rateHeaders) throws IOException {
    HttpExchange exchange = request.exchange();
    Headers h = exchange.getResponseHeaders();
    h.set("Content-Type", reply.contentType);
    h.set("X-GitHub-Media-Type", "github.v3; format=json");
    h.set("X-GitHub-Api-Version-Selected", "2022-11-28");
    h.set("X-GitHub-Request-Id", requestId());
    h.set("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP, Accept-Encoding");
    h.set("Cache-Control", "private, max-age=60, s-maxage=60");
    if (rateHeaders) {
      RateLimits.Snapshot s = rateLimits.snapshot(request.token() == null ? "" : request.token());
      h.set("X-RateLimit-Limit", Integer.toString(s.limit()));
      h.set("X-RateLimit-Remaining", Integer.toString(s.remaining()));
      h.set("X-RateLimit-Used", Integer.toString(s.used()));
      h.set("X-RateLimit-Reset", Long.toString(s.resetEpochSeconds()));
      h.set("X-RateLimit-Resource", "core");
    }
    if (reply.etag != null) {
      h.set("ETag", reply.etag);
    }
    if (reply.link != null) {
      h.set("Link", reply.link);
    }
    if (reply.location != null) {
      h.set("Location", reply.location);
    }
    if (reply.retryAfter != null) {
      h.set("Retry-After", reply.retryAfter);
    }
    if (reply.precompressed != null && fault == Fault.MALFORMED_JSON) {
      // a fault that damages the JSON needs the JSON: inflate the page again (rare, so its cost is moot)
      reply.body = reply.precompressed.inflate();
      reply.precompressed = null;
    }
    byte[] plain = reply.body == null ? new byte[0] : reply.body;
    int plainLength = reply.length;
    if (fault == Fault.MALFORMED_JSON && plainLength > 0) {
      plain = malformed(Arrays.copyOf(plain, plainLength));
      plainLength = plain.length;
    }
    byte[] wire = plain;
    int wireLength = plainLength;
    ByteSink gzipSink = null;
    try {
      if (plainLength > 0 && acceptsGzip(request)) {
        if (reply.precompressed != null) {
          wire = reply.precompressed.gzip();
          wireLength = wire.length;
        } else if (reply.cached != null && plain == reply.cached.plain) {
          boolean fresh = reply.cached.gzip == null;
          wire = reply.cached.gzip(settings.gzipMode());
          if (fresh) {
            cache.grew(reply.cacheKey, reply.cached);
          }
          wireLength = wire.length;
        } else if (reply.gzipSink != null && reply.sink != null && plain == reply.sink.array()) {
          wire = reply.gzipSink.array();
          wireLength = reply.gzipSink.size();
        } else {
          gzipSink = acquire();
          gzip(plain, plainLength, reply.sink != null && plain == reply.sink.array() ? reply.sink : null, gzipSink);
          wire = gzipSink.array();
          wireLength = gzipSink.size();
        }
        h.set("Content-Encoding", "gzip");
      }
      if (!delay(plainLength, fault)) {
        // the simulator is closing: drop the connection rather than answer late
        return 0;
      }
      boolean head = request.method().equals("HEAD");
      if (reply.status == 304 || wireLength == 0 || head) {
        record(request, reply.status, 0);
        exchange.sendResponseHeaders(reply.status, -1);
        return reply.status;
      }
      if (fault == Fault.TRUNCATED_BODY) {
        int half = wireLength / 2;
        record(request, reply.status, half);
        exchange.sendResponseHeaders(reply.status, wireLength);
        OutputStream body = exchange.getResponseBody();
        body.write(wire, 0, half);
        body.flush();
        // closing a fixed-length stream early makes the server drop the connection: the client sees a short body
        return reply.status;
      }
      record(request, reply.status, wireLength);
      exchange.sendResponseHeaders(reply.status, wireLength);
      OutputStream body = exchange.getResponseBody();
      // moderate writes keep the NIO layer's temporary direct buffers small and reusable
      for (int off = 0; off < wireLength; off += WRITE_CHUNK) {
        body.write(wire, off, Math.min(WRITE_CHUNK, wireLength - off));
      }
      return reply.status;
    } finally {
      if (gzipSink != null) {
        release(gzipSink);
      }
    }
  }

  /** Waits out latency and stalls; false when the simulator closed meanwhile. */
  private boolean delay(int bytes, Fault fault) {
    long nanos = 0;
    Latency latency = settings.latency();
    if (!latency.isNone()) {
      double fraction;
      synchronized (jitter) {
        fraction = jitter.nextDouble();
      }
      nanos = latency.nanosFor(bytes, fraction);
    }
    if (fault == Fault.STALL) {
      nanos += faults.stallDuration().toNanos();
    }
    if (nanos > 0) {
      try {
        // wakes early when the simulator closes, so stalled requests do not hold up shutdown
        return !closed.await(nanos, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- helpers

  static String token(String authorization) {
    if (authorization == null) {
      return null;
    }
    String value = authorization.trim();
    int space = value.indexOf(' ');
    if (space < 0) {
      return null;
    }
    String scheme = value.substring(0, space).toLowerCase(Locale.ROOT);
    String credential = value.substring(space + 1).trim();
    return (scheme.equals("token") || scheme.equals("bearer")) && !credential.isEmpty() ? credential : null;
  }

  /** Query pairs in request order: decoded name, decoded value, raw {@code name=value}. */
  private static List<String[]> query(String rawQuery) {
    List<String[]> pairs = new ArrayList<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return pairs;
    }
    for (String part : rawQuery.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String name = eq < 0 ? part : part.substring(0, eq);
      String value = eq < 0 ? "" : part.substring(eq + 1);
      pairs.add(new String[] {URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8), part});
    }
    return pairs;
  }

  private static String valueOr(String value, String fallback) {
    return value == null || value.isEmpty() ? fallback : value;
  }

  private static int intParam(String value, int fallback) {
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private String requestId() {
    // GitHub's shape (XXXX:XXXXXXXX); a counter, because a random UUID costs a SecureRandom call per request
    long n = requestIds.incrementAndGet();
    return String.format("%04X:%08X", (n >>> 32) & 0xFFFF, n & 0xFFFFFFFFL);
  }
}
