package io.prmonitor.spi;

/** How a monitor reads what the list endpoint does not show ({@link PullRequestEnrichment}). */
public enum EnrichmentMode {
  /**
   * GitHub's GraphQL API, up to 100 pull requests per query, paced under its own budget; REST for what its
   * budget cannot pay.
   */
  GRAPHQL,
  /** REST only, one to four conditional requests per pull request, answered {@code 304} (free) when unchanged. */
  REST,
  /** No enrichment: only the list fields are tracked. */
  OFF
}
