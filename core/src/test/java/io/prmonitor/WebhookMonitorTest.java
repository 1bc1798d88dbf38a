package io.prmonitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prmonitor.core.store.InMemoryPullRequestStore;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.ConfigurationException;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.contract.ForwardingPullRequestStore;
import io.prmonitor.spi.testing.MutableClock;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A monitor with webhooks against the simulator, whose deliveries reach the monitor's {@code POST /webhooks}:
 * a change arrives without a pass, a burst costs one list request, late and repeated deliveries cost none,
 * and polling relaxes while deliveries arrive.
 */
class WebhookMonitorTest {

  private static final String TOKEN = "test_webhook_monitor_token";
  private static final String SECRET = "monitor-webhook-secret";
  private static final String LIST = "GET /repos/{owner}/{repo}/pulls";

  private final InMemoryPullRequestStore store = new InMemoryPullRequestStore();
  private final List<PullRequestChange> received = new CopyOnWriteArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private GitHubSimulator simulator;
  private PRMonitor monitor;

  private void start(WebhookConfig webhooks, Clock clock, ProcessorConfig.Builder extra) {
    simulator = GitHubSimulator.builder().repositories(3).pullRequestsPerRepository(30).seed(19L).tokens(TOKEN)
        .start();
    ProcessorConfig config = extra.repositories(simulator.repositories()).githubBaseUrl(simulator.baseUrl())
        .githubToken(TOKEN).serverTimeBudget(null, Duration.ofSeconds(60)).build();
    monitor = PRMonitor.builder().config(config).store(store).clock(clock).listener(received::add)
        .meterRegistry(registry).webhooks(webhooks).httpEndpoint(new InetSocketAddress("127.0.0.1", 0)).build();
    simulator.webhooks().register(URI.create("http://127.0.0.1:" + monitor.httpAddress().orElseThrow().getPort()
        + "/webhooks"), SECRET);
  }

  private void start(Duration debounce) {
    start(WebhookConfig.builder().secret(SECRET).debounce(debounce).build(), Clock.systemUTC(),
        ProcessorConfig.builder());
  }

  @AfterEach
  void stop() {
    if (monitor != null) {
      monitor.close();
    }
    if (simulator != null) {
      simulator.close();
    }
  }

  private double reads(String outcome) {
    var counter = registry.find("prmonitor.webhook.reads").tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  private void assertStoreEqualsTruth() {
    for (RepositoryId repository : simulator.repositories()) {
      assertThat(store.allPullRequests(repository)).as(repository.fullName())
          .containsExactlyElementsOf(simulator.truth(repository));
    }
  }

  @Test
  void mutation_reachesTheListenerWithoutAPass() {
    start(Duration.ofMillis(50));
    monitor.run();
    simulator.resetStats();
    RepositoryId repo = simulator.repositories().get(1);

    simulator.editTitle(repo, 4, "changed through a webhook");

    await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 1);
    assertThat(received.get(0).repository()).isEqualTo(repo);
    assertThat(received.get(0).number()).isEqualTo(4);
    assertThat(simulator.stats().requests(LIST)).isEqualTo(1);
    assertThat(monitor.lastReport().orElseThrow().pass()).isEqualTo(1);
    assertStoreEqualsTruth();
  }

