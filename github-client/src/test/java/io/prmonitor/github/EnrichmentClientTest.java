package io.prmonitor.github;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.github.ratelimit.Backoff;
import io.prmonitor.github.ratelimit.Sleeper;
import io.prmonitor.github.ratelimit.Ticker;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.ChecksState;
import io.prmonitor.spi.CombinedEnrichmentResult;
import io.prmonitor.spi.EnrichmentMode;
import io.prmonitor.spi.EnrichmentResult;
import io.prmonitor.spi.EnrichmentTarget;
import io.prmonitor.spi.GitHubClientSettings;
import io.prmonitor.spi.GitHubCredentials;
import io.prmonitor.spi.Mergeability;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.ReviewState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link HttpGitHubClient#enrich} against the simulator: GraphQL batches, REST with entity tags, fallbacks. */
class EnrichmentClientTest {

  static final String TOKEN = "test_enrichmentSecret0123456789abcdef";
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable resource : resources.reversed()) {
      resource.close();
    }
  }

  private GitHubSimulator simulator(UnaryOperator<GitHubSimulator.Builder> tweak) {
    GitHubSimulator sim = tweak.apply(GitHubSimulator.builder().seed(11L).tokens(TOKEN).repositories(1)
        .pullRequestsPerRepository(250)).start();
    resources.add(sim);
    return sim;
  }

  private HttpGitHubClient client(GitHubSimulator sim) {
    GitHubClientSettings settings = GitHubClientSettings.builder()
        .baseUrl(sim.baseUrl())
        .credentials(new GitHubCredentials.Token(TOKEN))
        .requestTimeout(Duration.ofSeconds(10))
        .retryInitialDelay(Duration.ofMillis(5)).build();
    HttpGitHubClient client = new HttpGitHubClient(settings, Ticker.SYSTEM, Sleeper.SYSTEM,
        Backoff.withJitter(settings.retryInitialDelay(), settings.retryBackoffFactor()));
    resources.add(client);
    return client;
  }

  private static List<EnrichmentTarget> fullTargets(GitHubSimulator sim, RepositoryId repo) {
    return sim.truth(repo).stream().map(pr -> new EnrichmentTarget(pr.number(), pr.headSha(), false, null)).toList();
  }

  /** Every pull request of every repository, read in full. */
  private static Map<RepositoryId, List<EnrichmentTarget>> everyRepositoryInFull(GitHubSimulator sim) {
    Map<RepositoryId, List<EnrichmentTarget>> all = new java.util.LinkedHashMap<>();
    sim.repositories().forEach(repo -> all.put(repo, fullTargets(sim, repo)));
    return all;
  }

  private static Map<Integer, PullRequestEnrichment> byNumber(EnrichmentResult result) {
    Map<Integer, PullRequestEnrichment> map = new HashMap<>();
    result.enrichments().forEach(e -> map.put(e.number(), e));
    return map;
  }

  /** The truth as a client reads it now: a closed pull request's mergeability is unknown. */
  private static void assertMatchesTruth(GitHubSimulator sim, RepositoryId repo, Map<Integer, PullRequestEnrichment> read) {
    Map<Integer, PullRequestEnrichment> truth = sim.enrichmentTruth(repo);
    for (PullRequest pr : sim.truth(repo)) {
      PullRequestEnrichment expected = truth.get(pr.number());
      PullRequestEnrichment actual = read.get(pr.number());
      assertThat(actual).as("#%d read", pr.number()).isNotNull();
      assertThat(actual.withRevision(0).sameState(new PullRequestEnrichment(expected.number(), 0, expected.headSha(),
          expected.reviewDecision(), expected.latestReviews(), expected.checks(),
          pr.isOpen() ? expected.mergeable() : Mergeability.UNKNOWN, expected.comments())))
          .as("#%d: %s vs %s", pr.number(), actual, expected).isTrue();
    }
  }

  @Test
  void graphql_readsEveryPullRequestAsTheTruthHasIt_inOneQuery_at1PointPer100() {
    GitHubSimulator sim = simulator(b -> b);
    RepositoryId repo = sim.repositories().get(0);

    EnrichmentResult result = client(sim).enrich(repo, fullTargets(sim, repo), EnrichmentMode.GRAPHQL, 0);

    assertMatchesTruth(sim, repo, byNumber(result));
    assertThat(result.graphqlQueries()).isEqualTo(1);
    assertThat(result.requests()).isZero();
    // 250 pull requests, one latestReviews connection each: 250 / 100 rounds to 3 points
    assertThat(result.graphqlPoints()).isEqualTo(3);
    assertThat(sim.graphqlStats().points()).isEqualTo(3);
    assertThat(sim.stats().requests()).isZero();
  }

  @Test
  void graphql_checksOnly_costs1PointPer100_andKeepsTheStoredReviews() {
    GitHubSimulator sim = simulator(b -> b);
    RepositoryId repo = sim.repositories().get(0);
    HttpGitHubClient client = client(sim);
    Map<Integer, PullRequestEnrichment> first = byNumber(client.enrich(repo, fullTargets(sim, repo),
        EnrichmentMode.GRAPHQL, 0));
    PullRequest open = sim.truth(repo).stream().filter(PullRequest::isOpen).findFirst().orElseThrow();
    sim.setCheckRun(repo, open.number(), "deploy", "completed", "failure");
    List<EnrichmentTarget> checks = sim.truth(repo).stream().filter(PullRequest::isOpen).limit(100)
        .map(pr -> new EnrichmentTarget(pr.number(), pr.headSha(), true, first.get(pr.number()))).toList();
    sim.resetStats();

    EnrichmentResult result = client.enrich(repo, checks, EnrichmentMode.GRAPHQL, 0);

    assertThat(result.graphqlPoints()).isEqualTo(1);
    PullRequestEnrichment read = byNumber(result).get(open.number());
    assertThat(read.checks()).isEqualTo(ChecksState.FAILURE);
    assertThat(read.latestReviews()).isEqualTo(first.get(open.number()).latestReviews());
  }

  @Test
  void graphql_502_halvesTheBatchUntilItPasses() {
    // 250 and 125 pull requests estimated at 1 ms each reach the 100 ms timeout; 62 do not
    GitHubSimulator sim = simulator(b -> b.graphqlServerTime(Duration.ofMillis(1), Duration.ofMillis(100)));
    RepositoryId repo = sim.repositories().get(0);
    HttpGitHubClient client = client(sim);

    EnrichmentResult result = client.enrich(repo, fullTargets(sim, repo), EnrichmentMode.GRAPHQL, 0);

    assertMatchesTruth(sim, repo, byNumber(result));
    assertThat(sim.graphqlStats().timeouts()).isEqualTo(2);
    assertThat(client.graphqlBatchSize()).isEqualTo(62);
    // timed out: 250 (charged 3) and 125 (1); then 4 x 62 and 2, 1 point each
    assertThat(result.graphqlQueries()).isEqualTo(7);
    assertThat(result.graphqlPoints()).isEqualTo(sim.graphqlStats().points()).isEqualTo(9);
    for (int i = 0; i < 10; i++) {
      client.enrich(repo, fullTargets(sim, repo), EnrichmentMode.GRAPHQL, 0);
    }
    assertThat(client.graphqlBatchSize()).as("no growth within 15 minutes of a timeout, after 55 successes")
        .isEqualTo(62);
    assertThat(sim.graphqlStats().timeouts()).isEqualTo(2);
  }

  @Test
  void graphql_budgetSpent_readsTheRestThroughRest() {
    GitHubSimulator sim = simulator(b -> b.graphqlBudgetPerHour(55));
    RepositoryId repo = sim.repositories().get(0);
    HttpGitHubClient client = client(sim);
    client.enrich(repo, fullTargets(sim, repo), EnrichmentMode.GRAPHQL, 0);

    // the first query left 52 points: another of 3 would dip into the reserve of 50
    EnrichmentResult result = client.enrich(repo, fullTargets(sim, repo), EnrichmentMode.GRAPHQL, 0);

    assertMatchesTruth(sim, repo, byNumber(result));
    assertThat(sim.graphqlStats().queries()).isEqualTo(1);
    assertThat(result.deferred()).isEmpty();
    assertThat(result.graphqlQueries()).isZero();
    assertThat(sim.stats().requests()).isEqualTo(250 * 4);
  }

  @Test
  void rest_readsAsGraphqlDoes_andAReadOfUnchangedPullRequestsIsAll304() {
    GitHubSimulator sim = simulator(b -> b.pullRequestsPerRepository(40));
    RepositoryId repo = sim.repositories().get(0);
    HttpGitHubClient client = client(sim);

    EnrichmentResult first = client.enrich(repo, fullTargets(sim, repo), EnrichmentMode.REST, 0);
    Map<Integer, PullRequestEnrichment> stored = byNumber(first);
    List<EnrichmentTarget> again = sim.truth(repo).stream()
        .map(pr -> new EnrichmentTarget(pr.number(), pr.headSha(), false, stored.get(pr.number()))).toList();
    sim.resetStats();
    EnrichmentResult second = client.enrich(repo, again, EnrichmentMode.REST, 0);

    assertMatchesTruth(sim, repo, stored);
    assertThat(first.requests()).isEqualTo(40 * 4);
    assertThat(second.requests()).isEqualTo(40 * 4);
    assertThat(second.notModified()).isEqualTo(40 * 4);
    assertThat(sim.stats().charged()).isZero();
    assertMatchesTruth(sim, repo, byNumber(second));
  }

  @Test
  void rest_afterAReviewAndACheck_readsTheChangesAndReusesTheRest() {
    GitHubSimulator sim = simulator(b -> b.pullRequestsPerRepository(10));
    RepositoryId repo = sim.repositories().get(0);
    HttpGitHubClient client = client(sim);
    Map<Integer, PullRequestEnrichment> stored = byNumber(client.enrich(repo, fullTargets(sim, repo),
        EnrichmentMode.REST, 0));
    int n = sim.openPullRequest(repo);
    PullRequest pr = sim.truth(repo).stream().filter(p -> p.number() == n).findFirst().orElseThrow();
    stored.putAll(byNumber(client.enrich(repo, List.of(new EnrichmentTarget(n, pr.headSha(), false, null)),
        EnrichmentMode.REST, 0)));
    sim.submitReview(repo, n, "erin", ReviewState.APPROVED);
    sim.setCommitStatus(repo, n, "ci/lint", "pending");
    sim.resetStats();

    PullRequestEnrichment read = client.enrich(repo, List.of(new EnrichmentTarget(n, pr.headSha(), false,
        stored.get(n))), EnrichmentMode.REST, 0).enrichments().get(0);

    assertThat(read.latestReviews()).containsEntry("erin", ReviewState.APPROVED);
    assertThat(read.checks()).isEqualTo(ChecksState.PENDING);
    // pull (comments unchanged, but updated_at moved: 200), reviews 200, runs 304, status 200
    assertThat(sim.stats().notModified()).isEqualTo(1);
  }

  @Test
  void rest_leavesTheListSynchronizationItsRequests_andDefersTheRest() {
    GitHubSimulator sim = simulator(b -> b.pullRequestsPerRepository(10));
    RepositoryId repo = sim.repositories().get(0);
    HttpGitHubClient client = client(sim);
    sim.setRemaining(TOKEN, 70);
    client.listPullRequests(io.prmonitor.spi.PageRequest.firstPage(repo, null));

    // 69 left, 50 in reserve, 5 kept for the list: 3 pull requests of 4 requests fit
    EnrichmentResult result = client.enrich(repo, fullTargets(sim, repo), EnrichmentMode.REST, 5);

    assertThat(result.enrichments()).hasSize(3);
    assertThat(result.deferred()).hasSize(7);
    assertThat(result.deferredReason()).contains("kept for the list synchronization");
  }

  @Test
  void graphql_checksOnlyOfSeveralRepositories_shareOneQuery_ofOnePoint() {
    GitHubSimulator sim = simulator(b -> b.repositories(3).pullRequestsPerRepository(120));
    HttpGitHubClient client = client(sim);
    Map<RepositoryId, List<EnrichmentTarget>> checks = new java.util.LinkedHashMap<>();
    Map<RepositoryId, Integer> failing = new HashMap<>();
    for (RepositoryId repo : sim.repositories()) {
      Map<Integer, PullRequestEnrichment> first = byNumber(client.enrich(repo, fullTargets(sim, repo),
          EnrichmentMode.GRAPHQL, 0));
      List<PullRequest> open = sim.truth(repo).stream().filter(PullRequest::isOpen).toList();
      sim.setCheckRun(repo, open.get(0).number(), "deploy", "completed", "failure");
      failing.put(repo, open.get(0).number());
      checks.put(repo, open.stream()
          .map(pr -> new EnrichmentTarget(pr.number(), pr.headSha(), true, first.get(pr.number()))).toList());
    }
    int targets = checks.values().stream().mapToInt(List::size).sum();
    assertThat(targets).as("open pull requests of the three repositories, one batch").isBetween(4, 250);
    sim.resetStats();

    CombinedEnrichmentResult result = client.enrich(checks, EnrichmentMode.GRAPHQL, 0);

    assertThat(result.graphqlQueries()).isEqualTo(1);
    assertThat(result.graphqlPoints()).isEqualTo(1);
    assertThat(sim.graphqlStats().queries()).isEqualTo(1);
    assertThat(sim.graphqlStats().points()).isEqualTo(1);
    for (RepositoryId repo : sim.repositories()) {
      EnrichmentResult read = result.byRepository().get(repo);
      assertThat(read.enrichments()).as(repo.fullName()).hasSize(checks.get(repo).size());
      assertThat(read.graphqlQueries()).isZero();
      assertThat(byNumber(read).get(failing.get(repo)).checks()).as(repo.fullName()).isEqualTo(ChecksState.FAILURE);
      Map<Integer, PullRequestEnrichment> truth = sim.enrichmentTruth(repo);
      for (PullRequestEnrichment e : read.enrichments()) {
        assertThat(e.checks()).as("%s#%d", repo.fullName(), e.number()).isEqualTo(truth.get(e.number()).checks());
      }
    }
  }

  @Test
  void graphql_502_halvesABatchOfSeveralRepositories() {
    // 4 x 100 pull requests at 1 ms each: the batch of 250 (and 125) reaches the 100 ms timeout, 62 does not
    GitHubSimulator sim = simulator(b -> b.repositories(4).pullRequestsPerRepository(100)
        .graphqlServerTime(Duration.ofMillis(1), Duration.ofMillis(100)));
    HttpGitHubClient client = client(sim);

    CombinedEnrichmentResult result = client.enrich(everyRepositoryInFull(sim), EnrichmentMode.GRAPHQL, 0);

    for (RepositoryId repo : sim.repositories()) {
      assertMatchesTruth(sim, repo, byNumber(result.byRepository().get(repo)));
    }
    assertThat(sim.graphqlStats().timeouts()).isEqualTo(2);
    assertThat(client.graphqlBatchSize()).isEqualTo(62);
    // timed out: 250 (3 points) and 125 (1); then 6 x 62 and 28 (1 point each)
    assertThat(result.graphqlQueries()).isEqualTo(9);
    assertThat(result.graphqlPoints()).isEqualTo(sim.graphqlStats().points()).isEqualTo(11);
  }

  @Test
  void rest_severalRepositories_readsEachOnItsOwn() {
    GitHubSimulator sim = simulator(b -> b.repositories(2).pullRequestsPerRepository(20));
    HttpGitHubClient client = client(sim);

    CombinedEnrichmentResult result = client.enrich(everyRepositoryInFull(sim), EnrichmentMode.REST, 0);

    for (RepositoryId repo : sim.repositories()) {
      assertMatchesTruth(sim, repo, byNumber(result.byRepository().get(repo)));
      assertThat(result.byRepository().get(repo).requests()).isEqualTo(20 * 4);
    }
    assertThat(result.graphqlQueries()).isZero();
    assertThat(sim.graphqlStats().queries()).isZero();
  }
}
