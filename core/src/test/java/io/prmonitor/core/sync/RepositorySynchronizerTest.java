package io.prmonitor.core.sync;

import static io.prmonitor.spi.contract.PullRequestFixtures.builder;
import static io.prmonitor.spi.contract.PullRequestFixtures.pullRequest;
import static io.prmonitor.spi.contract.PullRequestFixtures.repository;
import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.StaticGitHubClient;
import io.prmonitor.core.detect.ChangeDetector;
import io.prmonitor.core.store.InMemoryPullRequestStore;
import io.prmonitor.spi.GitHubClient;
import io.prmonitor.spi.OutboxEntry;
import io.prmonitor.spi.PageRequest;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestPage;
import io.prmonitor.spi.PullRequestState;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryState;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A silent first pass into an empty repository, which looks up only the pull requests it reads a second
 * time: what it reads again is still compared with what it wrote, as when every page is looked up.
 */
class RepositorySynchronizerTest {

  private static final RepositoryId REPO = repository("first-pass");
  private static final Instant T = Instant.parse("2026-11-01T00:00:00Z");

  private final InMemoryPullRequestStore store = new InMemoryPullRequestStore();

  /** Answers the pages given, in order, the first with a {@code next} link to the second. */
  private static GitHubClient pages(List<PullRequest> first, List<PullRequest> second) {
    Deque<PullRequestPage> pages = new ArrayDeque<>(List.of(
        new PullRequestPage(false, first, List.of(), "W/\"page-1\"", URI.create("http://127.0.0.1/p2"), 2, 1),
        new PullRequestPage(false, second, List.of(), null, null, 2, 1)));
    return new StaticGitHubClient() {
      @Override
      public PullRequestPage listPullRequests(PageRequest request) {
        return pages.removeFirst();
      }
    };
  }

  private RepositoryOutcome firstPass(GitHubClient client) {
    RepositorySynchronizer synchronizer = new RepositorySynchronizer(client, store, new ChangeDetector(), false,
        Clock.fixed(T.plusSeconds(600), ZoneOffset.UTC));
    return synchronizer.synchronize(RepositoryState.initial(REPO), () -> false);
  }

  @Test
  void anOlderVersionOnALaterPage_neverReplacesTheNewerOneWritten() {
    PullRequest merged = builder(7).state(PullRequestState.MERGED).closedAt(T.plusSeconds(100))
        .mergedAt(T.plusSeconds(100)).updatedAt(T.plusSeconds(100)).build();
    PullRequest staleOpen = pullRequest(7, T);

    RepositoryOutcome outcome = firstPass(pages(List.of(merged, pullRequest(9, T.plusSeconds(50))),
        List.of(staleOpen, pullRequest(3, T.minusSeconds(50)))));

    assertThat(outcome.status()).isEqualTo(RepositoryOutcome.Status.DONE);
    assertThat(store.allPullRequests(REPO)).extracting(PullRequest::number).containsExactly(3, 7, 9);
    assertThat(store.pullRequests(REPO, List.of(7))).containsEntry(7, merged);
  }

  @Test
  void aNewerVersionOnALaterPage_isComparedWithTheOneWritten() {
    PullRequest first = pullRequest(7, T);
    PullRequest edited = builder(7).title("edited while the pass read").updatedAt(T.plusSeconds(100)).build();

    firstPass(pages(List.of(first), List.of(edited)));

    assertThat(store.pullRequests(REPO, List.of(7))).containsEntry(7, edited);
    assertThat(store.pendingChanges(0, 10)).extracting(OutboxEntry::change)
        .extracting(c -> c.number() + " " + c.kind() + " " + c.after())
        .containsExactly("7 EDITED edited while the pass read");
  }
}
