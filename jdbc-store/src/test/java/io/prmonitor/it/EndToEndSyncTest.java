package io.prmonitor.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.RunReport;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestState;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole stack — simulator, HTTP client, processor, JDBC store — through passes with known mutations
 * in between: the store must equal the simulator's truth pull request by pull request, and the reported
 * changes must equal the mutations. Runs on H2 and on PostgreSQL through the subclasses.
 */
abstract class EndToEndSyncTest {

  static final String TOKEN = "e2e-token-0123456789";
  static final int REPOSITORIES = 4;
  static final int PULL_REQUESTS = 250;

  GitHubSimulator simulator;
  StoreTarget target;
  PRMonitor monitor;
  final List<PullRequestChange> received = Collections.synchronizedList(new ArrayList<>());

  abstract StoreTarget createTarget();

  @BeforeEach
  void start() {
    simulator = GitHubSimulator.builder().repositories(REPOSITORIES).pullRequestsPerRepository(PULL_REQUESTS)
        .seed(7L).tokens(TOKEN).start();
    target = createTarget();
    monitor = PRMonitor.builder().config(config().build()).listener(received::add).build();
  }

  ProcessorConfig.Builder config() {
    return SyncStack.config(simulator, TOKEN, target);
  }

  @AfterEach
  void stop() throws Exception {
    SyncStack.closeInOrder(monitor, simulator, target);
  }

  void assertStoreEqualsTruth() {
    PullRequestStore store = monitor.store();
    for (RepositoryId repository : simulator.repositories()) {
      List<PullRequest> stored = store.allPullRequests(repository);
      List<PullRequest> truth = simulator.truth(repository);
      assertThat(stored).as("stored pull requests of %s", repository).hasSameSizeAs(truth);
      for (int i = 0; i < truth.size(); i++) {
        assertThat(stored.get(i)).as("%s#%d", repository, truth.get(i).number()).isEqualTo(truth.get(i));
      }
    }
  }

  List<String> receivedChanges() {
    synchronized (received) {
      return received.stream()
          .map(c -> RandomMutations.expected(c.repository(), c.number(), c.kind())).sorted().toList();
    }
  }

  @Test
  void passes_withKnownMutations_storeEqualsTruth_andChangesEqualMutations() {
    RunReport baseline = monitor.run();
    assertThat(baseline.isComplete()).as(baseline.toJson()).isTrue();
    assertThat(baseline.requests()).isEqualTo(REPOSITORIES * (long) Math.ceilDiv(PULL_REQUESTS, 100));
    assertThat(baseline.pullRequestsSeen()).isEqualTo(REPOSITORIES * (long) PULL_REQUESTS);
    assertThat(baseline.totalChanges()).as("a first pass is a silent baseline").isZero();
    assertThat(received).isEmpty();
    assertStoreEqualsTruth();

    List<RepositoryId> repos = simulator.repositories();
    List<String> expected = new ArrayList<>();
    RepositoryId a = repos.get(0);
    int open = firstNumber(a, PullRequestState.OPEN, 0);
    simulator.editTitle(a, open, "A new title ✓");
    expected.add(RandomMutations.expected(a, open, ChangeKind.EDITED));
    int pushed = firstNumber(a, PullRequestState.OPEN, 1);
    simulator.pushCommits(a, pushed);
    simulator.addLabel(a, pushed, "e2e");
    expected.add(RandomMutations.expected(a, pushed, ChangeKind.COMMITS_PUSHED));
    expected.add(RandomMutations.expected(a, pushed, ChangeKind.LABELS_CHANGED));
    RepositoryId b = repos.get(1);
    int closedOne = firstNumber(b, PullRequestState.CLOSED, 0);
    simulator.reopen(b, closedOne);
    simulator.merge(b, closedOne);
    expected.add(RandomMutations.expected(b, closedOne, ChangeKind.REOPENED));
    expected.add(RandomMutations.expected(b, closedOne, ChangeKind.MERGED));
    int closeWithoutMerge = firstNumber(b, PullRequestState.OPEN, 0);
    simulator.close(b, closeWithoutMerge);
    expected.add(RandomMutations.expected(b, closeWithoutMerge, ChangeKind.CLOSED));
    RepositoryId c = repos.get(2);
    int opened = simulator.openPullRequest(c);
    expected.add(RandomMutations.expected(c, opened, ChangeKind.OPENED));
    int reviewed = firstNumber(c, PullRequestState.OPEN, 0);
    simulator.requestReview(c, reviewed, "e2e-reviewer");
    simulator.assign(c, reviewed, "e2e-assignee");
    expected.add(RandomMutations.expected(c, reviewed, ChangeKind.REVIEW_REQUESTED));
    expected.add(RandomMutations.expected(c, reviewed, ChangeKind.ASSIGNEES_CHANGED));

    RunReport second = monitor.run();

    assertThat(second.isComplete()).as(second.toJson()).isTrue();
    assertStoreEqualsTruth();
    assertThat(receivedChanges()).containsExactlyElementsOf(expected.stream().sorted().toList());
    assertThat(second.totalChanges()).isEqualTo(expected.size());
    assertThat(second.changesDelivered()).isEqualTo(expected.size());
    assertThat(second.requests()).as("k <= 99 changed pull requests per repository need one page")
        .isEqualTo(REPOSITORIES);

    received.clear();
    RunReport quiet = monitor.run();
    assertThat(quiet.requests()).isEqualTo(REPOSITORIES);
    assertThat(quiet.notModified()).as("nothing changed: every request is a free 304").isEqualTo(REPOSITORIES);
    assertThat(quiet.totalChanges()).isZero();
    assertThat(received).isEmpty();
  }

  @Test
  void randomRounds_everyRoundStoreEqualsTruth_andDeliveredChangesEqualMutations() {
    monitor.run();
    RandomMutations mutations = new RandomMutations(simulator, 20241129L);
    for (int round = 1; round <= rounds(); round++) {
      received.clear();
      List<String> expected = mutations.round(1 + round % 7);
      RunReport report = monitor.run();
      assertThat(report.isComplete()).as("round %d: %s", round, report.toJson()).isTrue();
      assertThat(receivedChanges()).as("round %d", round)
          .containsExactlyElementsOf(expected.stream().sorted().toList());
      assertStoreEqualsTruth();
    }
  }

  /** How many random rounds to run. */
  int rounds() {
    return 200;
  }

  private int firstNumber(RepositoryId repository, PullRequestState state, int skip) {
    return simulator.truth(repository).stream().filter(pr -> pr.state() == state && !pr.draft())
        .skip(skip).findFirst().orElseThrow().number();
  }
}
