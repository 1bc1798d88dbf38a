package io.prmonitor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.RunReport;
import io.prmonitor.core.store.InMemoryPullRequestStore;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.SyncBatch;
import io.prmonitor.spi.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The processor's listing against the simulator: the fewest requests GitHub allows, conditional requests,
 * the stored cursor, deferral under a low budget, and mutations made while a pass reads its pages.
 */
class IncrementalListingTest {

  private static final String TOKEN = "listing-token-000042";

  private GitHubSimulator simulator;
  private PRMonitor monitor;
  private final InMemoryPullRequestStore store = new InMemoryPullRequestStore();
  private final List<PullRequestChange> received = Collections.synchronizedList(new ArrayList<>());
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private void start(int repositories, int pullRequests, GitHubSimulator.Builder simulatorBuilder,
      ProcessorConfig.Builder extra) {
    start(repositories, pullRequests, simulatorBuilder, extra, Clock.systemUTC());
  }

  private void start(int repositories, int pullRequests, GitHubSimulator.Builder simulatorBuilder,
      ProcessorConfig.Builder extra, Clock clock) {
    simulator = simulatorBuilder.repositories(repositories).pullRequestsPerRepository(pullRequests).seed(99L)
        .tokens(TOKEN).start();
    ProcessorConfig config = extra.repositories(simulator.repositories()).githubBaseUrl(simulator.baseUrl())
        .githubToken(TOKEN)
        // the simulator here enforces no server-time budget; pacing on response times measured while it
        // shares this JVM's two cores would only slow the test
        .serverTimeBudget(null, Duration.ofSeconds(60)).build();
    monitor = PRMonitor.builder().config(config).store(store).clock(clock).listener(received::add)
        .meterRegistry(registry).build();
  }

