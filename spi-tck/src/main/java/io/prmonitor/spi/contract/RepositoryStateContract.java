package io.prmonitor.spi.contract;

import static io.prmonitor.spi.contract.PullRequestFixtures.batch;
import static io.prmonitor.spi.contract.PullRequestFixtures.builder;
import static io.prmonitor.spi.contract.PullRequestFixtures.pullRequest;
import static io.prmonitor.spi.contract.PullRequestFixtures.titleEdit;
import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.spi.ListingCursor;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.RepositoryState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contract of a repository's state: its listing cursor and last completed pass ({@link PullRequestStoreContract}). */
interface RepositoryStateContract extends StoreContractArea {

  @Test
  default void repositoryState_unknownRepository_isInitial() {
    assertThat(store().repositoryState(REPO)).isEqualTo(RepositoryState.initial(REPO));
    assertThat(store().repositoryState(REPO).isBaseline()).isTrue();
  }

  @Test
  default void completePass_storesCursorAndCompletionTime() {
    ListingCursor cursor = new ListingCursor(T0.plusSeconds(5), "W/\"abc123\"");
    store().completePass(REPO, cursor, T0.plusSeconds(30));

    assertThat(store().repositoryState(REPO)).isEqualTo(new RepositoryState(REPO, cursor, T0.plusSeconds(30)));
  }

  @Test
  default void completePass_again_replacesCursorAndCompletionTime() {
    store().completePass(REPO, new ListingCursor(T0, "\"one\""), T0.plusSeconds(1));
    ListingCursor second = new ListingCursor(T0.plusSeconds(100), "\"two\"");
    store().completePass(REPO, second, T0.plusSeconds(200));

    assertThat(store().repositoryState(REPO)).isEqualTo(new RepositoryState(REPO, second, T0.plusSeconds(200)));
  }

  @Test
  default void completePass_emptyCursor_marksPassCompletedWithoutCursor() {
    store().completePass(REPO, ListingCursor.NONE, T0);

    RepositoryState state = store().repositoryState(REPO);
    assertThat(state.cursor()).isEqualTo(ListingCursor.NONE);
    assertThat(state.lastCompletedAt()).isEqualTo(T0);
    assertThat(state.isBaseline()).isFalse();
  }

  @Test
  default void completePass_millisecondInstants_roundTripExactly() {
    ListingCursor cursor = new ListingCursor(Instant.parse("2024-05-01T10:00:00.123Z"), "\"e\"");
    Instant completedAt = Instant.parse("2024-05-01T10:00:01.987Z");
    store().completePass(REPO, cursor, completedAt);

    assertThat(store().repositoryState(REPO)).isEqualTo(new RepositoryState(REPO, cursor, completedAt));
  }

  @Test
  default void applyWithoutCompletePass_leavesOldCursor() {
    ListingCursor first = new ListingCursor(T0, "\"first\"");
    store().completePass(REPO, first, T0.plusSeconds(10));

    // a second pass applies its batches, then fails before completing
    store().apply(batch(REPO, List.of(pullRequest(1, T0.plusSeconds(50))),
        List.of(titleEdit(REPO, 1, T0.plusSeconds(50)))));

    assertThat(store().repositoryState(REPO)).isEqualTo(new RepositoryState(REPO, first, T0.plusSeconds(10)));
  }

  @Test
  default void applyOnly_leavesRepositoryInBaseline() {
    store().apply(batch(REPO, List.of(pullRequest(1)), List.of()));

    assertThat(store().repositoryState(REPO)).isEqualTo(RepositoryState.initial(REPO));
  }

  @Test
  default void repositories_areIndependent() {
    store().apply(batch(REPO, List.of(builder(1).title("alpha one").build()), List.of()));
    store().apply(batch(OTHER, List.of(builder(1).title("beta one").build()), List.of()));
    store().completePass(REPO, new ListingCursor(T0, "\"a\""), T0);

    assertThat(store().allPullRequests(REPO)).extracting(PullRequest::title).containsExactly("alpha one");
    assertThat(store().allPullRequests(OTHER)).extracting(PullRequest::title).containsExactly("beta one");
    assertThat(store().repositoryState(OTHER)).isEqualTo(RepositoryState.initial(OTHER));
  }
}
