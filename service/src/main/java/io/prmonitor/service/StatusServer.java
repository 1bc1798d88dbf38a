package io.prmonitor.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prmonitor.Health;
import io.prmonitor.PRMonitor;
import io.prmonitor.WebhookReceiver;
import io.prmonitor.WebhookResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The service's HTTP endpoint, on the JDK's {@link HttpServer} with a virtual thread per request:
 * <ul>
 *   <li>{@code GET /health}: the monitor's health as JSON, 200, or 503 when DOWN (evaluated at most once a
 *       second, so probes cannot take the store's connections from synchronization);
 *   <li>{@code GET /metrics}: the Prometheus text of the service's registry;
 *   <li>{@code GET /}: the status page (plain HTML and a small script that reads {@code /api/status});
 *   <li>{@code GET /api/status}: what the page shows, as JSON ({@link StatusBoard});
 *   <li>{@code POST /webhooks}, when the monitor has webhooks: GitHub deliveries, answered by
 *       {@link PRMonitor#webhookReceiver()} (a body declared larger than
 *       {@link WebhookReceiver#MAX_PAYLOAD_BYTES} is refused with 413 before it is read). Deliveries are
 *       verified by their signature; the other paths have no authentication.
 * </ul>
 * Anything else is 404, a method other than GET or HEAD (POST on {@code /webhooks}) 405. Bind it to loopback unless a proxy guards it:
 * it has no authentication. {@link #close()} stops it at once.
 */
final class StatusServer implements AutoCloseable {

  private static final Duration HEALTH_CACHE = Duration.ofSeconds(1);

  private final HttpServer server;
  private final ExecutorService executor;

  private StatusServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds and starts the endpoint.
   *
   * @throws UncheckedIOException if the address cannot be bound
   */
  static StatusServer start(InetSocketAddress address, PRMonitor monitor, PrometheusMeterRegistry registry,
      StatusBoard board) {
    byte[] page = resource("status.html");
    Supplier<Health> health = Health.cached(monitor::health, HEALTH_CACHE);
    HttpServer server;
    try {
      server = HttpServer.create(address, 32);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the HTTP endpoint (--http) to " + address + ": " + e.getMessage(), e);
    }
    ExecutorService executor = Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name("prmonitor-service-http-", 0).factory());
    server.setExecutor(executor);
    WebhookReceiver webhooks = monitor.webhookReceiver().orElse(null);
    if (webhooks != null) {
      server.createContext("/webhooks", exchange -> {
        if (!exchange.getRequestURI().getPath().equals("/webhooks")) {
          respond(exchange, 404, "text/plain; charset=utf-8", utf8("not found\n"));
        } else if (!exchange.getRequestMethod().equals("POST")) {
          exchange.getResponseHeaders().set("Allow", "POST");
          respond(exchange, 405, "text/plain; charset=utf-8", utf8("method not allowed\n"));
        } else {
          WebhookResponse answer = tooLarge(exchange)
              ? new WebhookResponse(413, "payload larger than " + WebhookReceiver.MAX_PAYLOAD_BYTES + " bytes")
              : receive(webhooks, exchange);
          board.webhookAnswered(answer.status());
          respond(exchange, answer.status(), "text/plain; charset=utf-8", utf8(answer.message() + "\n"));
        }
      });
    }
    server.createContext("/", exchange -> {
      if (exchange.getRequestURI().getPath().startsWith("/webhooks")) {
        // without webhook secrets there is no receiver: not found, whatever the method
        respond(exchange, 404, "text/plain; charset=utf-8", utf8("not found\n"));
      } else if (allowed(exchange)) {
        switch (exchange.getRequestURI().getPath()) {
          case "/" -> respond(exchange, 200, "text/html; charset=utf-8", page);
          case "/api/status" -> respond(exchange, 200, "application/json", utf8(board.toJson()));
          case "/health" -> {
            Health now = health.get();
            respond(exchange, now.status() == Health.Status.DOWN ? 503 : 200, "application/json",
                utf8(now.toJson()));
          }
          case "/metrics" -> respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
              utf8(registry.scrape()));
          default -> respond(exchange, 404, "text/plain; charset=utf-8", utf8("not found\n"));
        }
      }
    });
    server.start();
    return new StatusServer(server, executor);
  }

  /** The bound address (with the real port when 0 was asked for). */
  InetSocketAddress address() {
    return server.getAddress();
  }

  private static boolean tooLarge(HttpExchange exchange) {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    try {
      return length != null && Long.parseLong(length.strip()) > WebhookReceiver.MAX_PAYLOAD_BYTES;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static WebhookResponse receive(WebhookReceiver webhooks, HttpExchange exchange) throws IOException {
    try (InputStream body = exchange.getRequestBody()) {
      return webhooks.receive(exchange.getRequestHeaders()::getFirst, body);
    }
  }

  private static boolean allowed(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      exchange.getResponseHeaders().set("Allow", "GET, HEAD");
      respond(exchange, 405, "text/plain; charset=utf-8", utf8("method not allowed\n"));
      return false;
    }
    return true;
  }

  private static void respond(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    try (exchange) {
      exchange.getResponseHeaders().set("Content-Type", contentType);
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(status, head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] resource(String name) {
    try (InputStream in = StatusServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the service jar lacks its resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops listening at once and ends its threads. Idempotent. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
