package io.prmonitor.spi;

/**
 * The state of a submitted pull request review, as GitHub's {@code PullRequestReviewState} names it
 * (a {@code PENDING} review is a draft only its author sees, and is never tracked).
 */
public enum ReviewState {
  /** The reviewer approved. */
  APPROVED,
  /** The reviewer requested changes. */
  CHANGES_REQUESTED,
  /** The reviewer commented without approving or requesting changes. */
  COMMENTED,
  /** The review was dismissed. */
  DISMISSED
}
