package io.prmonitor;

import java.util.Map;

/**
 * What enrichment (reviews, CI state, mergeability, comments; {@code ProcessorConfig.enrichment}) did since the
 * previous report: in the pass, and in the re-reads that review, comment and CI webhooks asked for between the
 * previous pass and this one. Immutable.
 *
 * @param pullRequestsRead pull requests whose enrichment was read
 * @param fullReads of the targets, those read in full (updated, new, or owed from an earlier deferral)
 * @param checksReads of the targets, open pull requests whose CI state and mergeability were read again
 * @param requests REST requests, retries included (those of the pass also counted in {@link RunReport#requests()})
 * @param notModified of those, answered {@code 304} (free)
 * @param graphqlQueries GraphQL queries, retries included
 * @param graphqlPoints GraphQL points charged
 * @param deferred pull requests left for a later pass, by repository
 * @param failures enrichment reads that failed: a repository's in the pass, a query shared by several
 *     repositories' CI reads, or a webhook's re-read (each logged; their pull requests are read again later)
 */
public record EnrichmentReport(long pullRequestsRead, long fullReads, long checksReads, long requests,
    long notModified, long graphqlQueries, long graphqlPoints, Map<String, Integer> deferred, long failures) {

  public EnrichmentReport {
    deferred = Map.copyOf(deferred);
  }

  /** An empty report (enrichment off, or nothing to read). */
  public static EnrichmentReport none() {
    return new EnrichmentReport(0, 0, 0, 0, 0, 0, 0, Map.of(), 0);
  }

  /** Pull requests deferred, in all. */
  public int deferredPullRequests() {
    return deferred.values().stream().mapToInt(Integer::intValue).sum();
  }
}
