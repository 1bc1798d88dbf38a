package io.prmonitor.core.enrich;

import io.prmonitor.spi.EnrichmentTarget;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.RepositoryId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The reads of one repository: the targets, the snapshots they were made from, the stored enrichments they
 * were compared with, and which targets are read in full.
 */
record EnrichmentPlan(RepositoryId repository, List<EnrichmentTarget> targets, Map<Integer, PullRequest> snapshots,
    Map<Integer, PullRequestEnrichment> stored, Set<Integer> full) {

  /** The targets from {@code from} (inclusive) to {@code to} (exclusive) of this plan. */
  EnrichmentPlan part(int from, int to) {
    return new EnrichmentPlan(repository, targets.subList(from, to), snapshots, stored, full);
  }

  /** This plan and another part of the same repository's. */
  EnrichmentPlan join(EnrichmentPlan other) {
    List<EnrichmentTarget> both = new ArrayList<>(targets);
    both.addAll(other.targets);
    Map<Integer, PullRequest> allSnapshots = new HashMap<>(snapshots);
    allSnapshots.putAll(other.snapshots);
    Map<Integer, PullRequestEnrichment> allStored = new HashMap<>(stored);
    allStored.putAll(other.stored);
    Set<Integer> allFull = new TreeSet<>(full);
    allFull.addAll(other.full);
    return new EnrichmentPlan(repository, both, allSnapshots, allStored, allFull);
  }
}
