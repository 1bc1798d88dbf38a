package io.prmonitor.spi;

import java.util.Map;
import java.util.Objects;

/**
 * What {@link GitHubClient#enrich(Map, EnrichmentMode, int)} read for several repositories at once.
 *
 * @param byRepository what was read of each repository asked for: its enrichments, deferred pull requests and
 *     REST requests; their GraphQL queries and points are 0, one query reading several repositories
 * @param graphqlQueries GraphQL queries sent for the whole call, retries included
 * @param graphqlPoints GraphQL points charged for the whole call
 */
public record CombinedEnrichmentResult(Map<RepositoryId, EnrichmentResult> byRepository, int graphqlQueries,
    int graphqlPoints) {

  public CombinedEnrichmentResult {
    byRepository = Map.copyOf(Objects.requireNonNull(byRepository, "null byRepository"));
  }
}
