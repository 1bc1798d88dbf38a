package io.prmonitor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.RunReport;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.RepositoryId;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile answers through the whole stack, from a scripted server on loopback: a page whose items miss
 * fields or carry wrongly typed ones (those items are skipped and reported, the rest of the page is
 * synchronized), a body larger than the client's limit, JSON nested deeper than its limit, an HTML answer
 * where JSON belongs, and a 404 — each failing only its own repository, with a clear reason and without
 * a retry.
 */
class HostileResponseTest {

  private static final String TOKEN = "hostile-token-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path directory;

  private GitHubSimulator simulator;
  private HttpServer server;
  private PRMonitor monitor;
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws IOException {
    simulator = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(60).seed(9L).tokens(TOKEN)
        .start();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.start();
  }

  @AfterEach
  void stop() {
    if (monitor != null) {
      monitor.close();
    }
    server.stop(0);
    simulator.close();
  }

  @Test
  void hostileAnswers_failOnlyTheirRepository_andBadItemsAreSkippedAndReported() throws Exception {
    RepositoryId real = simulator.repositories().get(0);
    ArrayNode page = (ArrayNode) JSON.readTree(fetchPage(real));
    List<PullRequest> truth = simulator.truth(real);
    Set<Integer> spoiled = Set.of(page.get(3).get("number").asInt(), page.get(7).get("number").asInt(),
        page.get(10).get("number").asInt(), page.get(12).get("number").asInt());
    ((ObjectNode) page.get(3)).remove("number");
    ((ObjectNode) page.get(7)).put("updated_at", 12345);
    ((ObjectNode) page.get(10)).putArray("state").add("open");
    page.set(12, TextNode.valueOf("not a pull request"));
    byte[] corrupted = JSON.writeValueAsBytes(page);

    route("corrupt", exchange -> answer(exchange, 200, "application/json; charset=utf-8", corrupted));
    route("huge", exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write('[');
        byte[] spaces = new byte[1 << 20];
        Arrays.fill(spaces, (byte) ' ');
        for (int i = 0; i < 65; i++) {
          out.write(spaces);
        }
        out.write(']');
      } catch (IOException e) {
        // the client hung up at its limit, as it should
      }
    });
    route("nested", exchange -> answer(exchange, 200, "application/json",
        ("[".repeat(5_000) + "]".repeat(5_000)).getBytes(StandardCharsets.UTF_8)));
    route("html", exchange -> answer(exchange, 200, "text/html; charset=utf-8",
        "<html><body>Unicorn! This page is taking way too long to load.</body></html>"
            .getBytes(StandardCharsets.UTF_8)));
    route("missing", exchange -> answer(exchange, 404, "application/json",
        "{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com/rest\"}"
            .getBytes(StandardCharsets.UTF_8)));
    monitor = PRMonitor.builder().config(ProcessorConfig.builder()
        .repositories("o/corrupt", "o/huge", "o/nested", "o/html", "o/missing")
        .githubBaseUrl("http://127.0.0.1:" + server.getAddress().getPort())
        .githubToken(TOKEN)
        .jdbcUrl(new StoreTarget.H2(directory).jdbcUrl())
        .build()).build();

    RunReport report = monitor.run();

    assertThat(report.repositoriesDone()).as(report.toJson()).isEqualTo(1);
    assertThat(report.pullRequestsSkipped()).isEqualTo(4);
    assertThat(report.pullRequestsSeen()).isEqualTo(truth.size() - 4);
    assertThat(monitor.store().allPullRequests(new RepositoryId("o", "corrupt")))
        .containsExactlyElementsOf(truth.stream().filter(pr -> !spoiled.contains(pr.number())).toList());
    assertThat(report.failed()).containsOnlyKeys("o/huge", "o/nested", "o/html", "o/missing");
    assertThat(report.failed().get("o/huge")).contains("too large");
    assertThat(report.failed().get("o/nested")).containsIgnoringCase("nesting");
    assertThat(report.failed().get("o/html")).contains("Content-Type").contains("text/html");
    assertThat(report.failed().get("o/missing")).containsIgnoringCase("not found");
    assertThat(requests).as("one request per repository: none of these is retried").hasSize(5)
        .allSatisfy((path, count) -> assertThat(count.get()).as(path).isEqualTo(1));
  }

  @Test
  void linkLoops_stopAtTheFirstRepeatedPage() throws Exception {
    RepositoryId real = simulator.repositories().get(0);
    ArrayNode page = (ArrayNode) JSON.readTree(fetchPage(real));
    ArrayNode first = JSON.createArrayNode();
    ArrayNode second = JSON.createArrayNode();
    for (int i = 0; i < page.size(); i++) {
      (i < 30 ? first : second).add(page.get(i));
    }
    byte[] firstPage = JSON.writeValueAsBytes(first);
    byte[] secondPage = JSON.writeValueAsBytes(second);
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    // page 1 links to page 2, which links back to page 1 under another URL (its content repeats)
    route("loop", exchange -> {
      boolean two = "page=2".equals(exchange.getRequestURI().getQuery());
      exchange.getResponseHeaders().set("Link", "<" + base + "/repos/o/loop/pulls?page=" + (two ? 1 : 2)
          + ">; rel=\"next\"");
      answer(exchange, 200, "application/json", two ? secondPage : firstPage);
    });
    // every page links to page 2 (its URL repeats: not requested again)
    route("stuck", exchange -> {
      boolean two = "page=2".equals(exchange.getRequestURI().getQuery());
      exchange.getResponseHeaders().set("Link", "<" + base + "/repos/o/stuck/pulls?page=2>; rel=\"next\"");
      answer(exchange, 200, "application/json", two ? secondPage : firstPage);
    });
    monitor = PRMonitor.builder().config(ProcessorConfig.builder()
        .repositories("o/loop", "o/stuck")
        .githubBaseUrl(base)
        .githubToken(TOKEN)
        .jdbcUrl(new StoreTarget.H2(directory).jdbcUrl())
        .build()).build();

    RunReport report = monitor.run();

    assertThat(report.failed()).as(report.toJson()).containsOnlyKeys("o/loop", "o/stuck");
    assertThat(report.failed().get("o/loop")).contains("repeats page 1 as page 3");
    assertThat(report.failed().get("o/stuck")).contains("links back to a page it already read after page 2");
    assertThat(requests.get("loop").get()).isEqualTo(3);
    assertThat(requests.get("stuck").get()).isEqualTo(2);
    assertThat(monitor.store().repositoryState(new RepositoryId("o", "loop")).lastCompletedAt()).isNull();
  }

  private interface Handler {
    void handle(HttpExchange exchange) throws IOException;
  }

  private void route(String name, Handler handler) {
    server.createContext("/repos/o/" + name + "/pulls", exchange -> {
      requests.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
      try (exchange) {
        handler.handle(exchange);
      }
    });
  }

  private static void answer(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private byte[] fetchPage(RepositoryId repository) throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/repos/"
              + repository.fullName() + "/pulls?state=all&sort=updated&direction=desc&per_page=100"))
          .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(response.statusCode()).isEqualTo(200);
      return response.body();
    }
  }
}
