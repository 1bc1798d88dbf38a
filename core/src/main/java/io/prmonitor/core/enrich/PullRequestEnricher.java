package io.prmonitor.core.enrich;

import io.prmonitor.EnrichmentReport;
import io.prmonitor.core.sync.RepositoryOutcome;
import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.EnrichmentMode;
import io.prmonitor.spi.EnrichmentResult;
import io.prmonitor.spi.EnrichmentTarget;
import io.prmonitor.spi.GitHubAuthenticationException;
import io.prmonitor.spi.GitHubClient;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryState;
import io.prmonitor.spi.SyncBatch;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what the list does not show (reviews, CI state, mergeability, comments) for the pull requests of a
 * repository once its list synchronization is done, and records the changes.
 *
 * <h2>What a pass enriches, and why that misses nothing</h2>
 * A submitted or dismissed review, a new comment and a push move a pull request's {@code updated_at}, so the
 * list synchronization upserts it: every pull request the list synchronization upserted in this pass is read
 * in full (a closed or merged one too, once, for its final state). A check run or commit status does not
 * move {@code updated_at}, nor does GitHub finishing its mergeability computation, so the CI state and
 * mergeability of every open pull request are read again in every pass (a checks-only read, a third of the
 * cost), and an open pull request with no stored enrichment yet is read in full. A repository's first pass
 * enriches its open pull requests, and its closed ones only with {@code enrichClosedHistory}.
 *
 * <p>Enrichment runs after the repository's list synchronization and never takes from it: GraphQL has a
 * budget of its own, and REST reads leave one request per repository of the pass unspent. What a budget
 * cannot pay is deferred: counted in the pass's {@link EnrichmentReport}, and read in full in a later pass (the
 * pull requests read in full that were deferred are remembered in memory until then; after a restart an
 * open one is still read, in full if it has no enrichment, a closed one only when it changes again).
 *
 * <p>Thread-safe: repositories are enriched concurrently, each by one thread.
 */
public final class PullRequestEnricher {

  private static final Logger log = LoggerFactory.getLogger(PullRequestEnricher.class);
  /** Enrichments applied per store transaction. */
  private static final int APPLY_CHUNK = 100;

  private final GitHubClient client;
  private final PullRequestStore store;
  private final EnrichmentDetector detector;
  private final EnrichmentMode mode;
  private final boolean enrichClosedHistory;
  /** Per repository, the pull requests the list synchronization upserted in the pass under way. */
  private final Map<RepositoryId, Map<Integer, PullRequest>> upserted = new ConcurrentHashMap<>();
  /** Per repository, pull requests a full read of which was deferred or failed: read in full next time. */
  private final Map<RepositoryId, Set<Integer>> pending = new ConcurrentHashMap<>();
  private volatile int restReserve;
  private final Totals totals = new Totals();

  /**
   * @param mode {@link EnrichmentMode#GRAPHQL} or {@link EnrichmentMode#REST}
   */
  public PullRequestEnricher(GitHubClient client, PullRequestStore store, EnrichmentDetector detector,
      EnrichmentMode mode, boolean enrichClosedHistory) {
    this.client = Objects.requireNonNull(client, "null client");
    this.store = Objects.requireNonNull(store, "null store");
    this.detector = Objects.requireNonNull(detector, "null detector");
    this.mode = Objects.requireNonNull(mode, "null mode");
    if (mode == EnrichmentMode.OFF) {
      throw new IllegalArgumentException("an enricher needs enrichment GRAPHQL or REST, not OFF");
    }
    this.enrichClosedHistory = enrichClosedHistory;
  }

  /** Called by the list synchronization with each batch of snapshots it upserted. */
  public void upserted(RepositoryId repository, List<PullRequest> snapshots) {
    // atomic with enrich()'s remove: an entry added while a pass enriches this repository is never lost
    upserted.compute(repository, (r, seen) -> {
      Map<Integer, PullRequest> kept = seen == null ? new ConcurrentHashMap<>() : seen;
      for (PullRequest pr : snapshots) {
        kept.put(pr.number(), pr);
      }
      return kept;
    });
  }

  /** Sets how many REST requests enrichment leaves unspent for list synchronization (one per repository of the pass). */
  public void restReserve(int requests) {
    this.restReserve = Math.max(0, requests);
  }

  /**
   * What enrichment did since the last call (one pass), and starts counting anew.
   */
  public EnrichmentReport drain() {
    return totals.drain();
  }