  private void start(int repositories, int pullRequests) {
    start(repositories, pullRequests, GitHubSimulator.builder(), ProcessorConfig.builder());
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

  private void assertStoreEqualsTruth() {
    for (RepositoryId repository : simulator.repositories()) {
      assertThat(store.allPullRequests(repository)).as("%s", repository)
          .containsExactlyElementsOf(simulator.truth(repository));
    }
  }

  /** How many store calls of that operation the monitor made (its {@code prmonitor.store.transaction} timer). */
  private long storeCalls(String operation) {
    return registry.find("prmonitor.store.transaction").tag("operation", operation).timers().stream()
        .mapToLong(Timer::count).sum();
  }

  /** The pull requests of a repository as the list orders them: newest update first. */
  private List<PullRequest> listOrder(RepositoryId repository) {
    List<PullRequest> prs = new ArrayList<>(simulator.truth(repository));
    prs.sort(Comparator.comparing(PullRequest::updatedAt).reversed());
    return prs;
  }

  @Test
  void coldPass_makesExactlyOneRequestPerPage() {
    start(3, 250);

    RunReport report = monitor.run();

    assertThat(simulator.stats().requests()).isEqualTo(3 * 3);
    assertThat(report.requests()).isEqualTo(9);
    assertStoreEqualsTruth();
  }

  @Test
  void firstPass_intoAnEmptyStore_looksUpNoSnapshots() {
    start(2, 250);

    monitor.run();

    assertThat(storeCalls("exists")).isEqualTo(2);
    assertThat(storeCalls("load")).isZero();
    assertStoreEqualsTruth();
    assertThat(received).isEmpty();
  }

  @Test
  void firstPass_overSnapshotsOfAnUnfinishedFirstPass_comparesWithThem() {
    start(1, 250);
    RepositoryId repository = simulator.repositories().get(0);
    PullRequest stored = listOrder(repository).get(150);
    // an earlier first pass stored this page-2 snapshot and failed before completing: no cursor yet
    store.apply(new SyncBatch(repository, List.of(stored), List.of()));
    simulator.editTitle(repository, stored.number(), "edited after the unfinished pass");

    monitor.run();

    assertThat(storeCalls("load")).isEqualTo(3);
    assertStoreEqualsTruth();
    assertThat(received).extracting(c -> c.number() + " " + c.kind() + " " + c.after())
        .containsExactly(stored.number() + " EDITED edited after the unfinished pass");
  }

  @Test
  void passWithNothingChanged_makesOneFreeRequestPerRepository() {
    start(3, 250);
    monitor.run();
    simulator.resetStats();

    RunReport report = monitor.run();

    assertThat(simulator.stats().requests()).isEqualTo(3);
    assertThat(simulator.stats().notModified()).isEqualTo(3);
    assertThat(simulator.stats().charged()).isZero();
    assertThat(report.notModified()).isEqualTo(3);
  }

  @Test
  void up99ChangedPullRequests_needOneRequest_and100NeedTwo() {
    start(2, 400);
    monitor.run();
    RepositoryId first = simulator.repositories().get(0);
    RepositoryId second = simulator.repositories().get(1);
    List<PullRequest> prs = simulator.truth(first);
    for (int i = 0; i < 99; i++) {
      simulator.editTitle(first, prs.get(i * 4).number(), "changed " + i);
    }
    List<PullRequest> others = simulator.truth(second);
    for (int i = 0; i < 100; i++) {
      simulator.pushCommits(second, others.get(i * 4).number());
    }
    simulator.resetStats();

    RunReport report = monitor.run();

    assertThat(simulator.stats().requests()).as("1 page for 99 changes, 2 pages for 100").isEqualTo(1 + 2);
    assertThat(report.changes()).containsEntry(ChangeKind.EDITED, 99L).containsEntry(ChangeKind.COMMITS_PUSHED, 100L);
    assertStoreEqualsTruth();
  }

  @Test
  void lowBudget_defersInsteadOfBeingRefused_andTheNextWindowFinishes() {
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    // 10 x 1,000 pull requests need 100 requests; 30 are left, 5 of them kept in reserve
    start(10, 1000, GitHubSimulator.builder().clock(clock), ProcessorConfig.builder().rateLimitReserve(5), clock);
    simulator.setRemaining(TOKEN, 30);

    RunReport starved = monitor.run();

    assertThat(simulator.stats().primaryLimited()).as("no request refused for rate limit").isZero();
    assertThat(starved.deferred()).isNotEmpty();
    assertThat(starved.repositoriesDone() + starved.deferred().size()).isEqualTo(10);
    assertThat(simulator.stats().charged()).isLessThanOrEqualTo(25);
    List<RepositoryId> deferred = starved.deferred();

    clock.advance(Duration.ofHours(1).plusMinutes(1));
    RunReport resumed = monitor.run();

    assertThat(resumed.isComplete()).as(resumed.toJson()).isTrue();
    assertThat(simulator.stats().primaryLimited()).isZero();
    assertStoreEqualsTruth();
    assertThat(deferred).allSatisfy(repository ->
        assertThat(store.repositoryState(repository).isBaseline()).isFalse());
  }

  @Test
  void mutationBetweenPages_ofAnUnreadPullRequest_isInTheStoreAfterTheNextPass() {
    start(1, 350);
    RepositoryId repository = simulator.repositories().get(0);
    monitor.run();
    // make 150 changes so the next pass reads two pages, and move one unread pull request (page 3) meanwhile
    List<PullRequest> order = listOrder(repository);
    for (int i = 0; i < 150; i++) {
      simulator.addLabel(repository, order.get(i).number(), "wave");
    }
    PullRequest unread = listOrder(repository).get(320);
    simulator.afterPage(repository, 1, () -> simulator.editTitle(repository, unread.number(), "moved mid-pass"));

    monitor.run();
    monitor.run();

    assertStoreEqualsTruth();
    assertThat(received).filteredOn(c -> c.number() == unread.number() && c.kind() == ChangeKind.EDITED)
        .singleElement().satisfies(c -> assertThat(c.after()).isEqualTo("moved mid-pass"));
  }

  @Test
  void mutationBetweenPages_ofAReadPullRequest_duringTheColdPass_isNeverLost() {
    start(1, 350);
    RepositoryId repository = simulator.repositories().get(0);
    PullRequest alreadyRead = listOrder(repository).get(10);
    PullRequest notYetRead = listOrder(repository).get(250);
    simulator.afterPage(repository, 1, () -> {
      simulator.editTitle(repository, alreadyRead.number(), "edited after its page was read");
      simulator.close(repository, notYetRead.number());
    });

    monitor.run();
    monitor.run();

    assertStoreEqualsTruth();
    assertThat(received).extracting(c -> c.number() + " " + c.kind())
        .contains(alreadyRead.number() + " EDITED");
  }
}
