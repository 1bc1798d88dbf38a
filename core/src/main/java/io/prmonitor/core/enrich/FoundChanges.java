package io.prmonitor.core.enrich;

import io.prmonitor.core.sync.RepositoryOutcome;
import io.prmonitor.spi.ChangeKind;
import java.util.EnumMap;
import java.util.Map;

/** What reads of a repository found: the change counts, REST requests and {@code 304}s. */
record FoundChanges(Map<ChangeKind, Integer> kinds, int requests, int notModified) {

  FoundChanges plus(FoundChanges other) {
    Map<ChangeKind, Integer> sum = new EnumMap<>(ChangeKind.class);
    sum.putAll(kinds);
    other.kinds.forEach((kind, count) -> sum.merge(kind, count, Integer::sum));
    return new FoundChanges(sum, requests + other.requests, notModified + other.notModified);
  }

  /** The outcome with these changes and requests added. */
  RepositoryOutcome addTo(RepositoryOutcome outcome) {
    Map<ChangeKind, Integer> all = new EnumMap<>(ChangeKind.class);
    all.putAll(outcome.changes());
    kinds.forEach((kind, count) -> all.merge(kind, count, Integer::sum));
    return new RepositoryOutcome(outcome.repository(), outcome.status(), outcome.reason(),
        outcome.pullRequestsSeen(), outcome.pullRequestsSkipped(), all, outcome.requests() + requests,
        outcome.notModified() + notModified, outcome.elapsed(), outcome.errorType(), outcome.quarantined());
  }
}
