package io.prmonitor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.WebhookConfig;
import io.prmonitor.jdbc.JdbcPullRequestStore;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.simulator.WebhookSender;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.StoreSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three leased workers sharing one PostgreSQL schema behind one webhook address: a loopback front hands each
 * delivery to a worker picked at random, so duplicates and redeliveries of one event land on different
 * workers. Each event is taken up by exactly one worker (the delivery record in the store decides), the store
 * equals the truth after the next pass, and every change is recorded once.
 */
class WebhookFleetTest {

  private static final String TOKEN = "test_webhook_fleet_token";
  private static final String SECRET = "webhook-fleet-secret";

  private GitHubSimulator simulator;
  private StoreTarget.Postgres target;
  private final List<JdbcPullRequestStore> stores = new ArrayList<>();
  private final List<PRMonitor> workers = new ArrayList<>();
  private final List<SimpleMeterRegistry> registries = new ArrayList<>();
  private final List<List<PullRequestChange>> received = new ArrayList<>();
  private HttpServer front;
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    if (front != null) {
      front.stop(0);
    }
    workers.forEach(PRMonitor::close);
    stores.forEach(JdbcPullRequestStore::close);
    if (simulator != null) {
      simulator.close();
    }
    if (target != null) {
      target.close();
    }
    http.close();
  }

  private double sum(String meter, String outcome) {
    return registries.stream().mapToDouble(r -> {
      var search = r.find(meter).tag("outcome", outcome);
      return search.timer() != null ? search.timer().count() : search.counter() != null ? search.counter().count() : 0;
    }).sum();
  }

  @Test
  void threeWorkersBehindOneAddress_processEachEventOnce() throws Exception {
    target = StoreTarget.Postgres.create();
    simulator = GitHubSimulator.builder().repositories(6).pullRequestsPerRepository(50).seed(29L).tokens(TOKEN)
        .start();
    for (int i = 0; i < 3; i++) {
      JdbcPullRequestStore store = JdbcPullRequestStore.create(new StoreSettings(target.jdbcUrl(), target.user(), null,
          6, Duration.ofSeconds(30), Map.of()));
      stores.add(store);
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      registries.add(registry);
      List<PullRequestChange> changes = new CopyOnWriteArrayList<>();
      received.add(changes);
      workers.add(PRMonitor.builder().store(store).listener(changes::add).meterRegistry(registry)
          .config(ProcessorConfig.builder().repositories(simulator.repositories()).githubBaseUrl(simulator.baseUrl())
              .githubToken(TOKEN).serverTimeBudget(null, Duration.ofSeconds(60)).maxConcurrentRepositories(3)
              .leases(true).workerId("worker-" + i).monitorName("worker-" + i)
              .leaseDuration(Duration.ofSeconds(10)).build())
          .webhooks(WebhookConfig.builder().secret(SECRET).debounce(Duration.ofMillis(50)).build())
          .httpEndpoint(new InetSocketAddress("127.0.0.1", 0)).build());
    }
    workers.get(0).run();
    front = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    front.createContext("/webhooks", exchange -> {
      PRMonitor worker = workers.get(ThreadLocalRandom.current().nextInt(workers.size()));
      HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + worker.httpAddress().orElseThrow().getPort() + "/webhooks"));
      exchange.getRequestHeaders().forEach((name, values) -> {
        if (name.startsWith("X-") || name.equalsIgnoreCase("Content-Type")) {
          forward.header(name, values.get(0));
        }
      });
      try {
        HttpResponse<byte[]> answer = http.send(forward.POST(HttpRequest.BodyPublishers.ofByteArray(
            exchange.getRequestBody().readAllBytes())).build(), HttpResponse.BodyHandlers.ofByteArray());
        exchange.sendResponseHeaders(answer.statusCode(), -1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(502, -1);
      } finally {
        exchange.close();
      }
    });
    front.start();
    simulator.webhooks().register(URI.create("http://127.0.0.1:" + front.getAddress().getPort() + "/webhooks"), SECRET)
        .seed(11).dropRate(0.1).duplicateRate(0.3).reorderRate(0.1);

    RandomMutations mutations = new RandomMutations(simulator, 41L);
    for (int round = 0; round < 3; round++) {
      mutations.round(30);
    }
    int redelivered = simulator.webhooks().redeliverDropped();
    WebhookSender.Stats sent = simulator.webhooks().stats();
    long posts = sent.created() + sent.duplicated();
    await().atMost(Duration.ofSeconds(60)).until(() -> simulator.webhooks().stats().sent() >= posts);
    assertThat(redelivered).isPositive();
    assertThat(sent.duplicated()).isPositive();

    assertThat(sum("prmonitor.webhook.deliveries", "accepted")).as("each event taken up by exactly one worker")
        .isEqualTo(sent.created());
    assertThat(sum("prmonitor.webhook.deliveries", "duplicate")).isEqualTo(sent.duplicated());
    assertThat(registries.stream().filter(r -> {
      var c = r.find("prmonitor.webhook.deliveries").tag("outcome", "accepted").timer();
      return c != null && c.count() > 0;
    }).count()).as("deliveries went to every worker").isEqualTo(3);
    try (Connection c = DriverManager.getConnection(target.jdbcUrl(), target.user(), null);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT delivery_id) FROM prmonitor_webhook_deliveries")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(sent.created()).isEqualTo(rs.getLong(2));
    }

    workers.get(1).run();

    for (RepositoryId repository : simulator.repositories()) {
      assertThat(stores.get(0).allPullRequests(repository)).as(repository.fullName())
          .containsExactlyElementsOf(simulator.truth(repository));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> stores.get(0).pendingChanges(0, 1).isEmpty());
    Set<String> union = new HashSet<>();
    for (List<PullRequestChange> changes : received) {
      List<String> keys = changes.stream().map(PullRequestChange::key).toList();
      assertThat(keys).as("no worker delivers a change twice").doesNotHaveDuplicates();
      union.addAll(keys);
    }
    try (Connection c = DriverManager.getConnection(target.jdbcUrl(), target.user(), null);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT change_key) FROM prmonitor_outbox")) {
      rs.next();
      assertThat(rs.getLong(1)).as("every change recorded once").isEqualTo(rs.getLong(2)).isEqualTo(union.size());
    }
    System.out.printf("webhook fleet: %d events, %d copies posted (%d duplicated, %d redelivered after a drop);"
            + " accepted per worker %s, duplicates %.0f, re-reads %.0f (leased elsewhere: %.0f); %d changes%n",
        sent.created(), posts, sent.duplicated(), redelivered, registries.stream().map(r -> {
          var c = r.find("prmonitor.webhook.deliveries").tag("outcome", "accepted").timer();
          return c == null ? 0L : c.count();
        }).toList(), sum("prmonitor.webhook.deliveries", "duplicate"), sum("prmonitor.webhook.reads", "read"),
        sum("prmonitor.webhook.reads", "leased"), union.size());
  }
}
