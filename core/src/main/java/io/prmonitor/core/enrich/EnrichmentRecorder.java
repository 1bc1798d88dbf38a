package io.prmonitor.core.enrich;

import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.EnrichmentResult;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.SyncBatch;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records what a read of an {@link EnrichmentPlan} found: detects the changes, stores the enrichments and
 * changes in chunks of {@link #APPLY_CHUNK} per store transaction, settles the deferred full reads, and counts
 * the read in the pass's totals. The caller holds the repository's lock. Thread-safe.
 */
final class EnrichmentRecorder {

  /** Which read a plan's result comes from, which decides what it does with the deferred full reads it owes. */
  enum Reading {
    /** A repository's reads in a pass: what it still owes replaces what it owed. */
    PASS,
    /** Checks-only reads gathered across repositories: they owe nothing, and may be recorded late. */
    GATHERED,
    /** A webhook's re-read of a few pull requests: what it read is no longer owed, what it deferred is. */
    WEBHOOK
  }

  /** Logs under the enricher's name: the enricher and its parts are one component to whoever reads the log. */
  private static final Logger log = LoggerFactory.getLogger(PullRequestEnricher.class);
  /** Enrichments applied per store transaction. */
  static final int APPLY_CHUNK = 100;

  private final PullRequestStore store;
  private final EnrichmentDetector detector;
  private final DeferredReads deferred;
  private final EnrichmentTotals totals;

  EnrichmentRecorder(PullRequestStore store, EnrichmentDetector detector, DeferredReads deferred,
      EnrichmentTotals totals) {
    this.store = store;
    this.detector = detector;
    this.deferred = deferred;
    this.totals = totals;
  }

  /**
   * Detects and stores what a read of a plan found, and returns its change counts and REST requests. A
   * gathered read is recorded after other reads of its repository may have run: a pull request whose stored
   * enrichment changed since the plan was made is left as the later read stored it.
   */
  FoundChanges record(EnrichmentPlan plan, EnrichmentResult result, Reading reading) {
    RepositoryId repository = plan.repository();
    boolean recheck = reading == Reading.GATHERED;
    Map<Integer, PullRequestEnrichment> stored = plan.stored();
    Map<Integer, PullRequestEnrichment> now = recheck
        ? store.enrichments(repository, result.enrichments().stream().map(PullRequestEnrichment::number).toList())
        : stored;
    List<PullRequestEnrichment> upserts = new ArrayList<>();
    List<PullRequestChange> changes = new ArrayList<>();
    Map<ChangeKind, Integer> kinds = new EnumMap<>(ChangeKind.class);
    for (PullRequestEnrichment read : result.enrichments()) {
      PullRequest pr = plan.snapshots().get(read.number());
      PullRequestEnrichment before = stored.get(read.number());
      if (pr == null || recheck && !sameRevision(before, now.get(read.number()))) {
        continue;
      }
      EnrichmentDetector.Result found = detector.detect(repository, before, read, pr.updatedAt());
      if (!found.unchanged()) {
        upserts.add(found.store());
        changes.addAll(found.changes());
        for (PullRequestChange change : found.changes()) {
          kinds.merge(change.kind(), 1, Integer::sum);
        }
      }
      if (upserts.size() >= APPLY_CHUNK) {
        apply(repository, upserts, changes);
      }
    }
    apply(repository, upserts, changes);

    Set<Integer> stillOwed = new HashSet<>();
    for (Integer number : result.deferred()) {
      // a deferred checks-only read needs nothing more than the next pass's checks-only read
      if (plan.full().contains(number)) {
        stillOwed.add(number);
      }
    }
    if (reading == Reading.PASS) {
      deferred.replace(repository, stillOwed);
    } else if (reading == Reading.WEBHOOK) {
      deferred.settle(repository, result.enrichments(), stillOwed);
    }
    totals.add(repository, result, plan.full().size(), plan.targets().size() - plan.full().size());
    if (!result.deferred().isEmpty()) {
      log.info("{}: enrichment of {} pull requests deferred: {}", repository, result.deferred().size(),
          result.deferredReason());
    }
    return new FoundChanges(kinds, result.requests(), result.notModified());
  }

  private static boolean sameRevision(PullRequestEnrichment before, PullRequestEnrichment now) {
    return before == null ? now == null : now != null && now.revision() == before.revision();
  }

  private void apply(RepositoryId repository, List<PullRequestEnrichment> upserts, List<PullRequestChange> changes) {
    if (upserts.isEmpty() && changes.isEmpty()) {
      return;
    }
    store.apply(new SyncBatch(repository, List.of(), changes, upserts));
    upserts.clear();
    changes.clear();
  }
}
