package io.prmonitor.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prmonitor.github.ratelimit.Backoff;
import io.prmonitor.github.ratelimit.FakeTime;
import io.prmonitor.github.ratelimit.Sleeper;
import io.prmonitor.github.ratelimit.Ticker;
import io.prmonitor.simulator.Fault;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.simulator.Latency;
import io.prmonitor.spi.GitHubAuthenticationException;
import io.prmonitor.spi.GitHubClientListener;
import io.prmonitor.spi.GitHubClientSettings;
import io.prmonitor.spi.GitHubCredentials;
import io.prmonitor.spi.GitHubException;
import io.prmonitor.spi.PageRequest;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestPage;
import io.prmonitor.spi.RateLimitExceededException;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryInfo;
import io.prmonitor.spi.RepositoryNotFoundException;
import io.prmonitor.spi.RepositorySelector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client against the GitHub simulator: a real HTTP server with GitHub's payloads, limits and faults. */
class HttpGitHubClientSimulatorTest {

  static final String TOKEN = "test_simulatorSecret0123456789abcdef";
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable resource : resources.reversed()) {
      resource.close();
    }
  }

  private GitHubSimulator simulator(UnaryOperator<GitHubSimulator.Builder> tweak) {
    GitHubSimulator sim = tweak.apply(GitHubSimulator.builder().seed(7L).tokens(TOKEN)).start();
    resources.add(sim);
    return sim;
  }

  private HttpGitHubClient client(GitHubSimulator sim, UnaryOperator<GitHubClientSettings.Builder> tweak) {
    return client(sim, tweak, Ticker.SYSTEM, Sleeper.SYSTEM);
  }

  private HttpGitHubClient client(GitHubSimulator sim, UnaryOperator<GitHubClientSettings.Builder> tweak,
      Ticker ticker, Sleeper sleeper) {
    GitHubClientSettings settings = tweak.apply(GitHubClientSettings.builder()
        .baseUrl(sim.baseUrl())
        .credentials(new GitHubCredentials.Token(TOKEN))
        .requestTimeout(Duration.ofSeconds(10))
        .retryInitialDelay(Duration.ofMillis(5))).build();
    HttpGitHubClient client = new HttpGitHubClient(settings, ticker, sleeper,
        Backoff.withJitter(settings.retryInitialDelay(), settings.retryBackoffFactor()));
    resources.add(client);
    return client;
  }

  /** Every pull request of a repository, following {@code next} links; also counts the requests. */
  static List<PullRequest> listAll(HttpGitHubClient client, RepositoryId repo, AtomicInteger requests) {
    List<PullRequest> all = new ArrayList<>();
    PullRequestPage page = client.listPullRequests(PageRequest.firstPage(repo, null));
    requests.addAndGet(page.requests());
    all.addAll(page.pullRequests());
    while (page.hasNext()) {
      page = client.listPullRequests(PageRequest.next(repo, page.next()));
      requests.addAndGet(page.requests());
      all.addAll(page.pullRequests());
    }
    return all;
  }

  private static List<PullRequest> byNumber(List<PullRequest> prs) {
    return prs.stream().sorted(Comparator.comparingInt(PullRequest::number)).toList();
  }

  @Test
  void coldListing_equalsTruthIncludingNullsWithExactlyOneRequestPerPage() {
    GitHubSimulator sim = simulator(b -> b.repositories(3).pullRequestsPerRepository(250));
    HttpGitHubClient client = client(sim, b -> b);
    AtomicInteger requests = new AtomicInteger();

    for (RepositoryId repo : sim.repositories()) {
      assertThat(byNumber(listAll(client, repo, requests))).isEqualTo(sim.truth(repo));
    }

    assertThat(requests.get()).isEqualTo(3 * 3);
    assertThat(sim.stats().requests()).isEqualTo(3 * 3);
    assertThat(sim.repositories().stream().flatMap(r -> sim.truth(r).stream()))
        .anySatisfy(pr -> assertThat(pr.author()).isNull())
        .anySatisfy(pr -> assertThat(pr.body()).isNull());
  }

  @Test
  void firstPageOfAGivenSize_holdsTheNewestAndItsNextLinkKeepsTheSize() {
    GitHubSimulator sim = simulator(b -> b.repositories(1).pullRequestsPerRepository(35));
    HttpGitHubClient client = client(sim, b -> b);
    RepositoryId repo = sim.repositories().get(0);
    List<PullRequest> newestFirst = sim.truth(repo).stream()
        .sorted(Comparator.comparing(PullRequest::updatedAt).thenComparing(PullRequest::number).reversed()).toList();

    PullRequestPage first = client.listPullRequests(PageRequest.firstPage(repo, null, 10));
    PullRequestPage second = client.listPullRequests(PageRequest.next(repo, first.next()));

    assertThat(first.pullRequests()).isEqualTo(newestFirst.subList(0, 10));
    assertThat(second.pullRequests()).isEqualTo(newestFirst.subList(10, 20));
  }

  @Test
  void coldListing_exactMultipleOfPageSize_makesNoExtraRequest() {
    GitHubSimulator sim = simulator(b -> b.repositories(2).pullRequestsPerRepository(200));
    HttpGitHubClient client = client(sim, b -> b);
    AtomicInteger requests = new AtomicInteger();

    sim.repositories().forEach(repo -> listAll(client, repo, requests));

    assertThat(requests.get()).isEqualTo(4);
    assertThat(sim.stats().requests()).isEqualTo(4);
  }

  @Test
  void listPullRequests_firstPageReportsLastPageFromLink() {
    GitHubSimulator sim = simulator(b -> b.repositories(1).pullRequestsPerRepository(350));
    HttpGitHubClient client = client(sim, b -> b);

    PullRequestPage page = client.listPullRequests(PageRequest.firstPage(sim.repositories().get(0), null));

    assertThat(page.pullRequests()).hasSize(100);
    assertThat(page.lastPage()).isEqualTo(4);
    assertThat(page.etag()).isNotBlank();
    assertThat(page.pullRequests()).isSortedAccordingTo(Comparator.comparing(PullRequest::updatedAt).reversed());
  }

  @Test
  void repositoryIdLinks_areFollowedExactlyAsGiven() {
    GitHubSimulator sim = simulator(b -> b.repositories(1).pullRequestsPerRepository(230).repositoryIdLinks(true));
    HttpGitHubClient client = client(sim, b -> b);
    RepositoryId repo = sim.repositories().get(0);

    PullRequestPage first = client.listPullRequests(PageRequest.firstPage(repo, null));
    List<PullRequest> all = new ArrayList<>(first.pullRequests());
    all.addAll(listAllFrom(client, repo, first));

    assertThat(first.next().getPath()).startsWith("/repositories/");
    assertThat(byNumber(all)).isEqualTo(sim.truth(repo));
    assertThat(sim.stats().byEndpoint()).containsEntry("GET /repositories/{repository_id}/pulls 200", 2L);
  }

  private static List<PullRequest> listAllFrom(HttpGitHubClient client, RepositoryId repo, PullRequestPage page) {
    List<PullRequest> rest = new ArrayList<>();
    while (page.hasNext()) {
      page = client.listPullRequests(PageRequest.next(repo, page.next()));
      rest.addAll(page.pullRequests());
    }
    return rest;
  }

  @Test
  void conditionalRelist_isNotModifiedAndFree() {
    GitHubSimulator sim = simulator(b -> b.repositories(4).pullRequestsPerRepository(120));
    HttpGitHubClient client = client(sim, b -> b);
    Map<RepositoryId, String> etags = new ConcurrentHashMap<>();
    for (RepositoryId repo : sim.repositories()) {
      etags.put(repo, client.listPullRequests(PageRequest.firstPage(repo, null)).etag());
    }
    sim.resetStats();

    for (RepositoryId repo : sim.repositories()) {
      PullRequestPage page = client.listPullRequests(PageRequest.firstPage(repo, etags.get(repo)));
      assertThat(page.notModified()).isTrue();
      assertThat(page.requests()).isEqualTo(1);
    }

    assertThat(sim.stats().requests()).isEqualTo(4);
    assertThat(sim.stats().notModified()).isEqualTo(4);
    assertThat(sim.stats().charged()).isZero();
  }

  @Test
  void conditionalRelist_afterChange_returnsTheChangedPullRequestFirst() {
    GitHubSimulator sim = simulator(b -> b.repositories(1).pullRequestsPerRepository(150));
    HttpGitHubClient client = client(sim, b -> b);
    RepositoryId repo = sim.repositories().get(0);
    String etag = client.listPullRequests(PageRequest.firstPage(repo, null)).etag();

    sim.editTitle(repo, 3, "Retitled ✓");
    PullRequestPage page = client.listPullRequests(PageRequest.firstPage(repo, etag));

    assertThat(page.notModified()).isFalse();
    assertThat(page.pullRequests().get(0).number()).isEqualTo(3);
    assertThat(page.pullRequests().get(0).title()).isEqualTo("Retitled ✓");
  }

  @Test
  void badToken_failsFastWithOneRequest() {
    GitHubSimulator sim = simulator(b -> b.repositories(1).pullRequestsPerRepository(10));
    HttpGitHubClient client = client(sim, b -> b.credentials(new GitHubCredentials.Token("test_wrongwrongwrong")));

    assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(sim.repositories().get(0), null)))
        .isInstanceOf(GitHubAuthenticationException.class)
        .hasMessageNotContaining("test_wrongwrongwrong");
    assertThat(sim.stats().requests()).isEqualTo(1);
  }

  @Test
  void unknownRepository_isRepositoryNotFound() {
    GitHubSimulator sim = simulator(b -> b.repositories(1).pullRequestsPerRepository(10));
    HttpGitHubClient client = client(sim, b -> b);
    RepositoryId missing = new RepositoryId("nobody", "nothing");

    assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(missing, null)))
        .isInstanceOf(RepositoryNotFoundException.class)
        .satisfies(e -> assertThat(((RepositoryNotFoundException) e).repository()).isEqualTo(missing));
    assertThat(sim.stats().requests()).isEqualTo(1);
  }

  @Test
  void renamedRepository_redirectIsFollowedOnceWithAuth() {
    GitHubSimulator sim = simulator(b -> b.repositories(1).pullRequestsPerRepository(30));
    HttpGitHubClient client = client(sim, b -> b);
    RepositoryId old = sim.repositories().get(0);
    List<PullRequest> truth = sim.truth(old);
    sim.renameRepository(old, "renamed-repo");

    PullRequestPage page = client.listPullRequests(PageRequest.firstPage(old, null));

    assertThat(byNumber(page.pullRequests())).isEqualTo(truth);
    assertThat(page.requests()).isEqualTo(2);
    assertThat(sim.stats().requests()).isEqualTo(2);
  }

  @Test
  void persistentServerErrors_areTriedExactlyRetryMaxAttemptsTimes() {
    GitHubSimulator sim = simulator(b -> b.repositories(1).pullRequestsPerRepository(10));
    HttpGitHubClient client = client(sim, b -> b.retryMaxAttempts(3));
    sim.faults().failNext(Fault.SERVER_ERROR, 10);

    assertThatThrownBy(() -> client.listPullRequests(PageRequest.firstPage(sim.repositories().get(0), null)))
        .isInstanceOf(GitHubException.class)
        .hasMessageContaining("failed after 3 attempts");
    assertThat(sim.stats().requests()).isEqualTo(3);
  }

  /**
   * A reset on a kept-alive connection before any response byte is resent once by the JDK HttpClient
   * itself (an idempotent GET), invisibly to the client, so {@code requests()} cannot count that resend.
   */
  @Test
  void eachFaultKind_isRetriedAndRecovered() {
    GitHubSimulator sim = simulator(b -> b.repositories(1).pullRequestsPerRepository(40));
    HttpGitHubClient client = client(sim, b -> b.retryMaxAttempts(2));
    RepositoryId repo = sim.repositories().get(0);

    for (Fault fault : List.of(Fault.SERVER_ERROR, Fault.BAD_GATEWAY, Fault.SERVICE_UNAVAILABLE,
        Fault.CONNECTION_RESET, Fault.TRUNCATED_BODY, Fault.MALFORMED_JSON)) {
      sim.resetStats();
      sim.faults().failNext(fault, 1);
      PullRequestPage page = client.listPullRequests(PageRequest.firstPage(repo, null));
      assertThat(byNumber(page.pullRequests())).as(fault.name()).isEqualTo(sim.truth(repo));
      assertThat(sim.stats().requests()).as(fault.name()).isEqualTo(2);
      if (fault != Fault.CONNECTION_RESET) {
        assertThat(page.requests()).as(fault.name()).isEqualTo(2);
      }
    }
  }

  @Test
  void stalledResponse_timesOutAndIsRetried() {
    GitHubSimulator sim = simulator(b -> b.repositories(1).pullRequestsPerRepository(5));
    HttpGitHubClient client = client(sim, b -> b.requestTimeout(Duration.ofMillis(300)).retryMaxAttempts(2));
    sim.faults().stallDuration(Duration.ofSeconds(2)).failNext(Fault.STALL, 1);

    PullRequestPage page = client.listPullRequests(PageRequest.firstPage(sim.repositories().get(0), null));

    assertThat(page.requests()).isEqualTo(2);
    assertThat(page.pullRequests()).hasSize(5);
  }

  @Test
  void randomFaults_neverExceedRetryMaxAttemptsPerUrl() throws Exception {
    GitHubSimulator sim = simulator(b -> b.repositories(6).pullRequestsPerRepository(250));
    HttpGitHubClient client = client(sim, b -> b.retryMaxAttempts(4).maxConcurrentRequests(6));
    sim.faults().serverErrorRate(0.1).connectionResetRate(0.05).truncatedBodyRate(0.05).malformedJsonRate(0.05);
    List<Callable<Boolean>> tasks = sim.repositories().stream().<Callable<Boolean>>map(repo -> () -> {
      try {
        return byNumber(listAll(client, repo, new AtomicInteger())).equals(sim.truth(repo));
      } catch (GitHubException e) {
        return false;
      }
    }).toList();

    List<Boolean> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Future<Boolean> f : pool.invokeAll(tasks)) {
        results.add(f.get());
      }
    }

    assertThat(sim.stats().maxRequestsForOneUrl()).isLessThanOrEqualTo(4);
    assertThat(results).filteredOn(ok -> ok).hasSizeGreaterThanOrEqualTo(5);
  }

  @Test
  void secondaryLimit_retryAfterIsHonouredExactly() {
    GitHubSimulator sim = simulator(b -> b.repositories(1).pullRequestsPerRepository(5)
        .secondaryRetryAfter(Duration.ofSeconds(7)));
    FakeTime time = new FakeTime();
    List<Duration> pauses = new CopyOnWriteArrayList<>();
    HttpGitHubClient client = client(sim, b -> b.listener(new GitHubClientListener() {
      @Override
      public void onSecondaryLimit(String credential, Duration pause) {
        pauses.add(pause);
      }
    }), time, time);
    sim.faults().failNext(Fault.SECONDARY_LIMIT, 1);

    PullRequestPage page = client.listPullRequests(PageRequest.firstPage(sim.repositories().get(0), null));

    assertThat(page.pullRequests()).hasSize(5);
    assertThat(page.requests()).isEqualTo(2);
    assertThat(pauses).containsExactly(Duration.ofSeconds(7));
    assertThat(time.slept()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void secondaryLimit_pausesEveryThreadOfTheCredential() throws Exception {
    GitHubSimulator sim = simulator(b -> b.repositories(8).pullRequestsPerRepository(5)
        .secondaryRetryAfter(Duration.ofSeconds(1)));
    List<long[]> responses = new CopyOnWriteArrayList<>();
    long[] trippedAt = new long[1];
    HttpGitHubClient client = client(sim, b -> b.maxConcurrentRequests(8).listener(new GitHubClientListener() {
      @Override
      public void onResponse(String endpoint, int status, boolean charged, Duration elapsed, long bytes) {
        responses.add(new long[] {System.nanoTime(), status});
      }

      @Override
      public void onSecondaryLimit(String credential, Duration pause) {
        trippedAt[0] = System.nanoTime();
      }
    }));
    List<RepositoryId> repos = sim.repositories();
    // Warm up so every thread runs concurrently, then trip the limit in the middle of the load.
    client.listPullRequests(PageRequest.firstPage(repos.get(0), null));
    sim.faults().failNext(Fault.SECONDARY_LIMIT, 1);
    List<Callable<Integer>> tasks = repos.stream().<Callable<Integer>>map(repo -> () -> {
      int pages = 0;
      for (int i = 0; i < 5; i++) {
        pages += client.listPullRequests(PageRequest.firstPage(repo, null)).pullRequests().isEmpty() ? 0 : 1;
      }
      return pages;
    }).toList();

    int pages = 0;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Future<Integer> f : pool.invokeAll(tasks, 30, TimeUnit.SECONDS)) {
        pages += f.get();
      }
    }

    assertThat(pages).isEqualTo(40);
    assertThat(sim.stats().secondaryLimited()).isEqualTo(1);
    long quietFrom = trippedAt[0] + TimeUnit.MILLISECONDS.toNanos(150);
    long quietUntil = trippedAt[0] + TimeUnit.MILLISECONDS.toNanos(950);
    assertThat(responses).noneSatisfy(r -> assertThat(r[0]).isBetween(quietFrom, quietUntil));
    assertThat(responses.stream().filter(r -> r[0] > quietUntil).count()).isPositive();
  }

  @Test
  void reserve_isNeverSpentAndNoRequestIsRefused() throws Exception {
    GitHubSimulator sim = simulator(b -> b.repositories(4).pullRequestsPerRepository(3));
    HttpGitHubClient client = client(sim, b -> b.rateLimitReserve(50).maxConcurrentRequests(16));
    sim.setRemaining(TOKEN, 300);
    List<RepositoryId> repos = sim.repositories();
    AtomicInteger refused = new AtomicInteger();
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      RepositoryId repo = repos.get(t % repos.size());
      tasks.add(() -> {
        for (int i = 0; i < 40; i++) {
          try {
            client.listPullRequests(PageRequest.firstPage(repo, null));
          } catch (RateLimitExceededException e) {
            assertThat(e.status()).isZero();
            refused.incrementAndGet();
          }
        }
        return null;
      });
    }

    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Future<Void> f : pool.invokeAll(tasks)) {
        f.get();
      }
    }

    assertThat(sim.stats().charged()).isEqualTo(250);
    assertThat(sim.stats().primaryLimited()).isZero();
    assertThat(refused.get()).isEqualTo(16 * 40 - 250);
    assertThat(client.rateLimits()).singleElement().satisfies(s -> {
      assertThat(s.remaining()).isEqualTo(50);
      assertThat(s.credential()).isEqualTo("token:...cdef");
    });
  }

  @Test
  void serverTimePacing_keepsTheSimulatorsSecondaryLimitFromFiring() throws Exception {
    Duration budget = Duration.ofSeconds(3);
    Duration window = Duration.ofSeconds(2);
    GitHubSimulator sim = simulator(b -> b.repositories(4).pullRequestsPerRepository(3)
        .latency(Latency.of(Duration.ofMillis(100), Duration.ZERO, Duration.ZERO))
        .serverTimeBudget(budget, window));
    List<Duration> elapsed = new CopyOnWriteArrayList<>();
    HttpGitHubClient client = client(sim, b -> b.serverTimeBudget(budget, window).maxConcurrentRequests(8)
        .listener(new GitHubClientListener() {
          @Override
          public void onResponse(String endpoint, int status, boolean charged, Duration time, long bytes) {
            elapsed.add(time);
          }
        }));
    List<RepositoryId> repos = sim.repositories();
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      RepositoryId repo = repos.get(t % repos.size());
      tasks.add(() -> {
        for (int i = 0; i < 6; i++) {
          client.listPullRequests(PageRequest.firstPage(repo, null));
        }
        return null;
      });
    }

    long start = System.nanoTime();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Future<Void> f : pool.invokeAll(tasks)) {
        f.get();
      }
    }
    long wall = System.nanoTime() - start;

    assertThat(sim.stats().secondaryLimited()).isZero();
    assertThat(sim.stats().requests()).isEqualTo(48);
    long summed = elapsed.stream().mapToLong(Duration::toNanos).sum();
    double floor = summed * (double) window.toNanos() / budget.toNanos();
    System.out.printf("server-time pacing: %d requests, wall %d ms, floor %.0f ms, ratio %.3f%n",
        elapsed.size(), wall / 1_000_000, floor / 1e6, wall / floor);
    assertThat(wall / floor).isLessThan(1.25);
  }
}
