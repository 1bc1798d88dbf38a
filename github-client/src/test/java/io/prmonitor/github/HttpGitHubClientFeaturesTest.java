package io.prmonitor.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prmonitor.github.auth.TestKeys;
import io.prmonitor.simulator.Fault;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.GitHubAuthenticationException;
import io.prmonitor.spi.GitHubClientListener;
import io.prmonitor.spi.GitHubClientSettings;
import io.prmonitor.spi.GitHubCredentials;
import io.prmonitor.spi.GitHubException;
import io.prmonitor.spi.PageRequest;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryInfo;
import io.prmonitor.spi.RepositorySelector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** GitHub App auth, the per-PR details cache, discovery and secret hygiene, against the simulator. */
class HttpGitHubClientFeaturesTest {

  private static final String TOKEN = "test_featuresSecret9876543210zyxw";
  private static final long APP_ID = 31337;
  private static final long INSTALLATION_ID = 4242;
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable resource : resources.reversed()) {
      resource.close();
    }
  }

  private GitHubSimulator simulator(UnaryOperator<GitHubSimulator.Builder> tweak) {
    GitHubSimulator sim = tweak.apply(GitHubSimulator.builder().seed(11L).repositories(3)
        .pullRequestsPerRepository(20)).start();
    resources.add(sim);
    return sim;
  }

  private HttpGitHubClient client(GitHubSimulator sim, UnaryOperator<GitHubClientSettings.Builder> tweak) {
    HttpGitHubClient client = new HttpGitHubClient(tweak.apply(GitHubClientSettings.builder()
        .baseUrl(sim.baseUrl())
        .credentials(new GitHubCredentials.Token(TOKEN))
        .retryInitialDelay(Duration.ofMillis(5))).build());
    resources.add(client);
    return client;
  }

  private static List<PullRequest> sorted(List<PullRequest> prs) {
    return prs.stream().sorted(Comparator.comparingInt(PullRequest::number)).toList();
  }

  @Test
  void githubApp_pkcs8Key_exchangesOnceAndReadsWithTheInstallationToken() {
    KeyPair pair = TestKeys.pair();
    GitHubSimulator sim = simulator(b -> b.githubApp(APP_ID, pair.getPublic(), INSTALLATION_ID));
    HttpGitHubClient client = client(sim, b -> b.credentials(
        new GitHubCredentials.App(APP_ID, TestKeys.pkcs8Pem(pair), INSTALLATION_ID)));

    for (RepositoryId repo : sim.repositories()) {
      assertThat(sorted(client.listPullRequests(PageRequest.firstPage(repo, null)).pullRequests()))
          .isEqualTo(sim.truth(repo));
    }

    assertThat(sim.stats().byEndpoint())
        .containsEntry("POST /app/installations/{installation_id}/access_tokens 201", 1L)
        .containsEntry("GET /repos/{owner}/{repo}/pulls 200", 3L);
    assertThat(client.rateLimits()).singleElement()
        .satisfies(s -> assertThat(s.credential()).isEqualTo("app:31337/installation:4242"));
  }

  @Test
  void githubApp_pkcs1Key_works() {
    KeyPair pair = TestKeys.pair();
    GitHubSimulator sim = simulator(b -> b.githubApp(APP_ID, pair.getPublic(), INSTALLATION_ID));
    HttpGitHubClient client = client(sim, b -> b.credentials(
        new GitHubCredentials.App(APP_ID, TestKeys.pkcs1Pem(pair), INSTALLATION_ID)));

    List<RepositoryInfo> repos = client.discoverRepositories(new RepositorySelector.Installation());

    assertThat(repos).extracting(RepositoryInfo::id).containsExactlyInAnyOrderElementsOf(sim.repositories());
  }

  @Test
  void githubApp_wrongKey_failsWithAuthenticationError() throws Exception {
    KeyPair pair = TestKeys.pair();
    KeyPair other = java.security.KeyPairGenerator.getInstance("RSA").genKeyPair();
    GitHubSimulator sim = simulator(b -> b.githubApp(APP_ID, pair.getPublic(), INSTALLATION_ID));
    HttpGitHubClient client = client(sim, b -> b.credentials(
        new GitHubCredentials.App(APP_ID, TestKeys.pkcs8Pem(other), INSTALLATION_ID)));

    assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(sim.repositories().get(0), null)))
        .isInstanceOf(GitHubAuthenticationException.class)
        .hasMessageContaining("app:31337/installation:4242");
  }

  @Test
  void discoverRepositories_organization_listsItsRepositoriesWithFlags() {
    GitHubSimulator sim = simulator(b -> b.tokens(TOKEN).repositories(6));
    RepositoryId first = sim.repositories().get(0);
    sim.setArchived(first, true);
    sim.setFork(first, true);
    HttpGitHubClient client = client(sim, b -> b);

    List<RepositoryInfo> repos = client.discoverRepositories(new RepositorySelector.Organization(first.owner()));

    assertThat(repos).extracting(RepositoryInfo::id).containsExactlyInAnyOrderElementsOf(
        sim.repositories().stream().filter(r -> r.owner().equals(first.owner())).toList());
    assertThat(repos).contains(new RepositoryInfo(first, true, true));
  }

  @Test
  void pullRequestDetails_secondLookupIsAFreeConditionalHit() {
    GitHubSimulator sim = simulator(b -> b.tokens(TOKEN));
    AtomicInteger hits = new AtomicInteger();
    AtomicInteger misses = new AtomicInteger();
    HttpGitHubClient client = client(sim, b -> b.listener(new GitHubClientListener() {
      @Override
      public void onCacheLookup(boolean hit) {
        (hit ? hits : misses).incrementAndGet();
      }
    }));
    RepositoryId repo = sim.repositories().get(0);

    Optional<PullRequestDetails> first = client.pullRequestDetails(repo, 5);
    Optional<PullRequestDetails> second = client.pullRequestDetails(repo, 5);

    assertThat(first).isPresent();
    assertThat(first.get().number()).isEqualTo(5);
    assertThat(first.get().commits()).isPositive();
    assertThat(second).isEqualTo(first);
    assertThat(hits.get()).isEqualTo(1);
    assertThat(misses.get()).isEqualTo(1);
    assertThat(sim.stats().notModified()).isEqualTo(1);
    assertThat(sim.stats().charged()).isEqualTo(1);
  }

  @Test
  void pullRequestDetails_afterMerge_isRefetched() {
    GitHubSimulator sim = simulator(b -> b.tokens(TOKEN));
    HttpGitHubClient client = client(sim, b -> b);
    RepositoryId repo = sim.repositories().get(0);
    int open = sim.truth(repo).stream().filter(pr -> pr.isOpen() && !pr.draft()).findFirst().orElseThrow().number();
    assertThat(client.pullRequestDetails(repo, open).orElseThrow().merged()).isFalse();

    sim.merge(repo, open);

    assertThat(client.pullRequestDetails(repo, open).orElseThrow().merged()).isTrue();
    assertThat(sim.stats().charged()).isEqualTo(2);
  }

  @Test
  void pullRequestDetails_cachingDisabled_neverSendsAnEntityTag() {
    GitHubSimulator sim = simulator(b -> b.tokens(TOKEN));
    AtomicInteger lookups = new AtomicInteger();
    HttpGitHubClient client = client(sim, b -> b.enableCaching(false).listener(new GitHubClientListener() {
      @Override
      public void onCacheLookup(boolean hit) {
        lookups.incrementAndGet();
      }
    }));
    RepositoryId repo = sim.repositories().get(0);

    client.pullRequestDetails(repo, 1);
    client.pullRequestDetails(repo, 1);

    assertThat(sim.stats().notModified()).isZero();
    assertThat(sim.stats().charged()).isEqualTo(2);
    assertThat(lookups.get()).isZero();
  }

  @Test
  void pullRequestDetails_unknownNumber_isEmpty() {
    GitHubSimulator sim = simulator(b -> b.tokens(TOKEN));
    HttpGitHubClient client = client(sim, b -> b);

    assertThat(client.pullRequestDetails(sim.repositories().get(0), 99_999)).isEmpty();
  }

  /** Drives every path that logs or throws with a known token and scans what came out for it. */
  @Test
  void token_neverAppearsInLogsExceptionsOrToString() {
    GitHubSimulator sim = simulator(b -> b.tokens(TOKEN).secondaryRetryAfter(Duration.ofSeconds(1)));
    List<String> messages = new ArrayList<>();
    List<String> listenerArgs = new ArrayList<>();
    GitHubClientListener recording = new GitHubClientListener() {
      @Override
      public void onResponse(String endpoint, int status, boolean charged, Duration elapsed, long bytes) {
        listenerArgs.add(endpoint);
      }

      @Override
      public void onRetry(String endpoint, String reason, int attempt, Duration delay) {
        listenerArgs.add(endpoint + reason);
      }

      @Override
      public void onSecondaryLimit(String credential, Duration pause) {
        listenerArgs.add(credential);
      }

      @Override
      public void onRateLimit(io.prmonitor.spi.RateLimitStatus status) {
        listenerArgs.add(status.toString());
      }
    };
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    PrintStream originalOut = System.out;
    PrintStream tee = new PrintStream(captured, true, StandardCharsets.UTF_8);
    System.setErr(tee);
    System.setOut(tee);
    try {
      HttpGitHubClient client = client(sim, b -> b.retryMaxAttempts(2).listener(recording));
      messages.add(client.toString());
      RepositoryId repo = sim.repositories().get(0);
      sim.faults().failNext(Fault.SECONDARY_LIMIT, 1);
      client.listPullRequests(PageRequest.firstPage(repo, null));
      sim.faults().failNext(Fault.SERVER_ERROR, 5);
      collect(messages, () -> client.listPullRequests(PageRequest.firstPage(repo, null)));
      collect(messages, () -> client.listPullRequests(PageRequest.firstPage(new RepositoryId("no", "where"), null)));
      sim.renameRepository(repo, "moved");
      client.listPullRequests(PageRequest.firstPage(repo, null));
      HttpGitHubClient rejected = client(sim, b -> b.credentials(new GitHubCredentials.Token(TOKEN + "x")));
      collect(messages, () -> rejected.listPullRequests(PageRequest.firstPage(repo, null)));
      messages.add(new GitHubCredentials.Token(TOKEN).toString());
      messages.add(GitHubClientSettings.builder().credentials(new GitHubCredentials.Token(TOKEN)).build().toString());
    } finally {
      System.setErr(originalErr);
      System.setOut(originalOut);
    }

    String logs = captured.toString(StandardCharsets.UTF_8);
    assertThat(logs).contains("secondary rate limit", "retrying GET");
    assertThat(messages).hasSizeGreaterThanOrEqualTo(6).allSatisfy(m -> assertThat(m).doesNotContain(TOKEN));
    assertThat(listenerArgs).isNotEmpty().allSatisfy(a -> assertThat(a).doesNotContain(TOKEN));
    assertThat(logs).doesNotContain(TOKEN);
  }

  private static void collect(List<String> messages, Runnable action) {
    try {
      action.run();
    } catch (GitHubException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        messages.add(String.valueOf(t.getMessage()));
      }
    }
  }
}
