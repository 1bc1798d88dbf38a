package io.prmonitor.core.webhook;

import static io.prmonitor.core.webhook.Deliveries.bytes;
import static io.prmonitor.core.webhook.Deliveries.headers;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prmonitor.WebhookConfig;
import io.prmonitor.WebhookReceiver;
import io.prmonitor.WebhookResponse;
import io.prmonitor.core.metrics.MonitorMetrics;
import io.prmonitor.core.store.InMemoryPullRequestStore;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.StoreException;
import io.prmonitor.spi.WebhookDeliveries;
import io.prmonitor.spi.testing.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GitHubWebhookReceiverTest {

  private static final String SECRET = "It's a Secret to Everybody";
  private static final String OLD_SECRET = "rotated-out-secret-0123456789";
  private static final String REPO = "Codertocat/Hello-World";
  private static final String SHA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
  private static final String GUID = "72d3162e-cc78-11e3-81ab-4c9367dc0958";

  private final MutableClock clock = new MutableClock(Instant.parse("2024-05-01T10:00:00Z"));
  private final InMemoryPullRequestStore store = new InMemoryPullRequestStore();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MonitorMetrics metrics = new MonitorMetrics(registry, "test");
  private final WebhookStats stats = new WebhookStats(clock);
  private final List<WebhookEvent> handed = new CopyOnWriteArrayList<>();

  private GitHubWebhookReceiver receiver(WebhookDeliveries deliveries, int cap, String... secrets) {
    WebhookConfig.Builder config = WebhookConfig.builder();
    for (String secret : secrets) {
      config.secret(secret);
    }
    Function<RepositoryId, RepositoryId> watched = id -> id.fullName().equalsIgnoreCase(REPO)
        ? RepositoryId.parse(REPO) : null;
    return new GitHubWebhookReceiver(config.build(), deliveries, watched, handed::add, stats, metrics, clock, cap);
  }

  private GitHubWebhookReceiver receiver() {
    return receiver(store, WebhookReceiver.MAX_PAYLOAD_BYTES, SECRET);
  }

  private static WebhookResponse send(WebhookReceiver receiver, String event, String delivery, String json,
      String secret) {
    byte[] body = bytes(json);
    return receiver.receive(headers(event, delivery, body, secret), new ByteArrayInputStream(body));
  }

  @AfterEach
  void close() {
    metrics.close();
    store.close();
  }

  private double count(String outcome) {
    var timer = registry.find("prmonitor.webhook.deliveries").tag("outcome", outcome).timer();
    return timer == null ? 0 : timer.count();
  }

  @Test
  void signature_matchesGitHubsPublishedTestVector() {
    assertThat(Signatures.sign(SECRET, bytes("Hello, World!")))
        .isEqualTo("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
  }

  @Test
  void receive_signedPullRequestEvent_isAcceptedAndHandedOn() {
    WebhookResponse answer = send(receiver(), "pull_request", GUID,
        Deliveries.pullRequest(REPO, 2, "2019-05-15T15:20:56Z", SHA), SECRET);

    assertThat(answer.status()).isEqualTo(202);
    assertThat(handed).containsExactly(new WebhookEvent(RepositoryId.parse(REPO), WebhookEvent.Kind.PULL_REQUEST,
        List.of(new WebhookEvent.Hint(2, Instant.parse("2019-05-15T15:20:56Z"), SHA))));
    assertThat(stats.lastDelivery()).isEqualTo(clock.instant());
    assertThat(count("accepted")).isEqualTo(1);
  }

  @Test
  void receive_unsigned_is401AndChangesNothing() {
    WebhookResponse answer = send(receiver(), "pull_request", GUID,
        Deliveries.pullRequest(REPO, 2, "2019-05-15T15:20:56Z", SHA), null);

    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.message()).contains("missing X-Hub-Signature-256");
    assertThat(handed).isEmpty();
    assertThat(store.recordDelivery(GUID, clock.instant())).as("the delivery id was not recorded").isTrue();
    assertThat(stats.signatureFailures()).isEqualTo(1);
    assertThat(stats.lastDelivery()).isNull();
  }

  @Test
  void receive_signedWithAnotherSecret_is401AndChangesNothing() {
    WebhookResponse answer = send(receiver(), "pull_request", GUID,
        Deliveries.pullRequest(REPO, 2, "2019-05-15T15:20:56Z", SHA), "some-other-secret-42");

    assertThat(answer.status()).isEqualTo(401);
    assertThat(handed).isEmpty();
    assertThat(store.recordDelivery(GUID, clock.instant())).isTrue();
    assertThat(count("unauthorized")).isEqualTo(1);
  }

  @Test
  void receive_bodyAlteredAfterSigning_is401() {
    byte[] signed = bytes(Deliveries.pullRequest(REPO, 2, "2019-05-15T15:20:56Z", SHA));
    byte[] forged = bytes(Deliveries.pullRequest(REPO, 3, "2019-05-15T15:20:56Z", SHA));

    WebhookResponse answer = receiver().receive(headers("pull_request", GUID, signed, SECRET),
        new ByteArrayInputStream(forged));

    assertThat(answer.status()).isEqualTo(401);
    assertThat(handed).isEmpty();
  }

  @Test
  void receive_malformedSignatureHeaders_are401() {
    byte[] body = bytes(Deliveries.ping());
    for (String header : List.of("", "sha256=", "sha1=" + "0".repeat(40), "sha256=" + "z".repeat(64),
        "sha256=" + "0".repeat(63), Signatures.sign(SECRET, body).substring(7))) {
      Map<String, String> map = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      map.put("X-GitHub-Event", "ping");
      map.put("X-GitHub-Delivery", GUID);
      map.put("X-Hub-Signature-256", header);
      assertThat(receiver().receive(map::get, new ByteArrayInputStream(body)).status()).as(header).isEqualTo(401);
    }
  }

  @Test
  void receive_eitherRotatedSecret_isAccepted() {
    GitHubWebhookReceiver receiver = receiver(store, WebhookReceiver.MAX_PAYLOAD_BYTES, SECRET, OLD_SECRET);

    assertThat(send(receiver, "pull_request", "a", Deliveries.pullRequest(REPO, 2, "2019-05-15T15:20:56Z", SHA),
        SECRET).status()).isEqualTo(202);
    assertThat(send(receiver, "pull_request", "b", Deliveries.pullRequest(REPO, 3, "2019-05-15T15:20:56Z", SHA),
        OLD_SECRET).status()).isEqualTo(202);
    assertThat(handed).hasSize(2);
  }

  @Test
  void receive_replayedDelivery_isAcknowledgedAndHandedOnOnce() {
    String json = Deliveries.pullRequest(REPO, 2, "2019-05-15T15:20:56Z", SHA);
    GitHubWebhookReceiver receiver = receiver();

    WebhookResponse first = send(receiver, "pull_request", GUID, json, SECRET);
    WebhookResponse replay = send(receiver, "pull_request", GUID, json, SECRET);

    assertThat(first.status()).isEqualTo(202);
    assertThat(replay.status()).isEqualTo(202);
    assertThat(replay.message()).contains("already received");
    assertThat(handed).hasSize(1);
    assertThat(count("duplicate")).isEqualTo(1);
  }

  @Test
  void receive_bodyOverTheCap_is413WithoutReadingFurther() {
    GitHubWebhookReceiver receiver = receiver(store, 1024, SECRET);
    byte[] body = bytes(Deliveries.pullRequest(REPO, 2, "2019-05-15T15:20:56Z", SHA) + " ".repeat(2000));
    AtomicInteger read = new AtomicInteger();
    InputStream counting = new java.io.FilterInputStream(new ByteArrayInputStream(body)) {
      @Override
      public int read(byte[] b, int off, int len) throws java.io.IOException {
        int n = super.read(b, off, len);
        read.addAndGet(Math.max(0, n));
        return n;
      }
    };
    Map<String, String> noLength = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    noLength.put("X-GitHub-Event", "pull_request");
    noLength.put("X-GitHub-Delivery", GUID);
    noLength.put("X-Hub-Signature-256", Signatures.sign(SECRET, body));

    assertThat(receiver.receive(noLength::get, counting).status()).isEqualTo(413);
    assertThat(read.get()).isEqualTo(1025);
    assertThat(receiver.receive(headers("pull_request", GUID, body, SECRET), new ByteArrayInputStream(body))
        .status()).as("declared Content-Length over the cap").isEqualTo(413);
    assertThat(handed).isEmpty();
  }

  @Test
  void maxPayload_isGitHubs25Megabytes() {
    assertThat(WebhookReceiver.MAX_PAYLOAD_BYTES).isEqualTo(25 * 1024 * 1024);
  }

  @Test
  void receive_unknownEvent_isAcknowledgedAndIgnored() {
    WebhookResponse answer = send(receiver(), "push", GUID, "{\"ref\":\"refs/heads/main\"," + Deliveries.repository(REPO)
        + "}", SECRET);

    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.message()).contains("ignored");
    assertThat(handed).isEmpty();
    assertThat(stats.verifiedDeliveries()).isEqualTo(1);
  }

  @Test
  void receive_ping_is200() {
    assertThat(send(receiver(), "ping", GUID, Deliveries.ping(), SECRET).status()).isEqualTo(200);
    assertThat(stats.lastDelivery()).isNotNull();
  }

  @Test
  void receive_missingEventOrDeliveryHeader_is400() {
    byte[] body = bytes(Deliveries.ping());
    Map<String, String> map = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    map.put("X-Hub-Signature-256", Signatures.sign(SECRET, body));
    map.put("X-GitHub-Delivery", GUID);
    assertThat(receiver().receive(map::get, new ByteArrayInputStream(body)).status()).isEqualTo(400);
    map.remove("X-GitHub-Delivery");
    map.put("X-GitHub-Event", "ping");
    assertThat(receiver().receive(map::get, new ByteArrayInputStream(body)).status()).isEqualTo(400);
  }

  @Test
  void receive_repositoryNotWatched_isIgnored() {
    WebhookResponse answer = send(receiver(), "pull_request", GUID,
        Deliveries.pullRequest("someone/else", 2, "2019-05-15T15:20:56Z", SHA), SECRET);

    assertThat(answer.status()).isEqualTo(202);
    assertThat(handed).isEmpty();
  }

  @Test
  void receive_repositoryNamedInAnotherCase_isTheWatchedOne() {
    send(receiver(), "pull_request", GUID, Deliveries.pullRequest("codertocat/hello-world", 2,
        "2019-05-15T15:20:56Z", SHA), SECRET);

    assertThat(handed).singleElement().extracting(WebhookEvent::repository).isEqualTo(RepositoryId.parse(REPO));
  }

  @Test
  void receive_reviewCommentAndCiEvents_nameTheirPullRequests() {
    GitHubWebhookReceiver receiver = receiver();
    send(receiver, "pull_request_review", "1", Deliveries.pullRequest(REPO, 7, "2019-05-15T15:20:56Z", SHA), SECRET);
    send(receiver, "issue_comment", "2", Deliveries.issueComment(REPO, 8, true), SECRET);
    send(receiver, "issue_comment", "3", Deliveries.issueComment(REPO, 9, false), SECRET);
    send(receiver, "check_run", "4", Deliveries.checkRun(REPO, 10, 11), SECRET);
    send(receiver, "status", "5", Deliveries.status(REPO), SECRET);

    RepositoryId repo = RepositoryId.parse(REPO);
    assertThat(handed).containsExactly(
        new WebhookEvent(repo, WebhookEvent.Kind.REVIEW, List.of(new WebhookEvent.Hint(7, null, null))),
        new WebhookEvent(repo, WebhookEvent.Kind.REVIEW, List.of(new WebhookEvent.Hint(8, null, null))),
        new WebhookEvent(repo, WebhookEvent.Kind.CI,
            List.of(new WebhookEvent.Hint(10, null, null), new WebhookEvent.Hint(11, null, null))),
        new WebhookEvent(repo, WebhookEvent.Kind.CI, List.of()));
  }

  @Test
  void receive_formEncodedPayload_isRead() {
    String json = Deliveries.pullRequest(REPO, 2, "2019-05-15T15:20:56Z", SHA);
    byte[] body = ("payload=" + java.net.URLEncoder.encode(json, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    Map<String, String> map = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    map.put("X-GitHub-Event", "pull_request");
    map.put("X-GitHub-Delivery", GUID);
    map.put("Content-Type", "application/x-www-form-urlencoded");
    map.put("X-Hub-Signature-256", Signatures.sign(SECRET, body));

    assertThat(receiver().receive(map::get, new ByteArrayInputStream(body)).status()).isEqualTo(202);
    assertThat(handed).singleElement().extracting(e -> e.hints().get(0).number()).isEqualTo(2);
  }

  @Test
  void receive_signedButMalformedPayload_is400AndNotRecorded() {
    for (String json : List.of("not json", "[1,2]", "{\"pull_request\":{\"number\":\"x\"}," + Deliveries.repository(REPO)
        + "}", "{\"pull_request\":{\"number\":1}}")) {
      assertThat(send(receiver(), "pull_request", GUID, json, SECRET).status()).as(json).isEqualTo(400);
    }
    assertThat(handed).isEmpty();
    assertThat(store.recordDelivery(GUID, clock.instant())).isTrue();
  }

  @Test
  void receive_storeCannotRecord_is503AndNothingIsHandedOn() {
    WebhookDeliveries broken = new WebhookDeliveries() {
      @Override
      public boolean recordDelivery(String deliveryId, Instant receivedAt) {
        throw new StoreException("record webhook delivery failed: connection refused");
      }

      @Override
      public int purgeDeliveries(Instant receivedBefore) {
        return 0;
      }
    };

    WebhookResponse answer = send(receiver(broken, WebhookReceiver.MAX_PAYLOAD_BYTES, SECRET), "pull_request", GUID,
        Deliveries.pullRequest(REPO, 2, "2019-05-15T15:20:56Z", SHA), SECRET);

    assertThat(answer.status()).isEqualTo(503);
    assertThat(handed).isEmpty();
  }

  @Test
  void receive_headerMapForm_matchesNamesCaseInsensitively() {
    byte[] body = bytes(Deliveries.ping());
    WebhookResponse answer = receiver().receive(Map.of("x-github-event", List.of("ping"), "X-GITHUB-DELIVERY",
        List.of(GUID), "x-hub-signature-256", List.of(Signatures.sign(SECRET, body))), body);

    assertThat(answer.status()).isEqualTo(200);
  }

  @Test
  void secret_isInNoLogLineAnswerOrToString() {
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    StringBuilder seen = new StringBuilder();
    System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
    try {
      GitHubWebhookReceiver receiver = receiver(store, 2048, SECRET, OLD_SECRET);
      String json = Deliveries.pullRequest(REPO, 2, "2019-05-15T15:20:56Z", SHA);
      for (String secret : new String[] {null, "wrong-secret-123456", SECRET}) {
        seen.append(send(receiver, "pull_request", "d-" + secret, json, secret));
      }
      seen.append(send(receiver, "pull_request", "bad", "{\"broken\":", SECRET));
      seen.append(send(receiver, "pull_request", "big", json + " ".repeat(4000), SECRET));
      seen.append(receiver).append(WebhookConfig.builder().secret(SECRET).secret(OLD_SECRET).build());
      registry.getMeters().forEach(meter -> seen.append(meter.getId()));
    } finally {
      System.setErr(originalErr);
    }
    String logText = logs.toString(StandardCharsets.UTF_8);

    assertThat(logText).as("the refusals were logged").contains("refused").contains("unreadable");
    for (String secret : List.of(SECRET, OLD_SECRET)) {
      assertThat(logText).doesNotContain(secret).doesNotContain(secret.substring(0, 8));
      assertThat(seen.toString()).doesNotContain(secret).doesNotContain(secret.substring(0, 8));
    }
  }
}
