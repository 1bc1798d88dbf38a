package io.prmonitor.core.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.prmonitor.Health;
import io.prmonitor.WebhookReceiver;
import io.prmonitor.WebhookResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor's optional HTTP endpoint on the JDK's {@link HttpServer}: {@code GET /health} answers the
 * health as JSON with status 200, or 503 when it is DOWN; {@code GET /metrics} answers the Prometheus text
 * of the bound registry when the host bound a {@code PrometheusMeterRegistry} (micrometer-registry-prometheus
 * is an optional dependency of core), else 404. Anything else is 404, a method other than GET 405.
 * Requests are served on a virtual thread each. The health is evaluated at most once per
 * {@value #HEALTH_CACHE_MILLIS} ms (later requests within that time get the same answer), so a burst of
 * probes cannot take the store's connections from synchronization. {@link #close()} stops it.
 */
public final class MonitorHttpServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MonitorHttpServer.class);

  /** How long one health evaluation answers {@code /health}. */
  static final long HEALTH_CACHE_MILLIS = 1000;

  private final HttpServer server;
  private final ExecutorService executor;

  private MonitorHttpServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds and starts the endpoint.
   *
   * @param address where to listen; port 0 picks a free port
   * @param health evaluates the health per request
   * @param registry the registry whose Prometheus text {@code /metrics} serves, if it is a Prometheus one
   * @throws UncheckedIOException if the address cannot be bound
   */
  public static MonitorHttpServer start(InetSocketAddress address, Supplier<Health> health, MeterRegistry registry) {
    return start(address, health, registry, null);
  }

  /**
   * Binds and starts the endpoint, with {@code POST /webhooks} served by the receiver when it is not null.
   *
   * @see #start(InetSocketAddress, Supplier, MeterRegistry)
   */
  public static MonitorHttpServer start(InetSocketAddress address, Supplier<Health> health, MeterRegistry registry,
      WebhookReceiver webhooks) {
    Optional<Supplier<String>> scrape = PrometheusText.of(registry);
    Supplier<Health> cachedHealth = Health.cached(health, Duration.ofMillis(HEALTH_CACHE_MILLIS));
    HttpServer server;
    try {
      server = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the monitor's HTTP endpoint to " + address, e);
    }
    ExecutorService executor = Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name("prmonitor-http-", 0).factory());
    server.setExecutor(executor);
    server.createContext("/health", exchange -> {
      if (allowGet(exchange)) {
        Health now = cachedHealth.get();
        respond(exchange, now.status() == Health.Status.DOWN ? 503 : 200, "application/json", now.toJson());
      }
    });
    server.createContext("/metrics", exchange -> {
      if (allowGet(exchange)) {
        if (scrape.isPresent()) {
          respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", scrape.get().get());
        } else {
          respond(exchange, 404, "text/plain; charset=utf-8",
              "no PrometheusMeterRegistry is bound to this monitor\n");
        }
      }
    });
    if (webhooks != null) {
      server.createContext("/webhooks", exchange -> {
        if (!exchange.getRequestURI().getPath().equals("/webhooks")) {
          respond(exchange, 404, "text/plain; charset=utf-8", "not found\n");
        } else if (!exchange.getRequestMethod().equals("POST")) {
          exchange.getResponseHeaders().set("Allow", "POST");
          respond(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
        } else {
          WebhookResponse answer;
          try (var body = exchange.getRequestBody()) {
            answer = webhooks.receive(exchange.getRequestHeaders()::getFirst, body);
          }
          respond(exchange, answer.status(), "text/plain; charset=utf-8", answer.message() + "\n");
        }
      });
    }
    server.createContext("/", exchange -> respond(exchange, 404, "text/plain; charset=utf-8", "not found\n"));
    server.start();
    log.info("prmonitor HTTP endpoint listening on {}", server.getAddress());
    return new MonitorHttpServer(server, executor);
  }

  /** The bound address (with the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  private static boolean allowGet(HttpExchange exchange) throws IOException {
    if (!exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath())) {
      respond(exchange, 404, "text/plain; charset=utf-8", "not found\n");
      return false;
    }
    if (!exchange.getRequestMethod().equals("GET")) {
      exchange.getResponseHeaders().set("Allow", "GET");
      respond(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
      return false;
    }
    return true;
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    try (exchange) {
      exchange.getResponseHeaders().set("Content-Type", contentType);
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** Stops listening at once and ends its threads. Idempotent. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
