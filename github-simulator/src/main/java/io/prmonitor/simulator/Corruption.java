package io.prmonitor.simulator;

/**
 * A way one pull request's list item can be broken while the rest of its page stays valid, for tests of a
 * client that must skip and report such an item; see {@link GitHubSimulator#corruptPullRequest}.
 */
public enum Corruption {
  /** Only {@code url}, {@code id}, {@code number} and {@code title}: {@code state}, {@code head}, {@code base} and
   * the rest are missing. */
  MISSING_FIELDS,
  /** Every field present, but {@code number} is a string, {@code draft} a number, {@code labels} an object and
   * {@code created_at} not a timestamp. */
  WRONG_TYPES
}
