package io.prmonitor.spi;

/**
 * Whether a pull request merges cleanly into its base, as GitHub's GraphQL {@code MergeableState} names
 * it (REST: {@code mergeable} true, false or null).
 */
public enum Mergeability {
  /** It can be merged. */
  MERGEABLE,
  /** It conflicts with its base. */
  CONFLICTING,
  /**
   * GitHub has not computed it yet (after a push, or a change of the base). Never stored over a known
   * value and never reported as a change: it is read again in a later pass.
   */
  UNKNOWN
}
