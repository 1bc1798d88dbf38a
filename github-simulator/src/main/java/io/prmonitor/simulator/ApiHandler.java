package io.prmonitor.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the simulated GitHub REST API in the order GitHub applies its checks: authentication, secondary rate
 * limits, the primary budget, the conditional check, the charge, faults, latency. It routes each request to
 * {@link PullListRoute} or {@link ResourceRoutes} and answers through {@link ResponseWriter}. Thread-safe; one
 * instance serves every request.
 */
final class ApiHandler implements HttpHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

  private final GitHubSimulator.Settings settings;
  private final World world;
  private final RateLimits rateLimits;
  private final Faults faults;
  private final RequestStats stats;
  private final AppTokens appTokens;
  private final Set<String> tokens;
  final RequestGate gate = new RequestGate();
  private final String baseUrl;
  private final SinkPool sinks = new SinkPool();
  private final PullListRoute pullList;
  private final ResourceRoutes resources;
  private final ResponseWriter responses;

  ApiHandler(GitHubSimulator.Settings settings, World world, RateLimits rateLimits, Faults faults,
      PageCache cache, PrecompressedPages precompressed, RequestStats stats, AppTokens appTokens,
      CountDownLatch closed, String baseUrl) {
    this.settings = settings;
    this.world = world;
    this.rateLimits = rateLimits;
    this.faults = faults;
    this.stats = stats;
    this.appTokens = appTokens;
    this.tokens = Set.copyOf(settings.tokens());
    this.baseUrl = baseUrl;
    Payloads payloads = new Payloads(world);
    GzipEncoder gzip = new GzipEncoder(settings.gzipMode());
    this.pullList = new PullListRoute(settings, world, payloads, cache, precompressed, sinks, gzip, baseUrl);
    this.resources = new ResourceRoutes(world, payloads, rateLimits, appTokens, baseUrl);
    this.responses = new ResponseWriter(settings, rateLimits, faults, cache, stats, sinks, gzip, closed);
  }

  /** Arms a one-shot action to run right after a page of a repository's pull list is next served. */
  void arm(PullListRoute.HookKey key, Runnable action) {
    pullList.arm(key, action);
  }

  /** The credential of an {@code Authorization} header value; null for none or an unknown scheme. */
  static String token(String authorization) {
    return ApiRequest.token(authorization);
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
    String[] segments = ApiRequest.segments(rawPath);
    String template = method + " " + RouteTemplates.of(segments);
    int status = 0;
    String key = "";
    boolean entered = false;
    Reply pending = null;
    boolean[] recorded = {false};
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      String token = ApiRequest.token(exchange.getRequestHeaders().getFirst("Authorization"));
      key = token == null ? "" : token;
      boolean appExchange = template.equals("POST /app/installations/{installation_id}/access_tokens");
      ApiRequest request = new ApiRequest(exchange, method, segments, ApiRequest.query(rawQuery), rawPath, token,
          template, recorded);
      if (!appExchange && !authorized(token)) {
        status = responses.send(request, Reply.error(401, "Bad credentials"), null, false);
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
        Reply reply = Reply.error(403, "You have exceeded a secondary rate limit. Please wait a few minutes before you"
            + " try again. If you reach out to GitHub Support for help, please include the request ID "
            + responses.requestId() + ".", "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
            + "#about-secondary-rate-limits");
        // the server-time limit knows when its window frees; the others advise GitHub's generic wait
        long retryAfter = fault == Fault.SECONDARY_LIMIT || overConcurrency
            ? Math.max(serverTimeWait, settings.secondaryRetryAfter().toSeconds()) : serverTimeWait;
        reply.retryAfter = Long.toString(retryAfter);
        status = responses.send(request, reply, null, true);
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
        status = responses.send(request, notModified, null, !appExchange);
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
        reply = Reply.serverError(fault);
      } else if (fault == Fault.UNEXPECTED_CONTENT_TYPE) {
        reply = new Reply(200, ByteSink.utf8("<!DOCTYPE html><html><head><title>Sign in to the network</title>"
            + "</head><body><form action=\"/login\"><input name=\"user\"></form></body></html>"));
        reply.contentType = "text/html; charset=utf-8";
      } else if (fault == Fault.DEEPLY_NESTED_JSON) {
        reply = new Reply(200, Reply.deeplyNested());
      }
      status = responses.send(request, reply, fault, !appExchange);
    } catch (IOException e) {
      // the client went away (timed out on a stall, or gave up); nothing to answer
      LOG.debug("client connection lost during {}: {}", template, e.toString());
    } catch (RuntimeException e) {
      LOG.warn("simulator failed to answer {} {}", method, rawPath, e);
      throw e;
    } finally {
      if (pending != null && pending.sink != null) {
        sinks.release(pending.sink);
      }
      if (pending != null && pending.gzipSink != null) {
        sinks.release(pending.gzipSink);
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

  private int primaryLimited(ApiRequest request) throws IOException {
    stats.primaryLimited();
    Reply reply = Reply.error(settings.primaryLimitStatus(), "API rate limit exceeded for user ID "
        + Math.abs(String.valueOf(request.token()).hashCode() % 100_000_000) + ". If you reach out to GitHub"
        + " Support for help, please include the request ID " + responses.requestId() + " and timestamp "
        + ByteSink.timestamp(settings.clock().instant()) + " UTC.",
        "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api");
    return responses.send(request, reply, null, true);
  }

  // ---------------------------------------------------------------- routing

  private Reply route(ApiRequest request, boolean serving) {
    String[] s = request.segments();
    String method = request.method();
    if (method.equals("POST") && s.length == 4 && s[0].equals("app") && s[3].equals("access_tokens")) {
      return resources.accessToken(request, s[2]);
    }
    if (!method.equals("GET") && !method.equals("HEAD")) {
      return Reply.error(404, "Not Found");
    }
    if (s.length == 1 && s[0].equals("rate_limit")) {
      return resources.rateLimit(request);
    }
    if (s.length == 3 && (s[0].equals("orgs") || s[0].equals("users")) && s[2].equals("repos")) {
      return resources.ownerRepositories(request, s[1]);
    }
    if (s.length == 2 && s[0].equals("installation") && s[1].equals("repositories")) {
      return resources.installationRepositories(request);
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
        return Reply.error(404, "Not Found");
      }
    } else if (s.length >= 2 && s[0].equals("repositories")) {
      long id;
      try {
        id = Long.parseLong(s[1]);
      } catch (NumberFormatException e) {
        return Reply.error(404, "Not Found");
      }
      repo = world.findById(id);
      if (repo == null) {
        return Reply.error(404, "Not Found");
      }
      from = 2;
    } else {
      return Reply.error(404, "Not Found");
    }
    linkPrefix = settings.repositoryIdLinks() || s[0].equals("repositories")
        ? baseUrl + "/repositories/" + repo.id : null;
    int rest = s.length - from;
    if (rest == 0) {
      return resources.repository(repo);
    }
    if (s[from].equals("pulls") && rest == 1) {
      return pullList.serve(request, repo, linkPrefix, serving);
    }
    if (s[from].equals("pulls") && (rest == 2 || (rest == 3 && s[from + 2].equals("reviews")))) {
      int number;
      try {
        number = Integer.parseInt(s[from + 1]);
      } catch (NumberFormatException e) {
        return Reply.error(404, "Not Found");
      }
      return rest == 2 ? resources.pull(repo, number) : resources.reviews(repo, number);
    }
    if (s[from].equals("commits") && rest >= 3 && s[s.length - 1].equals("status")) {
      return resources.status(repo, String.join("/", Arrays.copyOfRange(s, from + 1, s.length - 1)));
    }
    if (s[from].equals("commits") && rest >= 3 && s[s.length - 1].equals("check-runs")) {
      return resources.checkRuns(repo, String.join("/", Arrays.copyOfRange(s, from + 1, s.length - 1)));
    }
    return Reply.error(404, "Not Found");
  }

  private static String tail(String[] s, int from) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < s.length; i++) {
      sb.append('/').append(s[i]);
    }
    return sb.toString();
  }

  private Reply moved(ApiRequest request, String path) {
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
}
