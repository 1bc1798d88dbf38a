package io.prmonitor.spi;

/**
 * The lifecycle state of a pull request. GitHub reports {@code state=closed} for both closed and merged
 * pull requests; a closed one whose {@code merged_at} is set is {@link #MERGED}.
 */
public enum PullRequestState {
  OPEN,
  CLOSED,
  MERGED
}
