package io.prmonitor.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.prmonitor.github.ratelimit.Backoff;
import io.prmonitor.github.ratelimit.FakeTime;
import io.prmonitor.github.ratelimit.Ticker;
import io.prmonitor.spi.EnrichmentMode;
import io.prmonitor.spi.EnrichmentResult;
import io.prmonitor.spi.EnrichmentTarget;
import io.prmonitor.spi.GitHubClientListener;
import io.prmonitor.spi.GitHubClientSettings;
import io.prmonitor.spi.GitHubCredentials;
import io.prmonitor.spi.PageRequest;
import io.prmonitor.spi.RateLimitExceededException;
import io.prmonitor.spi.RepositoryId;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The GraphQL request path is bounded and paced as REST's is: a body that stalls after the headers fails
 * within the request timeout, the server-time pacer is charged until the headers, and a secondary-limit
 * pause longer than the client waits defers the batch unsent instead of sending it anyway.
 */
class GraphQlLivenessTest {

  private static final String TOKEN = "test_graphqlLivenessToken123456";
  private static final RepositoryId REPO = new RepositoryId("octo", "hello");
  private static final List<EnrichmentTarget> TARGETS = List.of(
      new EnrichmentTarget(1, "aaa1", false, null), new EnrichmentTarget(2, "bbb2", false, null));
  /** A GraphQL answer for both targets. */
  private static final byte[] ANSWER = ("{\"data\":{\"rateLimit\":{\"cost\":1,\"remaining\":4990,"
      + "\"resetAt\":\"2099-01-01T00:00:00Z\"},\"r0\":{"
      + "\"p1\":{\"number\":1,\"headRefOid\":\"aaa1\",\"mergeable\":\"MERGEABLE\",\"reviewDecision\":null,"
      + "\"totalCommentsCount\":0,\"latestReviews\":{\"nodes\":[]}},"
      + "\"c1\":{\"oid\":\"aaa1\",\"statusCheckRollup\":{\"state\":\"SUCCESS\"}},"
      + "\"p2\":{\"number\":2,\"headRefOid\":\"bbb2\",\"mergeable\":\"MERGEABLE\",\"reviewDecision\":null,"
      + "\"totalCommentsCount\":0,\"latestReviews\":{\"nodes\":[]}},"
      + "\"c2\":{\"oid\":\"bbb2\",\"statusCheckRollup\":null}}}}").getBytes(StandardCharsets.UTF_8);
  private static final Duration TIMEOUT = Duration.ofMillis(1500);
  private static final Duration GENEROUS = Duration.ofSeconds(20);

  private final FakeTime time = new FakeTime();
  private final List<String> retries = new CopyOnWriteArrayList<>();
  /** Opened when the test ends: the raw server's stalls end with it instead of lingering. */
  private final CountDownLatch closing = new CountDownLatch(1);
  private RawHttpServer raw;
  private StubServer stub;
  private HttpGitHubClient client;

  @AfterEach
  void close() throws IOException {
    closing.countDown();
    if (client != null) {
      client.close();
    }
    if (raw != null) {
      raw.close();
    }
    if (stub != null) {
      stub.close();
    }
  }

  private void serverPause(long millis) throws InterruptedException {
    closing.await(millis, TimeUnit.MILLISECONDS);
  }

  private HttpGitHubClient client(URI baseUrl, Ticker ticker, Duration timeout) {
    GitHubClientSettings settings = GitHubClientSettings.builder()
        .baseUrl(baseUrl)
        .credentials(new GitHubCredentials.Token(TOKEN))
        .requestTimeout(timeout)
        .listener(new GitHubClientListener() {
          @Override
          public void onRetry(String endpoint, String reason, int attempt, Duration delay) {
            retries.add(reason);
          }
        })
        .build();
    client = new HttpGitHubClient(settings, ticker, time,
        new Backoff(settings.retryInitialDelay(), settings.retryBackoffFactor(), 0.0, () -> 0.5));
    return client;
  }

