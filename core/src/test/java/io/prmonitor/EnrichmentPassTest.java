package io.prmonitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.core.enrich.PullRequestEnricher;
import io.prmonitor.core.store.InMemoryPullRequestStore;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.EnrichmentMode;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.RepositoryId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Passes with GraphQL enrichment against the simulator: the CI re-reads of repositories with nothing to read in
 * full share queries across repositories (one point per batch, not per repository), and the changes they find
 * are counted and delivered in the pass that read them.
 */
class EnrichmentPassTest {

  private static final String TOKEN = "test_enrichment_pass_token";
  /** The client's largest GraphQL batch (its {@code GraphQlEnrichment.MAX_BATCH}). */
  private static final int QUERY_BATCH = 250;

  private final InMemoryPullRequestStore store = new InMemoryPullRequestStore();
  private final List<PullRequestChange> received = new CopyOnWriteArrayList<>();
  private GitHubSimulator simulator;
  private PRMonitor monitor;

  private void start(int repositories, int pullRequestsPerRepository) {
    simulator = GitHubSimulator.builder().repositories(repositories)
        .pullRequestsPerRepository(pullRequestsPerRepository).openPullRequestPercent(100).seed(23L).tokens(TOKEN)
        .start();
    ProcessorConfig config = ProcessorConfig.builder().repositories(simulator.repositories())
        .githubBaseUrl(simulator.baseUrl()).githubToken(TOKEN).serverTimeBudget(null, Duration.ofSeconds(60))
        .enrichment(EnrichmentMode.GRAPHQL).build();
    monitor = PRMonitor.builder().config(config).store(store).listener(received::add).build();
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

  /** A failing check run on the first open pull request of each repository; returns those whose CI state it changed. */
  private Set<String> failOneCheckPerRepository() {
    Set<String> changed = new HashSet<>();
    for (RepositoryId repository : simulator.repositories()) {
      PullRequest pr = simulator.truth(repository).stream().filter(PullRequest::isOpen).findFirst().orElseThrow();
      PullRequestEnrichment before = simulator.enrichmentTruth(repository).get(pr.number());
      simulator.setCheckRun(repository, pr.number(), "enrichment-pass-test", "completed", "failure");
      if (simulator.enrichmentTruth(repository).get(pr.number()).checks() != before.checks()) {
        changed.add(repository.fullName() + "#" + pr.number());
      }
    }
    return changed;
  }

  private long openPullRequests() {
    return simulator.repositories().stream()
        .mapToLong(r -> simulator.truth(r).stream().filter(PullRequest::isOpen).count()).sum();
  }

  private void assertStoredChecksEqualTruth() {
    for (RepositoryId repository : simulator.repositories()) {
      Map<Integer, PullRequestEnrichment> truth = simulator.enrichmentTruth(repository);
      List<Integer> numbers = new ArrayList<>(truth.keySet());
      Map<Integer, PullRequestEnrichment> stored = store.enrichments(repository, numbers);
      for (PullRequest pr : simulator.truth(repository)) {
        if (pr.isOpen()) {
          assertThat(stored.get(pr.number()).checks()).as("%s#%d", repository.fullName(), pr.number())
              .isEqualTo(truth.get(pr.number()).checks());
        }
      }
    }
  }

  @Test
  void ciOnlyPass_sharesQueriesAcrossRepositories_andDeliversEveryChecksChangeInThatPass() {
    // 12 x 100 open pull requests: more than one gathered batch, so one is read while the pass runs
    start(12, 100);
    monitor.run();
    Set<String> changed = failOneCheckPerRepository();
    assertThat(changed).as("the check runs change some rollups").isNotEmpty();
    simulator.resetStats();
    received.clear();

    RunReport report = monitor.run();

    long open = openPullRequests();
    assertThat(open).isGreaterThan(PullRequestEnricher.GATHERED_BATCH);
    assertThat(report.changes().getOrDefault(ChangeKind.CHECKS_CHANGED, 0L)).isEqualTo(changed.size());
    assertThat(received).as("delivered in the pass that read them").extracting(
        c -> c.repository().fullName() + "#" + c.number() + " " + c.kind())
        .containsExactlyInAnyOrderElementsOf(changed.stream().map(key -> key + " CHECKS_CHANGED").toList());
    // 1,000 gathered reads in 4 queries of 250, the rest in ceil(rest / 250): one point each
    long rest = open - PullRequestEnricher.GATHERED_BATCH;
    long queries = PullRequestEnricher.GATHERED_BATCH / QUERY_BATCH + (rest + QUERY_BATCH - 1) / QUERY_BATCH;
    assertThat(simulator.graphqlStats().queries()).isEqualTo(queries);
    assertThat(simulator.graphqlStats().points()).isEqualTo(queries);
    assertThat(report.enrichment().graphqlQueries()).isEqualTo(queries);
    assertThat(report.enrichment().graphqlPoints()).isEqualTo(queries);
    assertThat(report.enrichment().checksReads()).isEqualTo(open);
    assertThat(report.enrichment().pullRequestsRead()).isEqualTo(open);
    assertThat(simulator.stats().charged()).as("REST: the list's free 304s only").isZero();
    assertStoredChecksEqualTruth();
  }

  @Test
  void repositoryWithAFullRead_readsItsChecksInItsOwnQuery_andTheOthersShareOne() {
    start(3, 40);
    monitor.run();
    RepositoryId edited = simulator.repositories().get(1);
    PullRequest reviewed = simulator.truth(edited).get(0);
    simulator.submitReview(edited, reviewed.number(), "enrichment-reviewer", io.prmonitor.spi.ReviewState.APPROVED);
    Set<String> changed = failOneCheckPerRepository();
    simulator.resetStats();
    received.clear();

    RunReport report = monitor.run();

    // the reviewed repository's query (its pull request in full, its 39 others' CI riding along) and one shared
    assertThat(simulator.graphqlStats().queries()).isEqualTo(2);
    assertThat(report.enrichment().graphqlPoints()).isEqualTo(2);
    assertThat(report.enrichment().fullReads()).isEqualTo(1);
    assertThat(received).filteredOn(c -> c.kind() == ChangeKind.REVIEW_SUBMITTED).extracting(PullRequestChange::number)
        .containsExactly(reviewed.number());
    assertThat(received).filteredOn(c -> c.kind() == ChangeKind.CHECKS_CHANGED)
        .extracting(c -> c.repository().fullName() + "#" + c.number()).containsExactlyInAnyOrderElementsOf(changed);
    assertStoredChecksEqualTruth();
  }
}
