package io.prmonitor.github;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A real HTTP server on loopback answering with scripted responses, for client behaviours the
 * simulator does not produce (hostile payloads, odd statuses). Records every request it receives.
 */
final class StubServer implements AutoCloseable {

  /** A scripted answer. */
  record Reply(int status, Map<String, String> headers, byte[] body) {
    static Reply json(int status, String body) {
      return new Reply(status, Map.of("Content-Type", "application/json; charset=utf-8"),
          body.getBytes(StandardCharsets.UTF_8));
    }

    static Reply of(int status, Map<String, String> headers, String body) {
      return new Reply(status, headers, body.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** What the server received. */
  record Received(String method, URI uri, Headers headers) {
  }

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();

  StubServer(Function<Received, Reply> script) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", exchange -> answer(exchange, script));
    server.start();
  }

  private void answer(HttpExchange exchange, Function<Received, Reply> script) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI(),
          exchange.getRequestHeaders());
      received.add(request);
      Reply reply = script.apply(request);
      reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      boolean empty = reply.body().length == 0 || reply.status() == 304;
      exchange.sendResponseHeaders(reply.status(), empty ? -1 : reply.body().length);
      if (!empty) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(reply.body());
        }
      }
    }
  }

  URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
