package io.prmonitor.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prmonitor.github.ratelimit.Backoff;
import io.prmonitor.github.ratelimit.FakeTime;
import io.prmonitor.spi.GitHubAuthenticationException;
import io.prmonitor.spi.GitHubClientListener;
import io.prmonitor.spi.GitHubClientSettings;
import io.prmonitor.spi.GitHubCredentials;
import io.prmonitor.spi.GitHubException;
import io.prmonitor.spi.PageRequest;
import io.prmonitor.spi.PullRequestPage;
import io.prmonitor.spi.RateLimitExceededException;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryInfo;
import io.prmonitor.spi.RepositorySelector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Client behaviours on hostile or unusual answers, against a scripted loopback HTTP server. */
class HttpGitHubClientStubTest {

  private static final String TOKEN = "test_stubSecretToken1234567890";
  private static final RepositoryId REPO = new RepositoryId("octo", "hello");
  private final FakeTime time = new FakeTime();
  private StubServer server;
  private HttpGitHubClient client;

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private HttpGitHubClient start(Function<StubServer.Received, StubServer.Reply> script) throws IOException {
    return start(script, b -> b);
  }

  private HttpGitHubClient start(Function<StubServer.Received, StubServer.Reply> script,
      Function<GitHubClientSettings.Builder, GitHubClientSettings.Builder> tweak) throws IOException {
    server = new StubServer(script);
    GitHubClientSettings settings = tweak.apply(GitHubClientSettings.builder()
        .baseUrl(server.baseUrl())
        .credentials(new GitHubCredentials.Token(TOKEN))
        .requestTimeout(Duration.ofSeconds(5))).build();
    client = new HttpGitHubClient(settings, time, time,
        new Backoff(settings.retryInitialDelay(), settings.retryBackoffFactor(), 0.0, () -> 0.5));
    return client;
  }

  private static String page(int... numbers) {
    return new String(Payloads.array(java.util.Arrays.stream(numbers).mapToObj(Payloads::item).toList()),
        StandardCharsets.UTF_8);
  }

