package io.prmonitor.core.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestState;
import io.prmonitor.spi.RepositoryId;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeDetectorTest {

  private static final RepositoryId REPO = RepositoryId.parse("octo/hello");
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  private static final Instant T1 = Instant.parse("2024-01-02T00:00:00Z");

  private final ChangeDetector detector = new ChangeDetector();

  private static PullRequest pr(PullRequestState state, Instant updatedAt) {
    return new PullRequest(11, 7, "Title", "Body", state, false, "alice", "sha1", "feature", "main",
        List.of("bug"), List.of("bob"), List.of("carol"), T0, updatedAt,
        state == PullRequestState.OPEN ? null : updatedAt, state == PullRequestState.MERGED ? updatedAt : null);
  }

  private static PullRequest open() {
    return pr(PullRequestState.OPEN, T0);
  }

  private static PullRequest with(PullRequest p, String title, String body, String base, String sha,
      boolean draft, List<String> labels, List<String> assignees, List<String> reviewers,
      PullRequestState state) {
    return new PullRequest(p.id(), p.number(), title, body, state, draft, p.author(), sha, p.headRef(), base,
        labels, assignees, reviewers, p.createdAt(), T1, state == PullRequestState.OPEN ? null : T1,
        state == PullRequestState.MERGED ? T1 : null);
  }

  private List<ChangeKind> kinds(PullRequest before, PullRequest after) {
    return detector.detect(REPO, before, after, true).stream().map(PullRequestChange::kind).toList();
  }

  @Test
  void detect_unchanged_yieldsNothing() {
    assertThat(detector.detect(REPO, open(), open(), true)).isEmpty();
  }

  @Test
  void detect_newPullRequest_isOpened() {
    List<PullRequestChange> changes = detector.detect(REPO, null, open(), true);
    assertThat(changes).singleElement().satisfies(c -> {
      assertThat(c.kind()).isEqualTo(ChangeKind.OPENED);
      assertThat(c.before()).isNull();
      assertThat(c.key()).startsWith("octo/hello#7@" + T0.toEpochMilli() + "/OPENED/state/").hasSize(
          ("octo/hello#7@" + T0.toEpochMilli() + "/OPENED/state/").length() + 8);
    });
  }

  @Test
  void detect_newPullRequestOnSilentBaseline_yieldsNothing() {
    assertThat(detector.detect(REPO, null, open(), false)).isEmpty();
  }

  @Test
  void detect_newPullRequestAlreadyMerged_isOpenedThenMerged() {
    assertThat(kinds(null, pr(PullRequestState.MERGED, T1))).containsExactly(ChangeKind.OPENED, ChangeKind.MERGED);
    assertThat(kinds(null, pr(PullRequestState.CLOSED, T1))).containsExactly(ChangeKind.OPENED, ChangeKind.CLOSED);
  }

  @Test
  void detect_titleBodyBase_areThreeEdits() {
    PullRequest before = open();
    PullRequest after = with(before, "New", null, "develop", "sha1", false, before.labels(), before.assignees(),
        before.requestedReviewers(), PullRequestState.OPEN);
    List<PullRequestChange> changes = detector.detect(REPO, before, after, true);
    assertThat(changes).extracting(PullRequestChange::field).containsExactly("title", "body", "base");
    assertThat(changes).allMatch(c -> c.kind() == ChangeKind.EDITED);
    assertThat(changes.get(0).before()).isEqualTo("Title");
    assertThat(changes.get(0).after()).isEqualTo("New");
    assertThat(changes.get(1).after()).isNull();
    assertThat(changes).extracting(PullRequestChange::key).doesNotHaveDuplicates();
  }

  @Test
  void detect_headMoved_isCommitsPushed() {
    PullRequest before = open();
    PullRequest after = with(before, "Title", "Body", "main", "sha2", false, before.labels(), before.assignees(),
        before.requestedReviewers(), PullRequestState.OPEN);
    assertThat(detector.detect(REPO, before, after, true)).singleElement().satisfies(c -> {
      assertThat(c.kind()).isEqualTo(ChangeKind.COMMITS_PUSHED);
      assertThat(c.before()).isEqualTo("sha1");
      assertThat(c.after()).isEqualTo("sha2");
    });
  }

  @Test
  void detect_labels_reportAddedAndRemoved() {
    PullRequest before = open();
    PullRequest after = with(before, "Title", "Body", "main", "sha1", false, List.of("feature", "p1"),
        before.assignees(), before.requestedReviewers(), PullRequestState.OPEN);
    PullRequestChange change = detector.detect(REPO, before, after, true).get(0);
    assertThat(change.kind()).isEqualTo(ChangeKind.LABELS_CHANGED);
    assertThat(change.added()).containsExactly("feature", "p1");
    assertThat(change.removed()).containsExactly("bug");
  }

  @Test
  void detect_draftToggle() {
    PullRequest before = open();
    PullRequest draft = with(before, "Title", "Body", "main", "sha1", true, before.labels(), before.assignees(),
        before.requestedReviewers(), PullRequestState.OPEN);
    assertThat(kinds(before, draft)).containsExactly(ChangeKind.CONVERTED_TO_DRAFT);
    assertThat(kinds(draft, before)).containsExactly(ChangeKind.READY_FOR_REVIEW);
  }

  @Test
  void detect_reviewersAddedAndRemovedAtOnce_yieldsBothKinds() {
    PullRequest before = open();
    PullRequest after = with(before, "Title", "Body", "main", "sha1", false, before.labels(), before.assignees(),
        List.of("dave", "team:core"), PullRequestState.OPEN);
    List<PullRequestChange> changes = detector.detect(REPO, before, after, true);
    assertThat(changes).extracting(PullRequestChange::kind)
        .containsExactly(ChangeKind.REVIEW_REQUESTED, ChangeKind.REVIEW_REQUEST_REMOVED);
    assertThat(changes.get(0).added()).containsExactly("dave", "team:core");
    assertThat(changes.get(1).removed()).containsExactly("carol");
  }

  @Test
  void detect_assignees() {
    PullRequest before = open();
    PullRequest after = with(before, "Title", "Body", "main", "sha1", false, before.labels(), List.of(),
        before.requestedReviewers(), PullRequestState.OPEN);
    assertThat(kinds(before, after)).containsExactly(ChangeKind.ASSIGNEES_CHANGED);
  }

  @Test
  void detect_stateTransitions() {
    PullRequest open = open();
    PullRequest closed = with(open, "Title", "Body", "main", "sha1", false, open.labels(), open.assignees(),
        open.requestedReviewers(), PullRequestState.CLOSED);
    PullRequest merged = with(open, "Title", "Body", "main", "sha1", false, open.labels(), open.assignees(),
        open.requestedReviewers(), PullRequestState.MERGED);
    assertThat(kinds(open, closed)).containsExactly(ChangeKind.CLOSED);
    assertThat(kinds(open, merged)).containsExactly(ChangeKind.MERGED);
    assertThat(kinds(closed, open)).containsExactly(ChangeKind.REOPENED);
  }

  @Test
  void detect_closedFoundMerged_isReopenedThenMerged() {
    PullRequest closed = pr(PullRequestState.CLOSED, T0);
    PullRequest merged = with(closed, "Title", "Body", "main", "sha2", false, closed.labels(), closed.assignees(),
        closed.requestedReviewers(), PullRequestState.MERGED);
    List<PullRequestChange> changes = detector.detect(REPO, closed, merged, true);
    assertThat(changes).extracting(PullRequestChange::kind)
        .containsExactly(ChangeKind.REOPENED, ChangeKind.COMMITS_PUSHED, ChangeKind.MERGED);
    assertThat(changes.get(2).before()).isEqualTo("OPEN");
  }

  @Test
  void detect_closedAgainAtAnotherTime_isReopenedThenClosed() {
    PullRequest closed = pr(PullRequestState.CLOSED, T0);
    PullRequest closedLater = with(closed, "Title", "Body", "main", "sha1", false, closed.labels(),
        closed.assignees(), closed.requestedReviewers(), PullRequestState.CLOSED);
    assertThat(kinds(closed, closedLater)).containsExactly(ChangeKind.REOPENED, ChangeKind.CLOSED);
  }

  @Test
  void keys_ofTwoChangesOfOneFieldWithinOneSecond_differ() {
    PullRequest before = open();
    PullRequest once = with(before, "Second title", "Body", "main", "sha1", false, before.labels(),
        before.assignees(), before.requestedReviewers(), PullRequestState.OPEN);
    PullRequest twice = with(once, "Third title", "Body", "main", "sha1", false, before.labels(),
        before.assignees(), before.requestedReviewers(), PullRequestState.OPEN);
    assertThat(once.updatedAt()).isEqualTo(twice.updatedAt());
    assertThat(detector.detect(REPO, before, once, true).get(0).key())
        .isNotEqualTo(detector.detect(REPO, once, twice, true).get(0).key());
  }

  @Test
  void detect_severalFieldsAtOnce_yieldsOneChangeEach() {
    PullRequest before = open();
    PullRequest after = with(before, "T2", "Body", "main", "sha9", true, List.of(), List.of("bob"),
        List.of("carol"), PullRequestState.CLOSED);
    assertThat(kinds(before, after)).containsExactly(ChangeKind.EDITED, ChangeKind.COMMITS_PUSHED,
        ChangeKind.LABELS_CHANGED, ChangeKind.CONVERTED_TO_DRAFT, ChangeKind.CLOSED);
  }

  @Test
  void detect_keysAreDeterministic() {
    PullRequest before = open();
    PullRequest after = with(before, "T2", "Body", "main", "sha9", false, before.labels(), before.assignees(),
        before.requestedReviewers(), PullRequestState.OPEN);
    assertThat(detector.detect(REPO, before, after, true)).isEqualTo(detector.detect(REPO, before, after, true));
  }

  @Test
  void detect_differentNumbers_rejected() {
    PullRequest other = new PullRequest(12, 8, "x", null, PullRequestState.OPEN, false, null, "s", "h", "b",
        List.of(), List.of(), List.of(), T0, T0, null, null);
    assertThatThrownBy(() -> detector.detect(REPO, open(), other, true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("#7").hasMessageContaining("#8");
  }
}
