package io.prmonitor.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import graphql.language.SourceLocation;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes the GraphQL endpoint's answers as GitHub does: a JSON body, GitHub's headers with a request id, the
 * token's {@code X-RateLimit-*} headers with {@code X-RateLimit-Resource: graphql}, {@code Retry-After} when
 * given, after the configured latency; and the bodies GitHub sends (a REST-style message, a GraphQL error).
 * Waits wake early when the simulator closes. Thread-safe.
 */
final class GraphQlResponses {

  private final ObjectMapper mapper = new ObjectMapper();
  private final Latency latency;
  private final CountDownLatch closed;
  private final SplittableRandom jitter;
  private final AtomicLong requestIds = new AtomicLong(0x6A7B_0000_0000L);

  GraphQlResponses(GitHubSimulator.Settings settings, CountDownLatch closed) {
    this.latency = settings.latency();
    this.closed = closed;
    this.jitter = new SplittableRandom(settings.seed() ^ 0x6A7BL);
  }

  /** A REST-style body: {@code message} and {@code documentation_url}. */
  static Map<String, Object> message(String message, String documentation) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("message", message);
    body.put("documentation_url", documentation);
    return body;
  }

  /** An error as GitHub shapes it: {@code type} (when it has one), {@code path}, {@code locations}, {@code message}. */
  static Map<String, Object> error(String type, String message, List<SourceLocation> locations, List<?> path) {
    Map<String, Object> error = new LinkedHashMap<>();
    if (type != null) {
      error.put("type", type);
    }
    if (path != null && !path.isEmpty()) {
      error.put("path", path);
    }
    if (locations != null && !locations.isEmpty()) {
      error.put("locations", locations.stream()
          .map(l -> Map.of("line", l.getLine(), "column", l.getColumn())).toList());
    }
    error.put("message", message);
    return error;
  }

  /**
   * Sends {@code body} with {@code status}, the rate-limit headers of {@code budget} (none when null) and
   * {@code Retry-After} (none when null), after the latency.
   *
   * @return the status sent, or 0 when the simulator closed during the latency and nothing was sent
   */
  int send(HttpExchange exchange, int status, Map<String, Object> body, GraphQlBudget budget, String retryAfter)
      throws IOException {
    byte[] bytes = mapper.writeValueAsBytes(body);
    Headers h = exchange.getResponseHeaders();
    h.set("Content-Type", "application/json; charset=utf-8");
    h.set("X-GitHub-Media-Type", "github.v4; format=json");
    h.set("X-GitHub-Request-Id", requestId());
    if (budget != null) {
      GraphQlBudget.Snapshot s = budget.snapshot();
      h.set("X-RateLimit-Limit", Integer.toString(s.limit()));
      h.set("X-RateLimit-Remaining", Integer.toString(s.remaining()));
      h.set("X-RateLimit-Used", Integer.toString(s.used()));
      h.set("X-RateLimit-Reset", Long.toString(s.resetEpochSeconds()));
      h.set("X-RateLimit-Resource", "graphql");
    }
    if (retryAfter != null) {
      h.set("Retry-After", retryAfter);
    }
    if (!latency.isNone()) {
      double fraction;
      synchronized (jitter) {
        fraction = jitter.nextDouble();
      }
      if (!waitNanos(latency.nanosFor(bytes.length, fraction))) {
        return 0;
      }
    }
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
    return status;
  }

  /** Waits, waking early when the simulator closes; false if it closed. */
  boolean waitNanos(long nanos) {
    if (nanos <= 0) {
      return true;
    }
    try {
      return !closed.await(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** A new request id in GitHub's format, as the {@code X-GitHub-Request-Id} header and error messages show it. */
  String requestId() {
    return String.format(Locale.ROOT, "%04X:%04X:%06X:%06X:%08X", 0x6A7B, 0x2C3D,
        requestIds.get() >> 24 & 0xFFFFFF, requestIds.get() & 0xFFFFFF, requestIds.incrementAndGet() & 0xFFFFFFFFL);
  }
}