  @Test
  void listPullRequests_firstPage_sendsGithubsHeadersAndQuery() throws IOException {
    start(r -> StubServer.Reply.json(200, page(1)));

    client.listPullRequests(PageRequest.firstPage(REPO, null));

    StubServer.Received request = server.received().get(0);
    assertThat(request.uri().toString())
        .isEqualTo("/repos/octo/hello/pulls?state=all&sort=updated&direction=desc&per_page=100");
    assertThat(request.headers().getFirst("Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(request.headers().getFirst("Accept")).isEqualTo("application/vnd.github+json");
    assertThat(request.headers().getFirst("X-GitHub-Api-Version")).isEqualTo("2022-11-28");
    assertThat(request.headers().getFirst("User-Agent")).isEqualTo("prmonitor");
    assertThat(request.headers().getFirst("Accept-Encoding")).isEqualTo("gzip");
    assertThat(request.headers().getFirst("If-None-Match")).isNull();
  }

  @Test
  void listPullRequests_gzipAnswer_isDecoded() throws IOException {
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
      gzip.write(page(1, 2, 3).getBytes(StandardCharsets.UTF_8));
    }
    start(r -> new StubServer.Reply(200, Map.of("Content-Type", "application/json", "Content-Encoding", "gzip"),
        zipped.toByteArray()));

    PullRequestPage page = client.listPullRequests(PageRequest.firstPage(REPO, null));

    assertThat(page.pullRequests()).hasSize(3);
  }

  @Test
  void listPullRequests_unexpectedContentType_failsClearlyWithoutRetry() throws IOException {
    start(r -> StubServer.Reply.of(200, Map.of("Content-Type", "text/html"), "<html>maintenance</html>"));

    assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(REPO, null)))
        .isInstanceOf(GitHubException.class)
        .hasMessageContaining("unexpected Content-Type 'text/html'");
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void listPullRequests_oversizedBody_failsClearlyWithoutRetry() throws IOException {
    start(r -> StubServer.Reply.json(200, page(1, 2, 3)),
        b -> b.properties(Map.of(HttpGitHubClient.MAX_BODY_BYTES_PROPERTY, "4096")));

    assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(REPO, null)))
        .isInstanceOf(GitHubException.class)
        .hasMessageContaining("exceeds the limit of 4096 bytes");
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void listPullRequests_deeplyNestedBody_failsClearlyWithoutRetry() throws IOException {
    start(r -> StubServer.Reply.json(200, "[" + "[".repeat(5000) + "]".repeat(5000) + "]"));

    assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(REPO, null)))
        .isInstanceOf(GitHubException.class)
        .hasMessageContaining("JSON limits");
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void listPullRequests_malformedBody_isRetriedUpToTheLimit() throws IOException {
    start(r -> StubServer.Reply.json(200, "[{\"number\": 1, "), b -> b.retryMaxAttempts(4));

    assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(REPO, null)))
        .isInstanceOf(GitHubException.class)
        .hasMessageContaining("failed after 4 attempts");
    assertThat(server.received()).hasSize(4);
    assertThat(time.sleeps()).containsExactly(Duration.ofMillis(500), Duration.ofMillis(1000), Duration.ofMillis(2000));
  }

  @Test
  void listPullRequests_5xxThenSuccess_reportsEveryRequest() throws IOException {
    AtomicInteger calls = new AtomicInteger();
    List<String> retries = new CopyOnWriteArrayList<>();
    start(r -> calls.incrementAndGet() <= 2 ? StubServer.Reply.json(502, "{\"message\":\"Bad Gateway\"}")
        : StubServer.Reply.json(200, page(1)), b -> b.listener(new GitHubClientListener() {
          @Override
          public void onRetry(String endpoint, String reason, int attempt, Duration delay) {
            retries.add(endpoint + " " + reason + " " + attempt);
          }
        }));

    PullRequestPage page = client.listPullRequests(PageRequest.firstPage(REPO, null));

    assertThat(page.requests()).isEqualTo(3);
    assertThat(retries).containsExactly("/repos/{owner}/{repo}/pulls HTTP 502 2", "/repos/{owner}/{repo}/pulls HTTP 502 3");
  }

  @Test
  void listPullRequests_nonRateLimit403_isNotRetried() throws IOException {
    start(r -> StubServer.Reply.json(403, "{\"message\":\"Resource not accessible by integration\"}"));

    assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(REPO, null)))
        .isInstanceOf(GitHubException.class)
        .isNotInstanceOf(RateLimitExceededException.class)
        .hasMessageContaining("forbidden (HTTP 403): Resource not accessible by integration");
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void listPullRequests_410And422_areNotRetried() throws IOException {
    AtomicInteger calls = new AtomicInteger();
    start(r -> StubServer.Reply.json(calls.incrementAndGet() == 1 ? 410 : 422, "{\"message\":\"Gone\"}"));

    assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(REPO, null)))
        .isInstanceOf(GitHubException.class).satisfies(e -> assertThat(((GitHubException) e).status()).isEqualTo(410));
    assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(REPO, null)))
        .isInstanceOf(GitHubException.class).satisfies(e -> assertThat(((GitHubException) e).status()).isEqualTo(422));
    assertThat(server.received()).hasSize(2);
  }

  @Test
  void listPullRequests_secondaryLimitMessageWithoutRetryAfter_pausesAtLeastTheMinimum() throws IOException {
    AtomicInteger calls = new AtomicInteger();
    start(r -> calls.incrementAndGet() == 1
        ? StubServer.Reply.json(403, "{\"message\":\"You have exceeded a secondary rate limit.\"}")
        : StubServer.Reply.json(200, page(1)), b -> b.secondaryLimitPause(Duration.ofSeconds(60)));

    PullRequestPage page = client.listPullRequests(PageRequest.firstPage(REPO, null));

    assertThat(page.requests()).isEqualTo(2);
    assertThat(time.slept()).isGreaterThanOrEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void listPullRequests_primaryLimitAnswer_throwsWithTheReset() throws IOException {
    start(r -> StubServer.Reply.of(403, Map.of("Content-Type", "application/json", "X-RateLimit-Limit", "5000",
        "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "1900000000"),
        "{\"message\":\"API rate limit exceeded\"}"));

    assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(REPO, null)))
        .isInstanceOf(RateLimitExceededException.class)
        .satisfies(e -> assertThat(((RateLimitExceededException) e).resetAt().getEpochSecond()).isEqualTo(1900000000L));
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void listPullRequests_redirectToAnotherOrigin_isNotFollowed() throws IOException {
    start(r -> StubServer.Reply.of(301, Map.of("Location", "https://evil.example/repos/x/y/pulls"), ""));

    assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(REPO, null)))
        .isInstanceOf(GitHubException.class)
        .hasMessageContaining("another origin");
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void listPullRequests_nextUrlOnAnotherOrigin_isRefusedBeforeSending() throws IOException {
    start(r -> StubServer.Reply.json(200, page(1)));

    assertThatThrownBy(() -> client.listPullRequests(
        PageRequest.next(REPO, URI.create("https://evil.example/repos/octo/hello/pulls?page=2"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("https://evil.example/repos/octo/hello/pulls?page=2");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void listPullRequests_401_failsFastWithoutTheToken() throws IOException {
    start(r -> StubServer.Reply.json(401, "{\"message\":\"Bad credentials\"}"));

    assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(REPO, null)))
        .isInstanceOf(GitHubAuthenticationException.class)
        .hasMessageContaining("Bad credentials")
        .hasMessageContaining("token:...7890")
        .hasMessageNotContaining(TOKEN);
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void discoverRepositories_installation_readsWrappedListAcrossPages() throws IOException {
    start(r -> {
      String query = r.uri().getQuery();
      if (query.contains("page=2")) {
        return StubServer.Reply.json(200, "{\"total_count\":3,\"repositories\":[{\"full_name\":\"a/c\","
            + "\"archived\":false,\"fork\":true}]}");
      }
      return StubServer.Reply.of(200, Map.of("Content-Type", "application/json",
          "Link", "<" + server.baseUrl() + "/installation/repositories?per_page=100&page=2>; rel=\"next\""),
          "{\"total_count\":3,\"repositories\":[{\"full_name\":\"a/b\",\"archived\":true,\"fork\":false},"
              + "{\"full_name\":\"not a repo\"}]}");
    });

    List<RepositoryInfo> repos = client.discoverRepositories(new RepositorySelector.Installation());

    assertThat(repos).containsExactly(new RepositoryInfo(RepositoryId.parse("a/b"), true, false),
        new RepositoryInfo(RepositoryId.parse("a/c"), false, true));
    assertThat(server.received().get(0).uri().toString()).isEqualTo("/installation/repositories?per_page=100");
  }

  @Test
  void constructor_plainHttpToRemoteHost_isRefused() {
    // refused by the settings' rule (GitHubClientSettings.requireBaseUrl), before any client exists
    assertThatThrownBy(() -> new HttpGitHubClient(GitHubClientSettings.builder()
        .baseUrl(URI.create("http://github.example.com/api/v3")).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http://github.example.com/api/v3");
  }

  @Test
  void constructor_badProperty_isRefusedByName() {
    GitHubClientSettings settings = GitHubClientSettings.builder()
        .properties(Map.of(HttpGitHubClient.MAX_BODY_BYTES_PROPERTY, "lots")).build();

    assertThatThrownBy(() -> new HttpGitHubClient(settings))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("github.maxBodyBytes must be a number: 'lots'");
  }

  @Test
  void close_isIdempotentAndRefusesLaterCalls() throws IOException {
    start(r -> StubServer.Reply.json(200, page(1)));

    client.close();
    client.close();

    assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(REPO, null)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(client.toString()).doesNotContain(TOKEN).contains("closed");
  }

  @Test
  void provider_isFoundByServiceLoaderUnderItsName() {
    assertThat(java.util.ServiceLoader.load(io.prmonitor.spi.GitHubClientProvider.class).stream()
        .map(p -> p.get().name())).contains("http");
  }
}