  @Test
  void enrich_graphqlBodyStalledAfterTheHeaders_failsWithinTheTimeoutAndIsRetried() throws IOException {
    raw = new RawHttpServer((n, out) -> {
      out.write(RawHttpServer.headers(200, ANSWER.length));
      if (n == 1) { // headers, ten bytes, then silence
        out.write(ANSWER, 0, 10);
        out.flush();
        serverPause(60_000);
      } else {
        out.write(ANSWER);
      }
    });
    client(raw.baseUrl(), time, TIMEOUT);

    EnrichmentResult result = assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> client.enrich(REPO, TARGETS, EnrichmentMode.GRAPHQL, 0));

    assertThat(result.enrichments()).extracting(e -> e.number()).containsExactlyInAnyOrder(1, 2);
    assertThat(retries).containsExactly("timeout reading the body");
    // a timeout halves the batch: the two pull requests are read one per query after it
    assertThat(raw.requests()).isEqualTo(3);
    assertThat(client.graphqlBatchSize()).isEqualTo(1);
  }

  @Test
  void enrich_graphqlPacer_countsServerTimeUntilTheHeadersNotTheBodysTransfer() throws IOException {
    raw = new RawHttpServer((n, out) -> {
      out.write(RawHttpServer.headers(200, ANSWER.length));
      out.flush();
      serverPause(400); // the body follows long after the headers
      out.write(ANSWER);
    });
    client(raw.baseUrl(), Ticker.SYSTEM, GENEROUS);

    EnrichmentResult result = client.enrich(REPO, TARGETS, EnrichmentMode.GRAPHQL, 0);

    assertThat(result.enrichments()).hasSize(2);
    assertThat(client.pacedServerTime()).isLessThan(Duration.ofMillis(300));
  }

  @Test
  void enrich_graphqlAfterARestSecondaryLimitOfADay_defersUnsent() throws IOException {
    stub = new StubServer(r -> StubServer.Reply.of(403,
        Map.of("Content-Type", "application/json", "Retry-After", "86400"),
        "{\"message\":\"You have exceeded a secondary rate limit.\"}"));
    client(stub.baseUrl(), time, GENEROUS);
    Assertions.assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(REPO, null)))
        .isInstanceOf(RateLimitExceededException.class);

    EnrichmentResult result = client.enrich(REPO, TARGETS, EnrichmentMode.GRAPHQL, 0);

    assertThat(result.deferred()).containsExactly(1, 2);
    assertThat(result.deferredReason()).startsWith("rate limit budget exhausted until ");
    assertThat(result.graphqlQueries()).isZero();
    assertThat(stub.received()).extracting(StubServer.Received::method).containsExactly("GET");
    assertThat(time.slept()).isEqualTo(Duration.ZERO);
  }

  @Test
  void enrich_graphqlSecondaryLimitOfADay_defersTheBatchAtOnce() throws IOException {
    AtomicInteger posts = new AtomicInteger();
    stub = new StubServer(r -> {
      posts.incrementAndGet();
      return StubServer.Reply.of(403, Map.of("Content-Type", "application/json", "Retry-After", "86400"),
          "{\"message\":\"You have exceeded a secondary rate limit.\"}");
    });
    client(stub.baseUrl(), time, GENEROUS);

    EnrichmentResult result = client.enrich(REPO, TARGETS, EnrichmentMode.GRAPHQL, 0);

    assertThat(result.deferred()).containsExactly(1, 2);
    assertThat(result.enrichments()).isEmpty();
    assertThat(posts.get()).isEqualTo(1);
    assertThat(time.slept()).isEqualTo(Duration.ZERO);
    // and every request after it, REST's too, is deferred unsent while the pause lasts
    Assertions.assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(REPO, null)))
        .isInstanceOf(RateLimitExceededException.class);
    assertThat(posts.get()).isEqualTo(1);
  }
}
