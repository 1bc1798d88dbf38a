package io.prmonitor.spi;

/**
 * What changed about a pull request between two observations of it.
 *
 * <p>One observation can yield several kinds (a push that also relabels is {@link #COMMITS_PUSHED} and
 * {@link #LABELS_CHANGED}). A closed pull request that is found merged was reopened and merged in
 * between: that is reported as {@link #REOPENED} followed by {@link #MERGED}.
 */
public enum ChangeKind {
  /** A pull request seen for the first time (on a repository's first sync only if so configured). */
  OPENED,
  /** Title, body or base branch changed; {@link PullRequestChange#field()} says which. */
  EDITED,
  /** The head SHA moved. */
  COMMITS_PUSHED,
  /** Labels were added or removed. */
  LABELS_CHANGED,
  /** A ready pull request became a draft. */
  CONVERTED_TO_DRAFT,
  /** A draft became ready for review. */
  READY_FOR_REVIEW,
  /** At least one reviewer or team was requested. */
  REVIEW_REQUESTED,
  /** At least one requested reviewer or team was removed (or has reviewed). */
  REVIEW_REQUEST_REMOVED,
  /** Assignees were added or removed. */
  ASSIGNEES_CHANGED,
  /** An open pull request was closed without being merged. */
  CLOSED,
  /** The pull request was merged. */
  MERGED,
  /** A closed pull request was reopened. */
  REOPENED
}
