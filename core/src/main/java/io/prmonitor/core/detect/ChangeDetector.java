package io.prmonitor.core.detect;

import static io.prmonitor.spi.PullRequestChange.joinSet;

import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestState;
import io.prmonitor.spi.RepositoryId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Compares a freshly fetched pull request with its stored snapshot and names every change between them.
 *
 * <p>Only the two snapshots are known, not what happened in between, so a change is the difference of
 * the two; where a difference can only have come about one way, that way is reported: a closed pull
 * request found merged was reopened and then merged ({@link ChangeKind#REOPENED} then
 * {@link ChangeKind#MERGED}); one found closed at another time was reopened and closed again
 * ({@link ChangeKind#REOPENED} then {@link ChangeKind#CLOSED}). A reopening comes first, a closing or merge last, and the edits in between,
 * so that a listener replaying them in order ends in the right state. Stateless and thread-safe.
 */
public final class ChangeDetector {

  /**
   * Returns the changes from {@code before} to {@code after}, in the order they are to be delivered.
   *
   * @param before the stored snapshot, or null if the pull request was not stored
   * @param after the fetched snapshot
   * @param reportNew whether a pull request that was not stored is reported ({@code OPENED}, then its
   *     closing or merge if it is no longer open); false on a repository's silent baseline
   */
  public List<PullRequestChange> detect(RepositoryId repository, PullRequest before, PullRequest after,
      boolean reportNew) {
    Objects.requireNonNull(after, "null after");
    if (before != null && before.number() != after.number()) {
      throw new IllegalArgumentException(
          "cannot compare pull request #" + before.number() + " with #" + after.number());
    }
    var changes = new Changes(repository, after);
    if (before == null) {
      if (reportNew) {
        changes.add(ChangeKind.OPENED, "state", null, PullRequestState.OPEN.name());
        if (after.state() == PullRequestState.CLOSED) {
          changes.add(ChangeKind.CLOSED, "state", PullRequestState.OPEN.name(), after.state().name());
        } else if (after.state() == PullRequestState.MERGED) {
          changes.add(ChangeKind.MERGED, "state", PullRequestState.OPEN.name(), after.state().name());
        }
      }
      return changes.list;
    }
    if (before.equals(after)) {
      return List.of();
    }

    PullRequestState from = before.state();
    PullRequestState to = after.state();
    // closed both times but at different times: it was reopened and closed again in between
    boolean reclosed = from == PullRequestState.CLOSED && to == PullRequestState.CLOSED
        && !Objects.equals(before.closedAt(), after.closedAt());
    boolean reopened = reclosed || (from != PullRequestState.OPEN
        && (to == PullRequestState.OPEN || (from == PullRequestState.CLOSED && to == PullRequestState.MERGED)));
    if (reopened) {
      changes.add(ChangeKind.REOPENED, "state", from.name(), PullRequestState.OPEN.name());
    }

    changes.addIfDifferent(ChangeKind.EDITED, "title", before.title(), after.title());
    changes.addIfDifferent(ChangeKind.EDITED, "body", before.body(), after.body());
    changes.addIfDifferent(ChangeKind.EDITED, "base", before.baseRef(), after.baseRef());
    changes.addIfDifferent(ChangeKind.COMMITS_PUSHED, "head_sha", before.headSha(), after.headSha());
    if (!before.labels().equals(after.labels())) {
      changes.add(ChangeKind.LABELS_CHANGED, "labels", joinSet(before.labels()), joinSet(after.labels()));
    }
    if (before.draft() != after.draft()) {
      changes.add(after.draft() ? ChangeKind.CONVERTED_TO_DRAFT : ChangeKind.READY_FOR_REVIEW, "draft",
          Boolean.toString(before.draft()), Boolean.toString(after.draft()));
    }
    List<String> oldReviewers = before.requestedReviewers();
    List<String> newReviewers = after.requestedReviewers();
    if (!oldReviewers.equals(newReviewers)) {
      String was = joinSet(oldReviewers);
      String is = joinSet(newReviewers);
      if (!oldReviewers.containsAll(newReviewers)) {
        changes.add(ChangeKind.REVIEW_REQUESTED, "requested_reviewers", was, is);
      }
      if (!newReviewers.containsAll(oldReviewers)) {
        changes.add(ChangeKind.REVIEW_REQUEST_REMOVED, "requested_reviewers", was, is);
      }
    }
    if (!before.assignees().equals(after.assignees())) {
      changes.add(ChangeKind.ASSIGNEES_CHANGED, "assignees", joinSet(before.assignees()),
          joinSet(after.assignees()));
    }

    if ((to != from || reclosed) && to != PullRequestState.OPEN) {
      String was = reopened ? PullRequestState.OPEN.name() : from.name();
      changes.add(to == PullRequestState.MERGED ? ChangeKind.MERGED : ChangeKind.CLOSED, "state", was, to.name());
    }
    return changes.list;
  }

  /** Collects the changes of one pull request, keyed by its new {@code updated_at}. */
  private static final class Changes {
    private final RepositoryId repository;
    private final PullRequest after;
    private final List<PullRequestChange> list = new ArrayList<>(4);

    Changes(RepositoryId repository, PullRequest after) {
      this.repository = repository;
      this.after = after;
    }

    void add(ChangeKind kind, String field, String before, String afterValue) {
      list.add(PullRequestChange.of(repository, after.number(), kind, field, before, afterValue,
          after.updatedAt()));
    }

    void addIfDifferent(ChangeKind kind, String field, String before, String afterValue) {
      if (!Objects.equals(before, afterValue)) {
        add(kind, field, before, afterValue);
      }
    }
  }
}
