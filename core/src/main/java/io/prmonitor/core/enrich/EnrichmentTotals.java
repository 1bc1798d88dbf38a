package io.prmonitor.core.enrich;

import io.prmonitor.EnrichmentReport;
import io.prmonitor.spi.EnrichmentResult;
import io.prmonitor.spi.RepositoryId;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What enrichment did in the pass under way, summed for its {@link EnrichmentReport}. Thread-safe: added to from
 * the repository threads.
 */
final class EnrichmentTotals {

  private final LongAdder read = new LongAdder();
  private final LongAdder full = new LongAdder();
  private final LongAdder checks = new LongAdder();
  private final LongAdder requests = new LongAdder();
  private final LongAdder notModified = new LongAdder();
  private final LongAdder queries = new LongAdder();
  private final LongAdder points = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final Map<String, Integer> deferred = new ConcurrentHashMap<>();

  /** Adds a read of a repository, {@code fullReads} of its targets in full and {@code checksReads} checks-only. */
  void add(RepositoryId repository, EnrichmentResult result, int fullReads, int checksReads) {
    read.add(result.enrichments().size());
    full.add(fullReads);
    checks.add(checksReads);
    requests.add(result.requests());
    notModified.add(result.notModified());
    queries.add(result.graphqlQueries());
    points.add(result.graphqlPoints());
    if (!result.deferred().isEmpty()) {
      deferred.merge(repository.fullName(), result.deferred().size(), Integer::sum);
    }
  }

  /** Adds the GraphQL queries and points of a read of several repositories together. */
  void addQueries(int graphqlQueries, int graphqlPoints) {
    queries.add(graphqlQueries);
    points.add(graphqlPoints);
  }

  /** Counts a read or a recording that failed. */
  void failed() {
    failures.increment();
  }

  /** The sums since the last call, and starts counting anew. */
  synchronized EnrichmentReport drain() {
    EnrichmentReport report = new EnrichmentReport(read.sumThenReset(), full.sumThenReset(), checks.sumThenReset(),
        requests.sumThenReset(), notModified.sumThenReset(), queries.sumThenReset(), points.sumThenReset(),
        new TreeMap<>(deferred), failures.sumThenReset());
    deferred.clear();
    return report;
  }
}