  @Test
  void burstOnOneRepository_costsOneListRequest() {
    start(Duration.ofMillis(1500));
    monitor.run();
    simulator.resetStats();
    RepositoryId repo = simulator.repositories().get(0);

    for (int number = 1; number <= 6; number++) {
      simulator.addLabel(repo, number, "burst");
    }

    await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 6);
    assertThat(simulator.webhooks().stats().sent()).isEqualTo(6);
    assertThat(simulator.stats().requests(LIST)).isEqualTo(1);
    assertThat(reads("read")).isEqualTo(1);
    assertStoreEqualsTruth();
  }

  @Test
  void eventDuringARead_schedulesOneMoreRead() {
    start(Duration.ofMillis(50));
    monitor.run();
    simulator.resetStats();
    RepositoryId repo = simulator.repositories().get(0);
    // once the re-read for the first change has listed page 1, a second change happens (and is delivered)
    simulator.afterPage(repo, 1, () -> simulator.editTitle(repo, 5, "changed while the first read ran"));

    simulator.editTitle(repo, 4, "first change");

    await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 2);
    assertThat(received).extracting(PullRequestChange::number).containsExactly(4, 5);
    assertThat(simulator.stats().requests(LIST)).isEqualTo(2);
    assertStoreEqualsTruth();
  }

  @Test
  void ciEvent_rereadsTheListUntilEnrichmentPlugsIn() throws Exception {
    start(Duration.ofMillis(20));
    monitor.run();
    simulator.resetStats();
    byte[] body = ("{\"action\":\"completed\",\"check_run\":{\"id\":4,\"head_sha\":\"ec26c3e57ca3a959ca5aad62de7213c562f8c821\","
        + "\"pull_requests\":[{\"number\":3}]},\"repository\":{\"full_name\":\""
        + simulator.repositories().get(1).fullName() + "\"}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);

    HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + monitor.httpAddress().orElseThrow().getPort() + "/webhooks"))
        .header("X-GitHub-Event", "check_run").header("X-GitHub-Delivery", "check-run-1")
        .header("X-Hub-Signature-256", sign(body)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(20)).until(() -> reads("read") == 1);
    assertThat(simulator.stats().requests(LIST, 304)).as("one conditional list request, nothing changed").isEqualTo(1);
    assertThat(received).isEmpty();
  }

  /** Posts a signed delivery of {@code event} to the monitor's endpoint; returns the HTTP status. */
  private int post(String event, String deliveryId, String json) throws Exception {
    byte[] body = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + monitor.httpAddress().orElseThrow().getPort() + "/webhooks"))
        .header("X-GitHub-Event", event).header("X-GitHub-Delivery", deliveryId)
        .header("X-Hub-Signature-256", sign(body)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private void startWithEnrichment() {
    start(WebhookConfig.builder().secret(SECRET).debounce(Duration.ofMillis(20)).build(), Clock.systemUTC(),
        ProcessorConfig.builder().enrichment(io.prmonitor.spi.EnrichmentMode.GRAPHQL));
  }

  @Test
  void checkRunEvent_withEnrichment_deliversChecksChangedWithoutAPassOrAListRequest() throws Exception {
    startWithEnrichment();
    monitor.run();
    RepositoryId repo = simulator.repositories().get(1);
    PullRequest pr = simulator.truth(repo).stream().filter(PullRequest::isOpen).findFirst().orElseThrow();
    String before = simulator.enrichmentTruth(repo).get(pr.number()).checks().name();
    // a check run moves neither updated_at nor the list, and the simulator sends no webhook for it
    simulator.setCheckRun(repo, pr.number(), "webhook-ci", "completed",
        before.equals("FAILURE") ? "success" : "failure");
    String after = simulator.enrichmentTruth(repo).get(pr.number()).checks().name();
    assertThat(after).isNotEqualTo(before);
    simulator.resetStats();

    int status = post("check_run", "check-run-enriched", "{\"action\":\"completed\",\"check_run\":{\"id\":7,"
        + "\"head_sha\":\"" + pr.headSha() + "\",\"pull_requests\":[{\"number\":" + pr.number() + "}]},"
        + "\"repository\":{\"full_name\":\"" + repo.fullName() + "\"}}");

    assertThat(status).isEqualTo(202);
    await().atMost(Duration.ofSeconds(20)).until(() -> !received.isEmpty());
    assertThat(received).singleElement().satisfies(change -> {
      assertThat(change.kind()).isEqualTo(io.prmonitor.spi.ChangeKind.CHECKS_CHANGED);
      assertThat(change.repository()).isEqualTo(repo);
      assertThat(change.number()).isEqualTo(pr.number());
      assertThat(change.before()).isEqualTo(before);
      assertThat(change.after()).isEqualTo(after);
    });
    assertThat(reads("enriched")).isEqualTo(1);
    assertThat(simulator.stats().requests()).as("no REST request: one GraphQL query").isZero();
    assertThat(simulator.graphqlStats().queries()).isEqualTo(1);
    assertThat(monitor.lastReport().orElseThrow().pass()).isEqualTo(1);
  }

  @Test
  void statusEvent_withEnrichment_rereadsTheOpenPullRequestsCi_andDeliversTheChange() throws Exception {
    startWithEnrichment();
    monitor.run();
    RepositoryId repo = simulator.repositories().get(0);
    PullRequest pr = simulator.truth(repo).stream().filter(PullRequest::isOpen).findFirst().orElseThrow();
    String before = simulator.enrichmentTruth(repo).get(pr.number()).checks().name();
    simulator.setCommitStatus(repo, pr.number(), "webhook/status", before.equals("ERROR") ? "success" : "error");
    String after = simulator.enrichmentTruth(repo).get(pr.number()).checks().name();
    assertThat(after).isNotEqualTo(before);
    simulator.resetStats();

    // a status event names a commit, not a pull request
    int status = post("status", "status-enriched", "{\"sha\":\"" + pr.headSha() + "\",\"state\":\"error\","
        + "\"context\":\"webhook/status\",\"repository\":{\"full_name\":\"" + repo.fullName() + "\"}}");

    assertThat(status).isEqualTo(202);
    await().atMost(Duration.ofSeconds(20)).until(() -> !received.isEmpty());
    assertThat(received).singleElement().satisfies(change -> {
      assertThat(change.kind()).isEqualTo(io.prmonitor.spi.ChangeKind.CHECKS_CHANGED);
      assertThat(change.number()).isEqualTo(pr.number());
      assertThat(change.after()).isEqualTo(after);
    });
    assertThat(simulator.stats().requests()).as("no REST request").isZero();
    assertThat(simulator.graphqlStats().queries()).as("the repository's open pull requests' CI in one query")
        .isEqualTo(1);
    assertThat(simulator.graphqlStats().points()).isEqualTo(1);
  }

  @Test
  void reviewEvent_withEnrichment_deliversTheSubmittedReviewWithoutAPass() throws Exception {
    startWithEnrichment();
    monitor.run();
    RepositoryId repo = simulator.repositories().get(2);
    PullRequest pr = simulator.truth(repo).stream().filter(PullRequest::isOpen).findFirst().orElseThrow();

    // the simulator sends a pull_request delivery for the bumped updated_at; GitHub sends pull_request_review
    simulator.submitReview(repo, pr.number(), "webhook-reviewer", io.prmonitor.spi.ReviewState.APPROVED);
    int status = post("pull_request_review", "review-enriched", "{\"action\":\"submitted\",\"review\":{\"id\":9,"
        + "\"state\":\"approved\"},\"pull_request\":{\"number\":" + pr.number() + "},"
        + "\"repository\":{\"full_name\":\"" + repo.fullName() + "\"}}");

    assertThat(status).isEqualTo(202);
    await().atMost(Duration.ofSeconds(20)).until(() -> received.stream()
        .anyMatch(change -> change.kind() == io.prmonitor.spi.ChangeKind.REVIEW_SUBMITTED));
    assertThat(received).filteredOn(change -> change.kind() == io.prmonitor.spi.ChangeKind.REVIEW_SUBMITTED)
        .singleElement().satisfies(change -> {
          assertThat(change.repository()).isEqualTo(repo);
          assertThat(change.number()).isEqualTo(pr.number());
          assertThat(change.after()).isEqualTo("webhook-reviewer:APPROVED");
        });
    assertThat(monitor.lastReport().orElseThrow().pass()).isEqualTo(1);
    assertThat(store.enrichments(repo, List.of(pr.number())).get(pr.number()).latestReviews())
        .containsEntry("webhook-reviewer", io.prmonitor.spi.ReviewState.APPROVED);
  }

  @Test
  void lateAndRepeatedEvents_requestNothingAndChangeNothing() throws Exception {
    start(Duration.ofMillis(20));
    monitor.run();
    RepositoryId repo = simulator.repositories().get(2);
    simulator.editTitle(repo, 9, "first");
    await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 1);
    String firstDelivery = simulator.webhooks().deliveries().keySet().iterator().next();
    simulator.editTitle(repo, 9, "second");
    await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 2);
    simulator.resetStats();

    // the first delivery again (GitHub's redelivery keeps its id) and its payload under a new id: both late
    simulator.webhooks().redeliver(firstDelivery);
    var late = simulator.webhooks().deliveries().get(firstDelivery);
    HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + monitor.httpAddress().orElseThrow().getPort() + "/webhooks"))
        .header("X-GitHub-Event", "pull_request").header("X-GitHub-Delivery", "replayed-under-a-new-id")
        .header("X-Hub-Signature-256", sign(late.body())).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(late.body())).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(20)).until(() -> reads("stale") == 1);
    assertThat(simulator.stats().requests(LIST)).as("a late event requests nothing").isZero();
    assertThat(received).hasSize(2);
    assertThat(store.allPullRequests(repo).get(8).title()).isEqualTo("second");
    assertThat(registry.find("prmonitor.webhook.deliveries").tag("outcome", "duplicate").timer().count())
        .isEqualTo(1);
  }

  private static String sign(byte[] body) throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        "HmacSHA256"));
    return "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(body));
  }

  @Test
  void forgedDelivery_isRefusedOnTheEndpointAndChangesNothing() throws Exception {
    start(Duration.ofMillis(20));
    monitor.run();
    simulator.resetStats();
    byte[] body = ("{\"action\":\"edited\",\"number\":1,\"pull_request\":{\"number\":1,\"updated_at\":"
        + "\"2030-01-01T00:00:00Z\"},\"repository\":{\"full_name\":\"" + simulator.repositories().get(0).fullName()
        + "\"}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);

    HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + monitor.httpAddress().orElseThrow().getPort() + "/webhooks"))
        .header("X-GitHub-Event", "pull_request").header("X-GitHub-Delivery", "forged-1")
        .header("X-Hub-Signature-256", "sha256=" + "ab".repeat(32))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(401);
    assertThat(store.recordDelivery("forged-1", Instant.now())).as("not recorded").isTrue();
    assertThat(simulator.stats().requests()).isZero();
    assertThat(monitor.health().details().get("webhooks")).contains("1 signature failures");
    assertThat(monitor.health().checks().get("webhooks")).isEqualTo(Health.Status.DEGRADED);
  }

  @Test
  void health_showsWebhookLiveness() {
    start(Duration.ofMillis(20));
    monitor.run();
    simulator.editTitle(simulator.repositories().get(0), 2, "live");
    await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 1);

    Health health = monitor.health();
    assertThat(health.checks()).containsEntry("webhooks", Health.Status.UP);
    assertThat(health.details().get("webhooks")).contains("last delivery 0 s ago").contains("1 in the last minute")
        .contains("0 signature failures");
    assertThat(registry.find("prmonitor.webhook.last.delivery").gauge().value()).isPositive();
  }

  @Test
  void passes_relaxWhileWebhooksAreHealthy_onTheInjectedClock() {
    MutableClock clock = new MutableClock(Instant.now());
    start(WebhookConfig.builder().secret(SECRET).healthyPassInterval(Duration.ofMinutes(30))
            .healthyWithin(Duration.ofMinutes(15)).build(), clock,
        ProcessorConfig.builder().passInterval(Duration.ofMillis(20)));
    monitor.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> monitor.passesRun() >= 2);
    assertThat(monitor.currentPassInterval()).isEqualTo(Duration.ofMillis(20));

    simulator.editTitle(simulator.repositories().get(0), 2, "makes webhooks healthy");
    await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 1);
    assertThat(monitor.currentPassInterval()).isEqualTo(Duration.ofMinutes(30));
    long passes = monitor.passesRun();
    long ticks = monitor.schedulerTicks();
    await().atMost(Duration.ofSeconds(20)).until(() -> monitor.schedulerTicks() >= ticks + 10);
    assertThat(monitor.passesRun()).as("no pass while healthy and within 30 minutes").isLessThanOrEqualTo(passes + 1);
    long relaxed = monitor.passesRun();

    clock.advance(Duration.ofMinutes(14));
    long ticks2 = monitor.schedulerTicks();
    await().atMost(Duration.ofSeconds(20)).until(() -> monitor.schedulerTicks() >= ticks2 + 10);
    assertThat(monitor.passesRun()).as("14 minutes on: still relaxed").isEqualTo(relaxed);

    clock.advance(Duration.ofMinutes(17));
    // 31 minutes after the last pass, and the last delivery 31 minutes old: webhooks quiet, normal interval
    await().atMost(Duration.ofSeconds(20)).until(() -> monitor.passesRun() >= relaxed + 3);
    assertThat(monitor.currentPassInterval()).isEqualTo(Duration.ofMillis(20));
  }

  @Test
  void build_healthyPassIntervalShorterThanPassInterval_isRefused() {
    ProcessorConfig config = ProcessorConfig.builder().repositories("o/r").passInterval(Duration.ofMinutes(5))
        .build();
    WebhookConfig webhooks = WebhookConfig.builder().secret(SECRET).healthyPassInterval(Duration.ofMinutes(1)).build();

    assertThatThrownBy(() -> PRMonitor.builder().config(config).store(store).webhooks(webhooks).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("healthyPassInterval (PT1M)");
  }

  @Test
  void build_storeWithoutDeliveryRecord_isRefused() {
    ProcessorConfig config = ProcessorConfig.builder().repositories("o/r").build();
    // a forwarding wrapper offers its delegate's record; this one withholds it, as a store that keeps none
    var plain = new ForwardingPullRequestStore() {
      @Override
      protected io.prmonitor.spi.PullRequestStore delegate() {
        return store;
      }

      @Override
      public java.util.Optional<io.prmonitor.spi.WebhookDeliveries> webhookDeliveries() {
        return java.util.Optional.empty();
      }
    };

    assertThatThrownBy(() -> PRMonitor.builder().config(config).store(plain)
        .webhooks(WebhookConfig.builder().secret(SECRET).build()).build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("WebhookDeliveries");
  }

  @Test
  void webhookConfig_rejectsBadValuesNamingThem() {
    assertThatThrownBy(() -> WebhookConfig.builder().secret("short")).hasMessageContaining("at least 8");
    assertThatThrownBy(() -> WebhookConfig.builder().debounce(Duration.ofMinutes(2))).hasMessageContaining("debounce");
    assertThatThrownBy(() -> WebhookConfig.builder().build()).isInstanceOf(IllegalStateException.class);
    assertThat(WebhookConfig.builder().secret(SECRET).build().toString()).doesNotContain(SECRET)
        .contains("1 masked");
  }
}
