package io.prmonitor.core.enrich;

import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.RepositoryId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per repository, the pull requests a full read of which was deferred or failed: read in full in a later pass.
 * Kept in memory only (after a restart an open one is still read, in full if it has no enrichment, a closed
 * one only when it changes again). Thread-safe.
 */
final class DeferredReads {

  private final Map<RepositoryId, Set<Integer>> pending = new ConcurrentHashMap<>();

  /** The pull requests of the repository that owe a full read; empty if none. */
  Set<Integer> owed(RepositoryId repository) {
    return pending.getOrDefault(repository, Set.of());
  }

  /** Adds pull requests that owe a full read. */
  void remember(RepositoryId repository, Set<Integer> numbers) {
    if (!numbers.isEmpty()) {
      pending.computeIfAbsent(repository, r -> ConcurrentHashMap.newKeySet()).addAll(numbers);
    }
  }

  /** After a pass's reads of the repository: what they still owe replaces what it owed. */
  void replace(RepositoryId repository, Set<Integer> stillOwed) {
    if (stillOwed.isEmpty()) {
      pending.remove(repository);
    } else {
      Set<Integer> owed = ConcurrentHashMap.newKeySet();
      owed.addAll(stillOwed);
      pending.put(repository, owed);
    }
  }

  /** After a webhook's reads of the repository: what they read is no longer owed, what they deferred is. */
  void settle(RepositoryId repository, List<PullRequestEnrichment> read, Set<Integer> stillOwed) {
    Set<Integer> owed = pending.get(repository);
    if (owed != null) {
      read.forEach(enrichment -> owed.remove(enrichment.number()));
    }
    remember(repository, stillOwed);
  }
}
