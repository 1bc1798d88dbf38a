package io.prmonitor.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.PRMonitor;
import io.prmonitor.RunReport;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.ChecksState;
import io.prmonitor.spi.EnrichmentMode;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.ReviewDecision;
import io.prmonitor.spi.ReviewState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The randomized fidelity test with enrichment: every round applies random list mutations (as
 * {@link EndToEndSyncTest}) and random reviews, dismissals, comments, check runs, commit statuses and
 * mergeability flips, runs a pass, and checks that the store holds the simulator's truth, list fields and
 * enrichment alike, and that the changes delivered are exactly those the mutations call for, each key once.
 * Runs with GraphQL and with REST enrichment, on H2 and on PostgreSQL through the subclasses.
 */
abstract class EnrichmentFidelityTest {

  static final String TOKEN = "e2e-enrichment-token-0123456789";
  static final int REPOSITORIES = 4;
  static final int PULL_REQUESTS = 250;
  private static final String[] CONCLUSIONS = {"success", "failure", "neutral", "timed_out"};
  private static final String[] STATUSES = {"pending", "success", "failure", "error"};

  GitHubSimulator simulator;
  StoreTarget target;
  PRMonitor monitor;
  final List<PullRequestChange> received = Collections.synchronizedList(new ArrayList<>());

  abstract StoreTarget createTarget();

  void start(EnrichmentMode mode) {
    simulator = GitHubSimulator.builder().repositories(REPOSITORIES).pullRequestsPerRepository(PULL_REQUESTS)
        .seed(17L).tokens(TOKEN).openPullRequestPercent(10).start();
    target = createTarget();
    monitor = PRMonitor.builder().config(SyncStack.config(simulator, TOKEN, target).enrichment(mode).build())
        .listener(received::add).build();
  }

  @AfterEach
  void stop() throws Exception {
    SyncStack.closeInOrder(monitor, simulator, target);
  }

  @Test
  void graphql_randomRounds_storeEqualsTruth_andEveryChangeDeliveredOncePerKey() {
    randomRounds(EnrichmentMode.GRAPHQL, rounds());
  }

  @Test
  void rest_randomRounds_storeEqualsTruth_andEveryChangeDeliveredOncePerKey() {
    randomRounds(EnrichmentMode.REST, restRounds());
  }

  @Test
  void rest_passOverUnchangedPullRequests_costsNoChargedRequest() {
    start(EnrichmentMode.REST);
    RunReport cold = monitor.run();
    assertThat(cold.isComplete()).as(cold.toJson()).isTrue();
    simulator.resetStats();

    RunReport warm = monitor.run();

    assertThat(warm.isComplete()).as(warm.toJson()).isTrue();
    long open = simulator.repositories().stream().flatMap(r -> simulator.truth(r).stream())
        .filter(PullRequest::isOpen).count();
    // one list 304 per repository, then pull, check runs and status per open pull request, all 304
    assertThat(simulator.stats().requests()).isEqualTo(REPOSITORIES + 3 * open);
    assertThat(simulator.stats().notModified()).isEqualTo(simulator.stats().requests());
    assertThat(simulator.stats().charged()).isZero();
    assertThat(warm.totalChanges()).isZero();
  }

  @Test
  void graphql_coldPass_enrichesEveryOpenPullRequest_at3PointsPer100_andNoRest() {
    start(EnrichmentMode.GRAPHQL);

    RunReport cold = monitor.run();

    long open = simulator.repositories().stream().flatMap(r -> simulator.truth(r).stream())
        .filter(PullRequest::isOpen).count();
    assertThat(cold.enrichment().pullRequestsRead()).isEqualTo(open);
    assertThat(cold.enrichment().graphqlPoints()).isLessThanOrEqualTo(REPOSITORIES * 3L);
    assertThat(cold.requests()).as("REST: the list pages only").isEqualTo(REPOSITORIES * 3L);
    assertStoreEqualsTruth();
  }

  int rounds() {
    return 200;
  }

  /**
   * REST reads three or four requests per open pull request and pass, a third of a minute per 60 rounds on
   * the build machine: 60 rounds by default, {@code -Dprmonitor.restRounds=200} for the full run.
   */
  int restRounds() {
    return Integer.getInteger("prmonitor.restRounds", 60);
  }

  private void randomRounds(EnrichmentMode mode, int rounds) {
    start(mode);
    RunReport cold = monitor.run();
    assertThat(cold.isComplete()).as(cold.toJson()).isTrue();
    assertStoreEqualsTruth();
    RandomMutations mutations = new RandomMutations(simulator, 20261206L);
    Random random = new Random(42);
    Set<String> keys = new HashSet<>();
    for (int round = 1; round <= rounds; round++) {
      received.clear();
      Map<RepositoryId, Map<Integer, PullRequestEnrichment>> before = truth();
      List<String> expected = new ArrayList<>(mutations.round(1 + round % 5));
      Set<String> touched = new HashSet<>();
      for (String change : expected) {
        touched.add(change.substring(0, change.indexOf(' ')));
      }
      // a push leaves the new head without CI: the CI state changes unless there was none
      for (String pr : touched) {
        if (expected.contains(pr + " " + ChangeKind.COMMITS_PUSHED)) {
          RepositoryId repository = RepositoryId.parse(pr.substring(0, pr.indexOf('#')));
          int number = Integer.parseInt(pr.substring(pr.indexOf('#') + 1));
          if (before.get(repository).get(number).checks() != ChecksState.NONE) {
            expected.add(pr + " " + ChangeKind.CHECKS_CHANGED);
          }
        }
      }
      expected.addAll(enrichmentMutations(random, 1 + round % 4, touched, before));
      RunReport report = monitor.run();
      assertThat(report.isComplete()).as("round %d: %s", round, report.toJson()).isTrue();
      assertThat(report.enrichment().deferredPullRequests()).isZero();
      List<String> got;
      synchronized (received) {
        got = received.stream().map(c -> RandomMutations.expected(c.repository(), c.number(), c.kind()))
            .sorted().toList();
        for (PullRequestChange change : received) {
          assertThat(keys.add(change.key())).as("round %d: key %s delivered once", round, change.key()).isTrue();
        }
      }
      assertThat(got).as("round %d", round).containsExactlyElementsOf(expected.stream().sorted().toList());
      assertStoreEqualsTruth();
    }
  }

