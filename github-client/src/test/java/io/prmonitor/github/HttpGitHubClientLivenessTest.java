package io.prmonitor.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prmonitor.github.auth.CredentialRejection;
import io.prmonitor.github.ratelimit.Backoff;
import io.prmonitor.github.ratelimit.FakeTime;
import io.prmonitor.github.ratelimit.SecondaryLimitGate;
import io.prmonitor.github.ratelimit.Ticker;
import io.prmonitor.spi.GitHubAuthenticationException;
import io.prmonitor.spi.GitHubClientListener;
import io.prmonitor.spi.GitHubClientSettings;
import io.prmonitor.spi.GitHubCredentials;
import io.prmonitor.spi.GitHubException;
import io.prmonitor.spi.PageRequest;
import io.prmonitor.spi.PullRequestPage;
import io.prmonitor.spi.RateLimitExceededException;
import io.prmonitor.spi.RepositoryId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every wait of the client is bounded and every failure heals: hostile answers from loopback servers (a
 * stalled or trickling body, a day-long {@code Retry-After}, a reset in the year 2100, a transient 401,
 * gzipped error bodies, a server that does not speak TLS).
 */
class HttpGitHubClientLivenessTest {

  private static final String TOKEN = "test_livenessSecretToken123456";
  private static final RepositoryId REPO = new RepositoryId("octo", "hello");
  /** The request timeout where a test waits it out (stalled bodies). */
  private static final Duration TIMEOUT = Duration.ofMillis(1500);
  /** The request timeout elsewhere: long enough that a busy machine never times a request out. */
  private static final Duration GENEROUS = Duration.ofSeconds(20);
  private final FakeTime time = new FakeTime();
  private final List<String> retries = new CopyOnWriteArrayList<>();
  private StubServer stub;
  private RawHttpServer raw;
  private HttpGitHubClient client;
  /** Opened when the test ends: the stub servers' stalls and trickles end with it instead of lingering. */
  private final CountDownLatch closing = new CountDownLatch(1);

  /** A pause of the hostile server's own (a stall, the gap between trickled bytes), cut short at the test's end. */
  private void serverPause(long millis) throws InterruptedException {
    closing.await(millis, TimeUnit.MILLISECONDS);
  }

  @AfterEach
  void close() throws IOException {
    closing.countDown();
    if (client != null) {
      client.close();
    }
    if (stub != null) {
      stub.close();
    }
    if (raw != null) {
      raw.close();
    }
  }

  private HttpGitHubClient client(URI baseUrl, Ticker ticker) {
    return client(baseUrl, ticker, GENEROUS);
  }

