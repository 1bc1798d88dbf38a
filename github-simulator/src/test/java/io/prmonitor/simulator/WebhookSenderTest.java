package io.prmonitor.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.sun.net.httpserver.HttpServer;
import io.prmonitor.spi.RepositoryId;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator's webhook: GitHub's headers, signature and payload shape, and the fault knobs. */
class WebhookSenderTest {

  private static final String SECRET = "simulator-webhook-secret";

  /** One delivery as the receiving end saw it. */
  record Received(Map<String, String> headers, byte[] body) {
    JsonNode json() throws java.io.IOException {
      return Http.JSON.readTree(body);
    }
  }

  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private HttpServer receiver;
  private GitHubSimulator simulator;
  private RepositoryId repo;

  @BeforeEach
  void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext("/hook", exchange -> {
      Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
      byte[] body = exchange.getRequestBody().readAllBytes();
      received.add(new Received(headers, body));
      exchange.sendResponseHeaders(202, -1);
      exchange.close();
    });
    receiver.start();
    simulator = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(20).seed(3L).start();
    repo = simulator.repositories().get(0);
    simulator.webhooks().register(URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"), SECRET);
  }

  @AfterEach
  void stop() {
    simulator.close();
    receiver.stop(0);
  }

  private Received next() throws InterruptedException {
    Received r = received.poll(10, TimeUnit.SECONDS);
    assertThat(r).as("a delivery arrived").isNotNull();
    return r;
  }

  @Test
  void mutation_isSentAsASignedPullRequestDelivery() throws Exception {
    simulator.editTitle(repo, 3, "A new title");

    Received delivery = next();
    assertThat(delivery.headers()).containsEntry("X-GitHub-Event", "pull_request")
        .containsEntry("X-GitHub-Hook-ID", Long.toString(WebhookSender.HOOK_ID))
        .containsKey("X-GitHub-Delivery");
    assertThat(delivery.headers().get("User-Agent")).startsWith("GitHub-Hookshot/");
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    assertThat(delivery.headers().get("X-Hub-Signature-256"))
        .isEqualTo("sha256=" + HexFormat.of().formatHex(mac.doFinal(delivery.body())));
    JsonNode json = delivery.json();
    assertThat(json.get("action").asText()).isEqualTo("edited");
    assertThat(json.at("/changes/title/from").isTextual()).isTrue();
    assertThat(json.get("number").asInt()).isEqualTo(3);
    assertThat(json.at("/pull_request/title").asText()).isEqualTo("A new title");
    assertThat(json.at("/pull_request/updated_at").asText())
        .isEqualTo(simulator.truth(repo).get(2).updatedAt().toString());
    assertThat(json.at("/repository/full_name").asText()).isEqualTo(repo.fullName());
    assertThat(json.at("/sender/login").isTextual()).isTrue();
    try (InputStream in = getClass().getResourceAsStream("/github-reference/pull-request.lenient.schema.json")) {
      var errors = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(Http.JSON.readTree(in))
          .validate(json.get("pull_request"));
      assertThat(errors).isEmpty();
    }
  }

  @Test
  void actions_areGitHubs() throws Exception {
    simulator.pushCommits(repo, 1);
    simulator.addLabel(repo, 1, "bug-xyz");
    simulator.requestReview(repo, 1, "reviewer-z");
    simulator.assign(repo, 1, "assignee-z");
    int opened = simulator.openPullRequest(repo);
    simulator.close(repo, opened);
    simulator.reopen(repo, opened);

    List<String> actions = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      actions.add(next().json().get("action").asText());
    }
    assertThat(actions).containsExactly("synchronize", "labeled", "review_requested", "assigned", "opened", "closed",
        "reopened");
  }

  @Test
  void knobs_dropDuplicateAndReorder_thenRedeliver() throws Exception {
    simulator.webhooks().seed(5).dropRate(0.2).duplicateRate(0.2).reorderRate(0.2);
    for (int i = 0; i < 40; i++) {
      simulator.editTitle(repo, 1 + i % 20, "title " + i);
    }
    WebhookSender.Stats stats = simulator.webhooks().stats();
    long expected = stats.created() - stats.dropped() + stats.duplicated();
    List<String> ids = new ArrayList<>();
    for (long i = 0; i < expected; i++) {
      ids.add(next().headers().get("X-GitHub-Delivery"));
    }
    assertThat(stats.dropped()).isPositive();
    assertThat(stats.duplicated()).isPositive();
    assertThat(stats.reordered()).isPositive();
    assertThat(ids.stream().distinct().count()).isEqualTo(stats.created() - stats.dropped());

    int again = simulator.webhooks().redeliverDropped();
    assertThat(again).isEqualTo((int) stats.dropped());
    for (int i = 0; i < again; i++) {
      ids.add(next().headers().get("X-GitHub-Delivery"));
    }
    assertThat(ids).containsAll(simulator.webhooks().deliveries().keySet());
    assertThat(received.poll(200, TimeUnit.MILLISECONDS)).as("nothing more").isNull();
  }

  @Test
  void register_nonLoopbackUrl_isRefused() {
    assertThatThrownBy(() -> simulator.webhooks().register(URI.create("http://192.0.2.1/hook"), SECRET))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback");
  }
}
