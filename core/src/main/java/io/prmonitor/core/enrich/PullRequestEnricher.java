package io.prmonitor.core.enrich;

import io.prmonitor.EnrichmentReport;
import io.prmonitor.core.sync.RepositoryOutcome;
import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.EnrichmentMode;
import io.prmonitor.spi.GitHubAuthenticationException;
import io.prmonitor.spi.GitHubClient;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryState;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
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
 * mergeability of every open pull request are read again in every pass (a checks-only read), and an open pull
 * request with no stored enrichment yet is read in full. A repository's first pass enriches its open pull
 * requests, and its closed ones only with {@code enrichClosedHistory}.
 *
 * <h2>CI reads of several repositories share queries</h2>
 * With GraphQL a query costs at least one point however little it reads, and a checks-only read is no
 * connection: a repository with nothing to read in full (the common case in a warm pass) does not send its
 * own query. Its checks-only reads are gathered with other repositories' and read together, in one query per
 * batch (a {@code repository} alias each), as soon as {@link #GATHERED_BATCH} pull requests are gathered and,
 * for the rest, at {@link #finishPass}, before the pass delivers: the changes they find are recorded, counted
 * in their repositories' outcomes and delivered in the same pass. (A repository that has pull requests to read
 * in full sends them in its own query, its checks-only reads riding along for free.)
 *
 * <p>Enrichment runs after the repository's list synchronization and never takes from it: GraphQL has a
 * budget of its own, and REST reads leave one request per repository of the pass unspent. What a budget
 * cannot pay is deferred: counted in the pass's {@link EnrichmentReport}, and read in full in a later pass (the
 * pull requests read in full that were deferred are remembered in memory until then; after a restart an
 * open one is still read, in full if it has no enrichment, a closed one only when it changes again).
 *
 * <p>Webhook events about reviews, comments and CI {@link #refresh} the pull requests they name between passes.
 * What the reads of one repository record never overlaps within a monitor: a lock per repository orders the
 * recordings (a pass's and a webhook's reads also hold it while they read; a gathered read, which spans
 * repositories, reads without it), and a gathered read whose stored enrichment changed since it was gathered
 * is dropped (the later read stands; the next pass reads CI again).
 *
 * <p>The parts, each in a class of its own: {@link EnrichmentPlanner} chooses what to read,
 * {@link GatheredReads} reads the gathered checks-only reads together, {@link EnrichmentRecorder} detects and
 * stores what a read found, {@link DeferredReads} remembers the full reads owed, and {@link RepositoryLocks}
 * orders the reads of a repository; this class runs them for a pass and for a webhook.
 *
 * <p>Thread-safe: repositories are enriched concurrently, each by one thread.
 */
public final class PullRequestEnricher {

  private static final Logger log = LoggerFactory.getLogger(PullRequestEnricher.class);
  /**
   * Checks-only reads gathered across repositories before they are read together: four queries of the
   * client's largest GraphQL batch (250), and few enough that a batch shrunk by timeouts wastes little on the
   * remainder of a read.
   */
  public static final int GATHERED_BATCH = 1_000;

  private final GitHubClient client;
  private final EnrichmentMode mode;
  /** Per repository, the pull requests the list synchronization upserted in the pass under way. */
  private final Map<RepositoryId, Map<Integer, PullRequest>> upserted = new ConcurrentHashMap<>();
  private final EnrichmentPlanner planner;
  private final DeferredReads deferred = new DeferredReads();
  private final RepositoryLocks locks = new RepositoryLocks();
  private final EnrichmentTotals totals = new EnrichmentTotals();
  private final EnrichmentRecorder recorder;
  private final GatheredReads gathered;
  private volatile int restReserve;

  /**
   * @param mode {@link EnrichmentMode#GRAPHQL} or {@link EnrichmentMode#REST}
   */
  public PullRequestEnricher(GitHubClient client, PullRequestStore store, EnrichmentDetector detector,
      EnrichmentMode mode, boolean enrichClosedHistory) {
    this.client = Objects.requireNonNull(client, "null client");
    Objects.requireNonNull(store, "null store");
    Objects.requireNonNull(detector, "null detector");
    this.mode = Objects.requireNonNull(mode, "null mode");
    if (mode == EnrichmentMode.OFF) {
      throw new IllegalArgumentException("an enricher needs enrichment GRAPHQL or REST, not OFF");
    }
    this.planner = new EnrichmentPlanner(store, enrichClosedHistory);
    this.recorder = new EnrichmentRecorder(store, detector, deferred, totals);
    this.gathered = new GatheredReads(client, mode, GATHERED_BATCH, recorder, locks, totals);
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

  /**
   * Starts a pass: sets how many REST requests enrichment leaves unspent for list synchronization (one per
   * repository of the pass), and forgets checks-only reads gathered by a pass that ended without
   * {@link #finishPass} (they are read again in this one).
   */
  public void startPass(int restReserve) {
    this.restReserve = Math.max(0, restReserve);
    gathered.clear();
  }

  /**
   * Ends a pass before it delivers: reads the checks-only reads still gathered, records what they find, and
   * returns the pass's outcomes with the changes and REST requests of every gathered read added to its
   * repository's outcome.
   *
   * @param onChanges told the change counts the gathered reads found (they were not in the outcomes when the
   *     repositories ended), for metrics
   * @throws GitHubAuthenticationException if GitHub rejects the credentials
   */
  public List<RepositoryOutcome> finishPass(List<RepositoryOutcome> outcomes,
      Consumer<Map<ChangeKind, Integer>> onChanges) {
    Map<RepositoryId, FoundChanges> foundGathered = gathered.finish(restReserve);
    List<RepositoryOutcome> finished = new ArrayList<>(outcomes.size());
    Map<ChangeKind, Integer> added = new EnumMap<>(ChangeKind.class);
    for (RepositoryOutcome outcome : outcomes) {
      FoundChanges found = foundGathered.remove(outcome.repository());
      if (found == null) {
        finished.add(outcome);
        continue;
      }
      found.kinds().forEach((kind, count) -> added.merge(kind, count, Integer::sum));
      finished.add(found.addTo(outcome));
    }
    if (!added.isEmpty()) {
      onChanges.accept(added);
    }
    return finished;
  }

  /**
   * What enrichment did since the last call (one pass), and starts counting anew.
   */
  public EnrichmentReport drain() {
    return totals.drain();
  }

  /**
   * Enriches one repository after its list synchronization, and returns its outcome with the enrichment's
   * changes and REST requests added (a repository whose reads were gathered gets theirs at {@link #finishPass}).
   * A repository whose synchronization did not complete is not enriched; the pull requests it upserted are
   * read in full in a later pass.
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
      deferred.remember(repository, moved.keySet());
      return listed;
    }
    RepositoryOutcome outcome;
    ReentrantLock lock = locks.of(repository);
    lock.lock();
    try {
      outcome = enrich(repository, state.isBaseline(), moved, listed);
    } catch (GitHubAuthenticationException e) {
      // the snapshots are stored: only this memory says they still owe a full read
      deferred.remember(repository, moved.keySet());
      throw e;
    } catch (RuntimeException e) {
      deferred.remember(repository, moved.keySet());
      totals.failed();
      log.warn("enriching {} failed: {}", repository, e.toString(), log.isDebugEnabled() ? e : null);
      return listed;
    } finally {
      lock.unlock();
    }
    // outside the repository's lock: reading a full batch takes the locks of the repositories it holds
    gathered.readFullBatches(restReserve);
    return outcome;
  }

  /**
   * Re-reads the review and CI state of pull requests a webhook event named, and records what changed (the
   * caller delivers it). Each named pull request is read in full; with no number (a commit status names a
   * commit, not a pull request) the CI state of every open pull request of the repository is read again.
   * What it reads and spends is counted in the next pass's {@link EnrichmentReport}.
   *
   * @param onChanges told the change counts the re-read recorded (for the monitor's change meter)
   * @return false if a named pull request is not stored yet (a re-read of the list must find it first), or
   *     the reads failed; true when they were recorded
   * @throws GitHubAuthenticationException if GitHub rejects the credentials
   */
  public boolean refresh(RepositoryId repository, Set<Integer> numbers,
      Consumer<Map<ChangeKind, Integer>> onChanges) {
    ReentrantLock lock = locks.of(repository);
    lock.lock();
    try {
      EnrichmentPlan plan = planner.forWebhook(repository, numbers);
      if (plan == null) {
        return false;
      }
      if (plan.targets().isEmpty()) {
        return true;
      }
      FoundChanges found = recorder.record(plan, client.enrich(repository, plan.targets(), mode, restReserve),
          EnrichmentRecorder.Reading.WEBHOOK);
      onChanges.accept(found.kinds());
      return true;
    } catch (GitHubAuthenticationException e) {
      throw e;
    } catch (RuntimeException e) {
      totals.failed();
      log.warn("re-reading the reviews and CI of {} {} failed; the next pass reads them: {}", repository,
          numbers, e.toString());
      return false;
    } finally {
      lock.unlock();
    }
  }

  private RepositoryOutcome enrich(RepositoryId repository, boolean baseline, Map<Integer, PullRequest> moved,
      RepositoryOutcome listed) {
    EnrichmentPlan plan = planner.forPass(repository, baseline, moved, deferred.owed(repository));
    if (plan == null) {
      deferred.replace(repository, Set.of());
      return listed;
    }
    if (mode == EnrichmentMode.GRAPHQL && plan.full().isEmpty()) {
      // nothing owed, nothing to read in full: read with other repositories' CI reads
      gathered.add(plan);
      return listed;
    }
    FoundChanges found = recorder.record(plan, client.enrich(repository, plan.targets(), mode, restReserve),
        EnrichmentRecorder.Reading.PASS);
    return found.addTo(listed);
  }
}
