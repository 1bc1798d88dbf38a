package io.prmonitor.spi;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * An immutable snapshot of the fields of one pull request that prmonitor tracks.
 *
 * <p>This is what a {@link GitHubClient} extracts from a list item and what a {@link PullRequestStore}
 * keeps: everything a change can be detected on, and nothing else (the ~21 KB of a GitHub list item
 * shrink to a few hundred bytes). Label names, assignee logins and requested reviewers are kept sorted
 * and free of duplicates so that two snapshots of the same pull request compare equal with
 * {@link #equals(Object)}. Requested teams appear among the reviewers as {@code team:<slug>}.
 *
 * @param id GitHub's numeric id of the pull request
 * @param number the pull request's number in its repository, positive
 * @param title never null
 * @param body null when the pull request has no description
 * @param state open, closed or merged
 * @param draft whether the pull request is a draft
 * @param author the author's login; null for a deleted ("ghost") user
 * @param headSha the SHA of the head commit, never null
 * @param headRef the head branch name, never null
 * @param baseRef the base branch name, never null
 * @param labels label names, sorted
 * @param assignees assignee logins, sorted
 * @param requestedReviewers requested reviewer logins and {@code team:<slug>} entries, sorted
 * @param createdAt never null
 * @param updatedAt never null
 * @param closedAt null unless closed or merged
 * @param mergedAt null unless merged
 */
public record PullRequest(
    long id,
    int number,
    String title,
    String body,
    PullRequestState state,
    boolean draft,
    String author,
    String headSha,
    String headRef,
    String baseRef,
    List<String> labels,
    List<String> assignees,
    List<String> requestedReviewers,
    Instant createdAt,
    Instant updatedAt,
    Instant closedAt,
    Instant mergedAt) {

  public PullRequest {
    if (number <= 0) {
      throw new IllegalArgumentException("pull request number must be positive: " + number);
    }
    Objects.requireNonNull(title, "null title");
    Objects.requireNonNull(state, "null state");
    Objects.requireNonNull(headSha, "null headSha");
    Objects.requireNonNull(headRef, "null headRef");
    Objects.requireNonNull(baseRef, "null baseRef");
    Objects.requireNonNull(createdAt, "null createdAt");
    Objects.requireNonNull(updatedAt, "null updatedAt");
    labels = sortedSet(labels, "labels");
    assignees = sortedSet(assignees, "assignees");
    requestedReviewers = sortedSet(requestedReviewers, "requestedReviewers");
  }

  private static List<String> sortedSet(Collection<String> values, String what) {
    Objects.requireNonNull(values, () -> "null " + what);
    // most pull requests have no or one label, assignee or reviewer: skip the stream for those
    if (values.isEmpty()) {
      return List.of();
    }
    if (values.size() == 1) {
      return List.of(Objects.requireNonNull(values.iterator().next(), () -> "null element in " + what));
    }
    return values.stream().map(v -> Objects.requireNonNull(v, () -> "null element in " + what))
        .distinct().sorted().toList();
  }

  /** Whether the pull request is neither closed nor merged. */
  public boolean isOpen() {
    return state == PullRequestState.OPEN;
  }
}
