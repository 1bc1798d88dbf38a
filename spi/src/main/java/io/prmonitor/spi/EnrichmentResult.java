package io.prmonitor.spi;

import java.util.List;

/**
 * What {@link GitHubClient#enrich} read.
 *
 * @param enrichments what was read, one per target read (revision 0: the processor numbers revisions)
 * @param deferred the numbers of the targets not read because a budget could not pay for them, or (in a read of
 *     several repositories together) because reading them failed while the other repositories' reads went on;
 *     the next pass reads them
 * @param deferredReason why they were deferred (a failure's message names the error), or null when none was
 * @param requests REST requests sent, retries included
 * @param notModified of those, answered {@code 304} (free)
 * @param graphqlQueries GraphQL queries sent, retries included
 * @param graphqlPoints GraphQL points charged
 */
public record EnrichmentResult(List<PullRequestEnrichment> enrichments, List<Integer> deferred,
    String deferredReason, int requests, int notModified, int graphqlQueries, int graphqlPoints) {

  public EnrichmentResult {
    enrichments = List.copyOf(enrichments);
    deferred = List.copyOf(deferred);
  }
}
