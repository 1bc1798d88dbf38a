package io.prmonitor.spi.contract;

import static io.prmonitor.spi.contract.PullRequestFixtures.batch;
import static io.prmonitor.spi.contract.PullRequestFixtures.builder;
import static io.prmonitor.spi.contract.PullRequestFixtures.change;
import static io.prmonitor.spi.contract.PullRequestFixtures.pullRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.ListingCursor;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.RepositoryId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contract that every value GitHub can send is stored and read back as sent (issue 13; {@link PullRequestStoreContract}). */
interface StoredValuesContract extends StoreContractArea {

  @Test
  default void apply_hostileText_readsBackAsSent() {
    PullRequest hostile = builder(1).title(HOSTILE + "t".repeat(5_000)).body(HOSTILE + "\u65e5".repeat(65_536))
        .author(HOSTILE).headSha(HOSTILE).headRef(HOSTILE + "r".repeat(1_000)).baseRef(HOSTILE)
        .labels("", "line\nfeed", HOSTILE, "\ufdd0EMPTY").assignees(HOSTILE, "a\nb")
        .requestedReviewers("").build();
    PullRequestChange edit = change(REPO, 1, ChangeKind.EDITED, "body", HOSTILE, HOSTILE + "!", T0);

    store().apply(batch(REPO, List.of(hostile), List.of(edit)));

    assertThat(store().allPullRequests(REPO)).containsExactly(hostile);
    assertThat(store().pullRequests(REPO, List.of(1))).containsEntry(1, hostile);
    assertThat(store().pendingChanges(0, 10)).singleElement().satisfies(entry -> {
      assertThat(entry.change().before()).isEqualTo(HOSTILE);
      assertThat(entry.change().after()).isEqualTo(HOSTILE + "!");
    });
  }

  @Test
  default void apply_emptyStringsAndNulls_readBackAsSent() {
    PullRequest empty = builder(1).title("").body("").author(null).headRef("").baseRef("").headSha("")
        .labels("").build();
    PullRequest nulls = builder(2).title("x").body(null).author(null).build();

    store().apply(batch(REPO, List.of(empty, nulls), List.of()));

    assertThat(store().allPullRequests(REPO)).containsExactly(empty, nulls);
  }

  @Test
  default void completePass_longEntityTag_isKept() {
    ListingCursor cursor = new ListingCursor(T0, "W/\"" + "e".repeat(4_000) + "\"");
    store().completePass(REPO, cursor, T0);

    assertThat(store().repositoryState(REPO).cursor()).isEqualTo(cursor);
  }

  @Test
  default void apply_sameNumberTwiceInOneBatch_laterOneWins() {
    store().apply(batch(REPO, List.of(builder(1).title("first").build(), pullRequest(2),
        builder(1).title("second").build()), List.of()));

    assertThat(store().allPullRequests(REPO)).containsExactly(builder(1).title("second").build(), pullRequest(2));
  }

  @Test
  default void repository_otherSpelling_isTheSameRepository() {
    RepositoryId upper = new RepositoryId("FIXTURE", "Alpha");
    store().apply(batch(upper, List.of(pullRequest(1)), List.of()));
    store().completePass(upper, new ListingCursor(T0, "W/\"1\""), T0);
    store().apply(batch(REPO, List.of(pullRequest(2)), List.of()));

    assertThat(store().allPullRequests(REPO)).containsExactly(pullRequest(1), pullRequest(2));
    assertThat(store().hasPullRequests(REPO)).isTrue();
    assertThat(store().pullRequests(REPO, List.of(1, 2))).containsOnlyKeys(1, 2);
    assertThat(store().repositoryState(REPO).cursor()).isEqualTo(new ListingCursor(T0, "W/\"1\""));
  }
}