  private HttpGitHubClient client(URI baseUrl, Ticker ticker, Duration timeout) {
    GitHubClientSettings settings = GitHubClientSettings.builder()
        .baseUrl(baseUrl)
        .credentials(new GitHubCredentials.Token(TOKEN))
        .requestTimeout(timeout)
        .secondaryLimitPause(Duration.ofSeconds(60))
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

  private HttpGitHubClient stub(Function<StubServer.Received, StubServer.Reply> script) throws IOException {
    stub = new StubServer(script);
    return client(stub.baseUrl(), time);
  }

  private static byte[] page(int... numbers) {
    return Payloads.array(java.util.Arrays.stream(numbers).mapToObj(Payloads::item).toList());
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
      gzip.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return zipped.toByteArray();
  }

  @Test
  void listPullRequests_stalledThenTricklingBody_failWithinTheTimeoutAndAreRetried() throws IOException {
    byte[] body = page(1, 2);
    raw = new RawHttpServer((n, out) -> {
      out.write(RawHttpServer.headers(200, body.length));
      switch (n) {
        case 1 -> { // headers, ten bytes, then silence
          out.write(body, 0, 10);
          out.flush();
          serverPause(60_000);
        }
        case 2 -> { // a byte every 50 ms: each read succeeds, the whole never arrives in time
          for (byte b : body) {
            out.write(b);
            out.flush();
            serverPause(50);
          }
        }
        default -> out.write(body);
      }
    });
    client(raw.baseUrl(), time, TIMEOUT);

    long start = System.nanoTime();
    PullRequestPage page = client.listPullRequests(PageRequest.firstPage(REPO, null));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(page.pullRequests()).hasSize(2);
    assertThat(page.requests()).isEqualTo(3);
    assertThat(retries).containsExactly("timeout reading the body", "timeout reading the body");
    // two deadlines and one quick answer (backoff is on the fake clock)
    assertThat(took).isLessThan(TIMEOUT.multipliedBy(2).plusSeconds(3));
  }

  @Test
  void listPullRequests_stalledEveryTime_failsAfterTheAttemptsWithinTheirDeadlines() throws IOException {
    raw = new RawHttpServer((n, out) -> {
      out.write(RawHttpServer.headers(200, 1000));
      out.write('[');
      out.flush();
      serverPause(60_000);
    });
    client(raw.baseUrl(), time, TIMEOUT);

    long start = System.nanoTime();
    assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(REPO, null)))
        .isInstanceOf(GitHubException.class)
        .hasMessageContaining("failed after 3 attempts: timeout reading the body");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.multipliedBy(3).plusSeconds(3));
    assertThat(raw.requests()).isEqualTo(3);
  }

  @Test
  void listPullRequests_retryAfterOfADay_defersAtOnceInsteadOfWaiting() throws IOException {
    AtomicInteger calls = new AtomicInteger();
    stub(r -> calls.incrementAndGet() == 1
        ? StubServer.Reply.of(403, Map.of("Content-Type", "application/json", "Retry-After", "86400"),
            "{\"message\":\"You have exceeded a secondary rate limit.\"}")
        : new StubServer.Reply(200, Map.of("Content-Type", "application/json"), page(1)));
    Instant before = Instant.now();

    assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(REPO, null)))
        .isInstanceOf(RateLimitExceededException.class)
        .hasMessageContaining("longer than the 15 minutes the client waits")
        .satisfies(e -> assertThat(((RateLimitExceededException) e).resetAt())
            .isAfter(before.plus(Duration.ofHours(23))));
    // a later request while the pause lasts is deferred unsent, and nothing was slept
    assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(REPO, null)))
        .isInstanceOf(RateLimitExceededException.class);
    assertThat(stub.received()).hasSize(1);
    assertThat(time.slept()).isEqualTo(Duration.ZERO);
  }

  @Test
  void listPullRequests_retryAfterWithinTheCap_isWaitedOut() throws IOException {
    AtomicInteger calls = new AtomicInteger();
    stub(r -> calls.incrementAndGet() == 1
        ? StubServer.Reply.of(403, Map.of("Content-Type", "application/json", "Retry-After", "900"),
            "{\"message\":\"You have exceeded a secondary rate limit.\"}")
        : new StubServer.Reply(200, Map.of("Content-Type", "application/json"), page(1)));

    PullRequestPage page = client.listPullRequests(PageRequest.firstPage(REPO, null));

    assertThat(page.pullRequests()).hasSize(1);
    assertThat(time.slept()).isEqualTo(SecondaryLimitGate.MAX_WAIT);
  }

  @Test
  void listPullRequests_one401_isHeldBackThenProbedAgainAndHeals() throws IOException {
    AtomicInteger calls = new AtomicInteger();
    stub(r -> calls.incrementAndGet() == 1 ? StubServer.Reply.json(401, "{\"message\":\"Bad credentials\"}")
        : new StubServer.Reply(200, Map.of("Content-Type", "application/json"), page(1)));

    assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(REPO, null)))
        .isInstanceOf(GitHubAuthenticationException.class)
        .hasMessageContaining("held back for 60 s")
        .hasMessageNotContaining(TOKEN);
    // the next pass, within the hold: refused unsent
    assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(REPO, null)))
        .isInstanceOf(GitHubAuthenticationException.class)
        .hasMessageContaining("request not sent");
    assertThat(stub.received()).hasSize(1);

    time.advance(CredentialRejection.FIRST_HOLD);
    PullRequestPage page = client.listPullRequests(PageRequest.firstPage(REPO, null));

    assertThat(page.pullRequests()).hasSize(1);
    assertThat(stub.received()).hasSize(2);
  }

  @Test
  void listPullRequests_consecutive401s_doubleTheHold() throws IOException {
    stub(r -> StubServer.Reply.json(401, "{\"message\":\"Bad credentials\"}"));

    assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(REPO, null)))
        .hasMessageContaining("held back for 60 s");
    time.advance(CredentialRejection.FIRST_HOLD);
    assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(REPO, null)))
        .hasMessageContaining("held back for 120 s");
    time.advance(CredentialRejection.FIRST_HOLD);
    assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(REPO, null)))
        .hasMessageContaining("request not sent");
    assertThat(stub.received()).hasSize(2);
  }

  @Test
  void listPullRequests_resetInTheYear2100_isCheckedWithRateLimitAndRequestsResume() throws IOException {
    long reset2100 = Instant.parse("2100-01-01T00:00:00Z").getEpochSecond();
    long realReset = Instant.now().plus(Duration.ofMinutes(30)).getEpochSecond();
    AtomicInteger pulls = new AtomicInteger();
    stub(r -> {
      if (r.uri().getPath().equals("/rate_limit")) {
        return StubServer.Reply.json(200, "{\"resources\":{\"core\":{\"limit\":5000,\"remaining\":4990,\"reset\":"
            + realReset + "}},\"rate\":{\"limit\":5000,\"remaining\":4990,\"reset\":" + realReset + "}}");
      }
      return pulls.incrementAndGet() == 1
          ? StubServer.Reply.of(403, Map.of("Content-Type", "application/json", "X-RateLimit-Limit", "5000",
              "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", Long.toString(reset2100)),
              "{\"message\":\"API rate limit exceeded\"}")
          : new StubServer.Reply(200, Map.of("Content-Type", "application/json"), page(1));
    });

    assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(REPO, null)))
        .isInstanceOf(RateLimitExceededException.class);
    PullRequestPage page = client.listPullRequests(PageRequest.firstPage(REPO, null));

    assertThat(page.pullRequests()).hasSize(1);
    assertThat(stub.received()).extracting(r -> r.uri().getPath())
        .containsExactly("/repos/octo/hello/pulls", "/rate_limit", "/repos/octo/hello/pulls");
    assertThat(client.rateLimits()).singleElement()
        .satisfies(s -> assertThat(s.resetAt().getEpochSecond()).isLessThan(reset2100));
  }

  @Test
  void listPullRequests_resetInTheYear2100Confirmed_staysDeferredAndChecksAtMostOncePerMinute() throws IOException {
    long reset2100 = Instant.parse("2100-01-01T00:00:00Z").getEpochSecond();
    stub(r -> r.uri().getPath().equals("/rate_limit")
        ? StubServer.Reply.json(200, "{\"rate\":{\"limit\":5000,\"remaining\":0,\"reset\":" + reset2100 + "}}")
        : StubServer.Reply.of(403, Map.of("Content-Type", "application/json", "X-RateLimit-Limit", "5000",
            "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", Long.toString(reset2100)),
            "{\"message\":\"API rate limit exceeded\"}"));

    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(REPO, null)))
          .isInstanceOf(RateLimitExceededException.class);
    }

    assertThat(stub.received()).extracting(r -> r.uri().getPath())
        .containsExactly("/repos/octo/hello/pulls", "/rate_limit");
  }

  @Test
  void listPullRequests_gzipped401_yieldsGithubsMessage() throws IOException {
    byte[] body = gzip("{\"message\":\"Bad credentials\",\"documentation_url\":\"https://docs.github.com\"}");
    stub(r -> new StubServer.Reply(401, Map.of("Content-Type", "application/json", "Content-Encoding", "gzip"),
        body));

    assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(REPO, null)))
        .isInstanceOf(GitHubAuthenticationException.class)
        .hasMessageContaining("): Bad credentials;");
  }

  @Test
  void listPullRequests_gzipped403SecondaryLimitWithoutRetryAfter_pausesAndCompletes() throws IOException {
    byte[] limited = gzip("{\"message\":\"You have exceeded a secondary rate limit. Please wait a few minutes "
        + "before you try again.\"}");
    AtomicInteger calls = new AtomicInteger();
    stub(r -> calls.incrementAndGet() == 1
        ? new StubServer.Reply(403, Map.of("Content-Type", "application/json", "Content-Encoding", "gzip"), limited)
        : new StubServer.Reply(200, Map.of("Content-Type", "application/json"), page(1, 2)));

    PullRequestPage page = client.listPullRequests(PageRequest.firstPage(REPO, null));

    assertThat(page.pullRequests()).hasSize(2);
    assertThat(retries).containsExactly("secondary rate limit");
    assertThat(time.slept()).isGreaterThanOrEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void listPullRequests_serverWithoutTls_failsWithTheReasonAndIsNotRetried() throws IOException {
    // a plain HTTP server that answers at once, before any request: the TLS handshake reads plain text
    try (java.net.ServerSocket plain = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      AtomicInteger connections = new AtomicInteger();
      Thread.ofVirtual().start(() -> {
        while (!plain.isClosed()) {
          try (java.net.Socket socket = plain.accept()) {
            connections.incrementAndGet();
            socket.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
          } catch (IOException e) {
            return;
          }
        }
      });
      client(URI.create("https://127.0.0.1:" + plain.getLocalPort()), time);

      assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(REPO, null)))
          .isInstanceOf(GitHubException.class)
          .hasMessageStartingWith("TLS failure on GET /repos/{owner}/{repo}/pulls to 127.0.0.1: ");
      assertThat(retries).isEmpty();
      // ours never retried it; the JDK's client may itself reconnect once for an idempotent GET that lost
      // its connection before any answer, as happened in one CI run
      assertThat(connections.get()).isBetween(1, 2);
    }
  }

  @Test
  void discoverRepositories_linkLoop_stopsAtTheFirstRepeatedPage() throws IOException {
    stub(r -> StubServer.Reply.of(200, Map.of("Content-Type", "application/json",
        "Link", "<" + stub.baseUrl() + "/orgs/o/repos?page=2>; rel=\"next\""),
        "[{\"full_name\":\"o/r" + r.uri().getQuery().length() + "\",\"archived\":false,\"fork\":false}]"));

    assertThatThrownBy(() -> client.discoverRepositories(new io.prmonitor.spi.RepositorySelector.Organization("o")))
        .isInstanceOf(GitHubException.class)
        .hasMessageContaining("links back to a page already read");
    assertThat(stub.received()).hasSize(2);
  }

  @Test
  void discoverRepositories_withThePreviousPages_asksConditionallyAndReusesUnchangedOnes() throws IOException {
    stub(r -> "\"v1\"".equals(r.headers().getFirst("If-None-Match"))
        ? new StubServer.Reply(304, Map.of("ETag", "\"v1\""), new byte[0])
        : StubServer.Reply.of(200, Map.of("Content-Type", "application/json", "ETag", "\"v1\""),
            "[{\"full_name\":\"o/one\",\"archived\":false,\"fork\":false}]"));
    io.prmonitor.spi.RepositorySelector org = new io.prmonitor.spi.RepositorySelector.Organization("o");
    List<io.prmonitor.spi.DiscoveryPage> first = client.discoverRepositories(org, List.of());

    List<io.prmonitor.spi.DiscoveryPage> again = client.discoverRepositories(org, first);

    assertThat(again).isEqualTo(first);
    assertThat(io.prmonitor.spi.DiscoveryPage.repositories(again)).extracting(i -> i.id().fullName())
        .containsExactly("o/one");
    assertThat(stub.received()).extracting(r -> r.headers().getFirst("If-None-Match")).containsExactly(null, "\"v1\"");
  }

  @Test
  void pacer_countsServerTimeUntilTheHeadersNotTheBodysTransfer() throws IOException {
    byte[] body = page(1);
    raw = new RawHttpServer((n, out) -> {
      out.write(RawHttpServer.headers(200, body.length));
      out.flush();
      serverPause(400); // the body follows long after the headers
      out.write(body);
    });
    client(raw.baseUrl(), Ticker.SYSTEM);

    client.listPullRequests(PageRequest.firstPage(REPO, null));

    assertThat(client.pacedServerTime()).isLessThan(Duration.ofMillis(300));
  }
}
