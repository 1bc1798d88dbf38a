package io.prmonitor.core.enrich;

import io.prmonitor.spi.EnrichmentTarget;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Chooses which pull requests of a repository to read, and which of them in full, following the rules that
 * {@link PullRequestEnricher}'s class comment argues: in a pass, those the list synchronization upserted and
 * those that owe a deferred full read are read in full, every other open one checks-only (in full while it has
 * no stored enrichment); for a webhook, the pull requests it names in full, or the CI state of every open one.
 * Reads the store, never GitHub. Thread-safe.
 */
final class EnrichmentPlanner {

  private final PullRequestStore store;
  private final boolean enrichClosedHistory;

  EnrichmentPlanner(PullRequestStore store, boolean enrichClosedHistory) {
    this.store = store;
    this.enrichClosedHistory = enrichClosedHistory;
  }

  /**
   * The reads of a repository's pass, or null if it has nothing to read.
   *
   * @param baseline whether this is the repository's first pass (closed pull requests are then read only with
   *     {@code enrichClosedHistory})
   * @param moved the pull requests the list synchronization upserted in this pass
   * @param owed the pull requests whose full read was deferred or failed earlier
   */
  EnrichmentPlan forPass(RepositoryId repository, boolean baseline, Map<Integer, PullRequest> moved,
      Set<Integer> owed) {
    Map<Integer, PullRequest> full = new TreeMap<>();
    for (PullRequest pr : moved.values()) {
      if (pr.isOpen() || !baseline || enrichClosedHistory) {
        full.put(pr.number(), pr);
      }
    }
    Map<Integer, PullRequest> checks = new TreeMap<>();
    for (PullRequest pr : store.openPullRequests(repository)) {
      if (!full.containsKey(pr.number())) {
        checks.put(pr.number(), pr);
      }
    }
    List<Integer> owedElsewhere = owed.stream().filter(n -> !full.containsKey(n) && !checks.containsKey(n)).toList();
    if (!owedElsewhere.isEmpty()) {
      full.putAll(store.pullRequests(repository, owedElsewhere));
    }
    if (full.isEmpty() && checks.isEmpty()) {
      return null;
    }
    List<Integer> numbers = new ArrayList<>(full.keySet());
    numbers.addAll(checks.keySet());
    Map<Integer, PullRequestEnrichment> stored = store.enrichments(repository, numbers);
    Map<Integer, PullRequest> snapshots = new LinkedHashMap<>(full);
    List<EnrichmentTarget> targets = new ArrayList<>(numbers.size());
    for (PullRequest pr : full.values()) {
      targets.add(new EnrichmentTarget(pr.number(), pr.headSha(), false, stored.get(pr.number())));
    }
    Set<Integer> fullReads = new TreeSet<>(full.keySet());
    for (PullRequest pr : checks.values()) {
      PullRequestEnrichment known = stored.get(pr.number());
      boolean checksOnly = known != null && !owed.contains(pr.number());
      targets.add(new EnrichmentTarget(pr.number(), pr.headSha(), checksOnly, known));
      if (!checksOnly) {
        fullReads.add(pr.number());
      }
      snapshots.put(pr.number(), pr);
    }
    return new EnrichmentPlan(repository, targets, snapshots, stored, fullReads);
  }

  /**
   * The reads a webhook event asks for: each named pull request in full, or with no number the CI state of
   * every open pull request (in full while it has no stored enrichment).
   *
   * @return null if a named pull request is not stored yet; a plan with no targets if there is nothing to read
   */
  EnrichmentPlan forWebhook(RepositoryId repository, Set<Integer> numbers) {
    Map<Integer, PullRequest> snapshots;
    if (numbers.isEmpty()) {
      snapshots = new TreeMap<>();
      store.openPullRequests(repository).forEach(pr -> snapshots.put(pr.number(), pr));
    } else {
      snapshots = new TreeMap<>(store.pullRequests(repository, numbers));
      if (snapshots.size() < numbers.size()) {
        return null;
      }
    }
    if (snapshots.isEmpty()) {
      return new EnrichmentPlan(repository, List.of(), snapshots, Map.of(), Set.of());
    }
    Map<Integer, PullRequestEnrichment> stored = store.enrichments(repository, List.copyOf(snapshots.keySet()));
    List<EnrichmentTarget> targets = new ArrayList<>(snapshots.size());
    Set<Integer> full = new TreeSet<>();
    for (PullRequest pr : snapshots.values()) {
      PullRequestEnrichment known = stored.get(pr.number());
      boolean checksOnly = numbers.isEmpty() && known != null;
      targets.add(new EnrichmentTarget(pr.number(), pr.headSha(), checksOnly, known));
      if (!checksOnly) {
        full.add(pr.number());
      }
    }
    return new EnrichmentPlan(repository, targets, snapshots, stored, full);
  }
}
