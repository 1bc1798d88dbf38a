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
  REOPENED,
  /**
   * A reviewer's latest review changed to a submitted review (field {@code reviews}; before: the reviewer's
   * previous {@code login:STATE} or null; after: {@code login:STATE}). Found by enrichment.
   */
  REVIEW_SUBMITTED,
  /** A reviewer's latest review was dismissed (field {@code reviews}, values as for {@link #REVIEW_SUBMITTED}). */
  REVIEW_DISMISSED,
  /** The review decision changed (field {@code review_decision}; a {@link ReviewDecision} name or null). */
  REVIEW_DECISION_CHANGED,
  /** The CI state of the head commit changed (field {@code checks}; {@link ChecksState} names). */
  CHECKS_CHANGED,
  /** Mergeability changed between known values (field {@code mergeable}; {@link Mergeability} names). */
  MERGEABILITY_CHANGED,
  /** Conversation comments were added (field {@code comments}; the counts before and after). */
  COMMENTED
}
