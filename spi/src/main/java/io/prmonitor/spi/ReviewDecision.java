package io.prmonitor.spi;

/**
 * Whether a pull request's reviews let it merge, as GitHub's GraphQL {@code PullRequestReviewDecision}
 * names it. A pull request whose base branch requires no review has no decision (null where one is held).
 */
public enum ReviewDecision {
  /** The required approving reviews were given and no reviewer requests changes. */
  APPROVED,
  /** A reviewer's latest review requests changes. */
  CHANGES_REQUESTED,
  /** A review is required and not yet given. */
  REVIEW_REQUIRED
}