  /** Applies {@code count} enrichment mutations to open pull requests no other mutation touched this round. */
  private List<String> enrichmentMutations(Random random, int count, Set<String> touched,
      Map<RepositoryId, Map<Integer, PullRequestEnrichment>> before) {
    List<String> expected = new ArrayList<>();
    List<RepositoryId> repositories = simulator.repositories();
    int done = 0;
    int guard = 0;
    while (done < count && guard++ < 200) {
      RepositoryId r = repositories.get(random.nextInt(repositories.size()));
      List<PullRequest> open = simulator.truth(r).stream().filter(PullRequest::isOpen).toList();
      PullRequest pr = open.get(random.nextInt(open.size()));
      String name = r.fullName() + "#" + pr.number();
      if (!touched.add(name)) {
        continue;
      }
      PullRequestEnrichment was = before.get(r).get(pr.number());
      int n = pr.number();
      switch (random.nextInt(6)) {
        case 0 -> {
          String login = "rev-" + random.nextInt(1_000_000);
          ReviewState state = ReviewState.values()[random.nextInt(3)];
          simulator.submitReview(r, n, login, state);
          expected.add(name + " " + ChangeKind.REVIEW_SUBMITTED);
        }
        case 1 -> {
          String dismissible = was.latestReviews().entrySet().stream()
              .filter(e -> e.getValue() == ReviewState.APPROVED || e.getValue() == ReviewState.CHANGES_REQUESTED)
              .map(Map.Entry::getKey).findFirst().orElse(null);
          if (dismissible == null) {
            touched.remove(name);
            continue;
          }
          simulator.dismissReview(r, n, dismissible);
          expected.add(name + " " + ChangeKind.REVIEW_DISMISSED);
        }
        case 2 -> {
          simulator.addComment(r, n);
          expected.add(name + " " + ChangeKind.COMMENTED);
        }
        case 3 -> {
          String conclusion = CONCLUSIONS[random.nextInt(CONCLUSIONS.length)];
          simulator.setCheckRun(r, n, "check-" + random.nextInt(3), "completed", conclusion);
        }
        case 4 -> simulator.setCommitStatus(r, n, "ci/" + random.nextInt(2), STATUSES[random.nextInt(STATUSES.length)]);
        default -> {
          simulator.setConflicting(r, n, was.mergeable() != io.prmonitor.spi.Mergeability.CONFLICTING);
          expected.add(name + " " + ChangeKind.MERGEABILITY_CHANGED);
        }
      }
      PullRequestEnrichment now = simulator.enrichmentTruth(r).get(n);
      if (now.checks() != was.checks()) {
        expected.add(name + " " + ChangeKind.CHECKS_CHANGED);
      }
      ReviewDecision from = was.reviewDecision();
      if (now.reviewDecision() != from) {
        expected.add(name + " " + ChangeKind.REVIEW_DECISION_CHANGED);
      }
      done++;
    }
    return expected;
  }

  private Map<RepositoryId, Map<Integer, PullRequestEnrichment>> truth() {
    Map<RepositoryId, Map<Integer, PullRequestEnrichment>> truth = new HashMap<>();
    for (RepositoryId repository : simulator.repositories()) {
      truth.put(repository, simulator.enrichmentTruth(repository));
    }
    return truth;
  }

  /**
   * The list fields equal the truth; every open pull request has an enrichment equal to the truth's, and a
   * closed one that has one holds the truth too (the mergeability it had while open, or unknown if it was
   * first read closed).
   */
  void assertStoreEqualsTruth() {
    for (RepositoryId repository : simulator.repositories()) {
      List<PullRequest> truth = simulator.truth(repository);
      assertThat(monitor.store().allPullRequests(repository)).as("%s", repository).isEqualTo(truth);
      Map<Integer, PullRequestEnrichment> expected = simulator.enrichmentTruth(repository);
      Map<Integer, PullRequestEnrichment> stored = monitor.store().enrichments(repository,
          truth.stream().map(PullRequest::number).toList());
      for (PullRequest pr : truth) {
        PullRequestEnrichment actual = stored.get(pr.number());
        if (pr.isOpen()) {
          assertThat(actual).as("%s#%d enriched", repository, pr.number()).isNotNull();
        }
        if (actual != null) {
          PullRequestEnrichment truthOf = expected.get(pr.number());
          if (!pr.isOpen() && actual.mergeable() == io.prmonitor.spi.Mergeability.UNKNOWN) {
            // first read after it closed: GitHub computes no mergeability for a closed pull request
            truthOf = new PullRequestEnrichment(truthOf.number(), 0, truthOf.headSha(), truthOf.reviewDecision(),
                truthOf.latestReviews(), truthOf.checks(), io.prmonitor.spi.Mergeability.UNKNOWN, truthOf.comments());
          }
          assertThat(actual.sameState(truthOf))
              .as("%s#%d: stored %s, truth %s", repository, pr.number(), actual, truthOf).isTrue();
        }
      }
    }
  }
}
