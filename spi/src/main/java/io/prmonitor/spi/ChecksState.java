package io.prmonitor.spi;

/**
 * The combined CI state of a commit: its check runs and its commit statuses rolled up into one, as
 * GitHub's {@code StatusCheckRollup.state} does ({@code EXPECTED} is read as {@link #PENDING}).
 */
public enum ChecksState {
  /** Every check and status succeeded (or was neutral or skipped). */
  SUCCESS,
  /** A check or status failed (including timed out, cancelled, or requiring action). */
  FAILURE,
  /** A check or status is queued, running, or expected. */
  PENDING,
  /** A status reported an error. */
  ERROR,
  /** The commit has no check run and no status. */
  NONE
}