  /**
   * Enriches one repository after its list synchronization, and returns its outcome with the enrichment's
   * changes and REST requests added. A repository whose synchronization did not complete is not enriched;
   * the pull requests it upserted are read in full in a later pass.
   *
   * @throws GitHubAuthenticationException if GitHub rejects the credentials
   */
  public RepositoryOutcome enrich(RepositoryState state, RepositoryOutcome listed) {
    RepositoryId repository = state.repository();
    Map<Integer, PullRequest> moved = upserted.remove(repository);
    if (moved == null) {
      moved = Map.of();
    }
    if (listed.status() != RepositoryOutcome.Status.DONE) {
      remember(repository, moved.keySet());
      return listed;
    }
    try {
      return enrich(repository, state.isBaseline(), moved, listed);
    } catch (GitHubAuthenticationException e) {
      // the snapshots are stored: only this memory says they still owe a full read
      remember(repository, moved.keySet());
      throw e;
    } catch (RuntimeException e) {
      remember(repository, moved.keySet());
      totals.failures.increment();
      log.warn("enriching {} failed: {}", repository, e.toString(), log.isDebugEnabled() ? e : null);
      return listed;
    }
  }

  private RepositoryOutcome enrich(RepositoryId repository, boolean baseline, Map<Integer, PullRequest> moved,
      RepositoryOutcome listed) {
    Set<Integer> owed = pending.getOrDefault(repository, Set.of());
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
      pending.remove(repository);
      return listed;
    }
    List<Integer> numbers = new ArrayList<>(full.keySet());
    numbers.addAll(checks.keySet());
    Map<Integer, PullRequestEnrichment> stored = store.enrichments(repository, numbers);
    Map<Integer, PullRequest> snapshots = new LinkedHashMap<>(full);
    List<EnrichmentTarget> targets = new ArrayList<>(numbers.size());
    for (PullRequest pr : full.values()) {
      targets.add(new EnrichmentTarget(pr.number(), pr.headSha(), false, stored.get(pr.number())));
    }
    for (PullRequest pr : checks.values()) {
      PullRequestEnrichment known = stored.get(pr.number());
      boolean checksOnly = known != null && !owed.contains(pr.number());
      targets.add(new EnrichmentTarget(pr.number(), pr.headSha(), checksOnly, known));
      snapshots.put(pr.number(), pr);
    }

    EnrichmentResult result = client.enrich(repository, targets, mode, restReserve);

    List<PullRequestEnrichment> upserts = new ArrayList<>();
    List<PullRequestChange> changes = new ArrayList<>();
    Map<ChangeKind, Integer> kinds = new EnumMap<>(ChangeKind.class);
    kinds.putAll(listed.changes());
    for (PullRequestEnrichment read : result.enrichments()) {
      PullRequest pr = snapshots.get(read.number());
      if (pr == null) {
        continue;
      }
      EnrichmentDetector.Result found = detector.detect(repository, stored.get(read.number()), read, pr.updatedAt());
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

    Set<Integer> stillOwed = ConcurrentHashMap.newKeySet();
    for (Integer number : result.deferred()) {
      // a deferred checks-only read needs nothing more than the next pass's checks-only read
      if (full.containsKey(number) || !stored.containsKey(number)) {
        stillOwed.add(number);
      }
    }
    if (stillOwed.isEmpty()) {
      pending.remove(repository);
    } else {
      pending.put(repository, stillOwed);
    }
    totals.add(repository, result, full.size(), checks.size());
    if (!result.deferred().isEmpty()) {
      log.info("{}: enrichment of {} pull requests deferred: {}", repository, result.deferred().size(),
          result.deferredReason());
    }
    return new RepositoryOutcome(repository, listed.status(), listed.reason(), listed.pullRequestsSeen(),
        listed.pullRequestsSkipped(), kinds, listed.requests() + result.requests(),
        listed.notModified() + result.notModified(), listed.elapsed(), listed.errorType(), listed.quarantined());
  }

  private void apply(RepositoryId repository, List<PullRequestEnrichment> upserts, List<PullRequestChange> changes) {
    if (upserts.isEmpty() && changes.isEmpty()) {
      return;
    }
    store.apply(new SyncBatch(repository, List.of(), changes, upserts));
    upserts.clear();
    changes.clear();
  }

  private void remember(RepositoryId repository, Set<Integer> numbers) {
    if (!numbers.isEmpty()) {
      pending.computeIfAbsent(repository, r -> ConcurrentHashMap.newKeySet()).addAll(numbers);
    }
  }

  /** Per-pass sums, added to from the repository threads. */
  private static final class Totals {
    final LongAdder read = new LongAdder();
    final LongAdder full = new LongAdder();
    final LongAdder checks = new LongAdder();
    final LongAdder requests = new LongAdder();
    final LongAdder notModified = new LongAdder();
    final LongAdder queries = new LongAdder();
    final LongAdder points = new LongAdder();
    final LongAdder failures = new LongAdder();
    final Map<String, Integer> deferred = new ConcurrentHashMap<>();

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

    synchronized EnrichmentReport drain() {
      EnrichmentReport report = new EnrichmentReport(read.sumThenReset(), full.sumThenReset(), checks.sumThenReset(),
          requests.sumThenReset(), notModified.sumThenReset(), queries.sumThenReset(), points.sumThenReset(), new TreeMap<>(deferred),
          failures.sumThenReset());
      deferred.clear();
      return report;
    }
  }
}
