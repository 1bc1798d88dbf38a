package io.prmonitor.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.PRMonitor;
import io.prmonitor.RunReport;
import io.prmonitor.simulator.Content;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.ListingCursor;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's hostile world through the whole stack (simulator, reader, detector, JDBC store): 1.5% of titles
 * between 257 and 1,200 characters and 10% of pull requests with hostile traits ({@link Content}), then
 * random rounds of hostile edits. Every pass completes with nothing failed or quarantined, the store
 * equals the simulator's truth, and a pass that re-reads every unchanged page reports no change.
 */
abstract class HostileWorldTest {

  static final String TOKEN = "hostile-token-0123456789";
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
        .seed(13L).tokens(TOKEN).content(Content.hostileWorld()).start();
    target = createTarget();
    monitor = PRMonitor.builder().config(SyncStack.config(simulator, TOKEN, target).build())
        .listener(received::add).build();
  }

  @AfterEach
  void stop() throws Exception {
    SyncStack.closeInOrder(monitor, simulator, target);
  }

  @Test
  void hostileWorld_synchronizesCompletely_andRereadingItReportsNoChange() {
    RunReport first = monitor.run();

    assertComplete(first);
    assertThat(first.pullRequestsSeen()).as("items listed twice are read twice")
        .isGreaterThan(REPOSITORIES * (long) PULL_REQUESTS);
    assertStoreEqualsTruth();
    assertThat(hostileValuesStored()).as("the world holds what the test is about").isTrue();

    RunReport reread = rereadEverything();

    assertComplete(reread);
    assertThat(reread.notModified()).isZero();
    assertThat(reread.totalChanges()).as(reread.toJson()).isZero();
    assertThat(received).isEmpty();
  }

  @Test
  void randomHostileEdits_everyRoundStoreEqualsTruth_andChangesEqualEdits() {
    assertComplete(monitor.run());
    Random random = new Random(1313L);
    for (int round = 1; round <= 12; round++) {
      received.clear();
      List<String> expected = new ArrayList<>();
      List<String> touched = new ArrayList<>();
      for (int k = 0; k < 1 + random.nextInt(6); k++) {
        RepositoryId repository = simulator.repositories().get(random.nextInt(REPOSITORIES));
        int number = 1 + random.nextInt(PULL_REQUESTS);
        if (touched.contains(repository + "#" + number)) {
          continue;
        }
        touched.add(repository + "#" + number);
        String text = Content.hostileText(random.nextLong());
        PullRequest before = simulator.truth(repository).get(number - 1);
        if (random.nextBoolean() && !text.equals(before.title())) {
          simulator.editTitle(repository, number, text);
          expected.add(RandomMutations.expected(repository, number, ChangeKind.EDITED));
        } else if (!text.equals(before.body())) {
          simulator.editBody(repository, number, text + "\u65e5".repeat(random.nextInt(70_000)));
          expected.add(RandomMutations.expected(repository, number, ChangeKind.EDITED));
        }
      }

      RunReport report = monitor.run();

      assertComplete(report);
      assertThat(received.stream().map(c -> RandomMutations.expected(c.repository(), c.number(), c.kind()))
          .sorted().toList()).as("round %d", round).containsExactlyElementsOf(expected.stream().sorted().toList());
      assertStoreEqualsTruth();
    }
    received.clear();
    RunReport reread = rereadEverything();
    assertComplete(reread);
    assertThat(reread.totalChanges()).as(reread.toJson()).isZero();
  }

  /** Forgets every cursor and entity tag, so that the next pass reads every page and compares every item. */
  private RunReport rereadEverything() {
    for (RepositoryId repository : simulator.repositories()) {
      monitor.store().completePass(repository, ListingCursor.NONE, Instant.now());
    }
    return monitor.run();
  }

  private static void assertComplete(RunReport report) {
    assertThat(report.isComplete()).as(report.toJson()).isTrue();
    assertThat(report.failed()).isEmpty();
    assertThat(report.quarantined()).as(report.toJson()).isEmpty();
    assertThat(report.pullRequestsSkipped()).isZero();
  }

  private void assertStoreEqualsTruth() {
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

  /** Whether the stored world holds a long title, U+0000, an unpaired surrogate and a body at GitHub's limit. */
  private boolean hostileValuesStored() {
    boolean longTitle = false;
    boolean nul = false;
    boolean lone = false;
    boolean fullBody = false;
    for (RepositoryId repository : simulator.repositories()) {
      for (PullRequest pr : monitor.store().allPullRequests(repository)) {
        longTitle |= pr.title().length() > 256;
        String text = pr.title() + pr.body() + pr.headRef() + pr.baseRef();
        nul |= text.indexOf('\u0000') >= 0;
        lone |= text.codePoints().anyMatch(cp -> cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE);
        fullBody |= pr.body() != null && pr.body().length() == Content.GITHUB_BODY_LIMIT;
      }
    }
    return longTitle && nul && lone && fullBody;
  }

  /** On an H2 file database. */
  static final class OnH2 extends HostileWorldTest {
    @TempDir
    Path directory;

    @Override
    StoreTarget createTarget() {
      return new StoreTarget.H2(directory);
    }
  }

  /** On PostgreSQL at 127.0.0.1:5432. */
  static final class OnPostgres extends HostileWorldTest {
    @Override
    StoreTarget createTarget() {
      return StoreTarget.Postgres.create();
    }
  }
}
