package io.prmonitor.core.enrich;

import io.prmonitor.EnrichmentReport;
import io.prmonitor.core.sync.RepositoryOutcome;
import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.CombinedEnrichmentResult;
import io.prmonitor.spi.EnrichmentMode;
import io.prmonitor.spi.EnrichmentResult;
import io.prmonitor.spi.EnrichmentTarget;
import io.prmonitor.spi.GitHubAuthenticationException;
import io.prmonitor.spi.GitHubClient;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
 * The reads of one repository never overlap within a monitor: a lock per repository orders them, and a
 * gathered read whose stored enrichment changed since it was gathered is dropped (the later read stands; the
 * next pass reads CI again).
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
  private final PullRequestStore store;
  private final EnrichmentMode mode;
  private final boolean enrichClosedHistory;
  /** Per repository, the pull requests the list synchronization upserted in the pass under way. */
  private final Map<RepositoryId, Map<Integer, PullRequest>> upserted = new ConcurrentHashMap<>();
  private final DeferredReads deferred = new DeferredReads();
  private final RepositoryLocks locks = new RepositoryLocks();
  /** Checks-only reads gathered across repositories in the pass under way, not yet read. */
  private final Deque<EnrichmentPlan> gathered = new ArrayDeque<>();
  private int gatheredCount;
  /** What the gathered reads found in the pass under way, by repository, for {@link #finishPass}. */
  private final Map<RepositoryId, FoundChanges> foundGathered = new ConcurrentHashMap<>();
  private volatile int restReserve;
  private final EnrichmentTotals totals = new EnrichmentTotals();
  private final EnrichmentRecorder recorder;

  /**
   * @param mode {@link EnrichmentMode#GRAPHQL} or {@link EnrichmentMode#REST}
   */
  public PullRequestEnricher(GitHubClient client, PullRequestStore store, EnrichmentDetector detector,
      EnrichmentMode mode, boolean enrichClosedHistory) {
    this.client = Objects.requireNonNull(client, "null client");
    this.store = Objects.requireNonNull(store, "null store");
    Objects.requireNonNull(detector, "null detector");
    this.mode = Objects.requireNonNull(mode, "null mode");
    if (mode == EnrichmentMode.OFF) {
      throw new IllegalArgumentException("an enricher needs enrichment GRAPHQL or REST, not OFF");
    }
    this.enrichClosedHistory = enrichClosedHistory;
    this.recorder = new EnrichmentRecorder(store, detector, deferred, totals);
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
    synchronized (gathered) {
      gathered.clear();
      gatheredCount = 0;
    }
    foundGathered.clear();
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
    List<EnrichmentPlan> rest;
    synchronized (gathered) {
      rest = new ArrayList<>(gathered);
      gathered.clear();
      gatheredCount = 0;
    }
    read(rest);
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
    foundGathered.clear();
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
    List<EnrichmentPlan> batch;
    while ((batch = takeFullBatch()) != null) {
      read(batch);
    }
    return outcome;
  }

  /**
   * Re-reads the review and CI state of pull requests a webhook event named, and records what changed (the
   * caller delivers it). Each named pull request is read in full; with no number (a commit status names a
   * commit, not a pull request) the CI state of every open pull request of the repository is read again.
   *
   * @return false if a named pull request is not stored yet (a re-read of the list must find it first), or
   *     the reads failed; true when they were recorded
   * @throws GitHubAuthenticationException if GitHub rejects the credentials
   */
  public boolean refresh(RepositoryId repository, Set<Integer> numbers) {
    ReentrantLock lock = locks.of(repository);
    lock.lock();
    try {
      Map<Integer, PullRequest> snapshots;
      if (numbers.isEmpty()) {
        snapshots = new TreeMap<>();
        store.openPullRequests(repository).forEach(pr -> snapshots.put(pr.number(), pr));
      } else {
        snapshots = new TreeMap<>(store.pullRequests(repository, numbers));
        if (snapshots.size() < numbers.size()) {
          return false;
        }
      }
      if (snapshots.isEmpty()) {
        return true;
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
      EnrichmentPlan plan = new EnrichmentPlan(repository, targets, snapshots, stored, full);
      recorder.record(plan, client.enrich(repository, targets, mode, restReserve),
          EnrichmentRecorder.Reading.WEBHOOK);
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
    Set<Integer> owed = deferred.owed(repository);
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
      deferred.replace(repository, Set.of());
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
    EnrichmentPlan plan = new EnrichmentPlan(repository, targets, snapshots, stored, fullReads);
    if (mode == EnrichmentMode.GRAPHQL && fullReads.isEmpty()) {
      // nothing owed, nothing to read in full: read with other repositories' CI reads
      gather(plan);
      return listed;
    }
    FoundChanges found = recorder.record(plan, client.enrich(repository, targets, mode, restReserve),
        EnrichmentRecorder.Reading.PASS);
    return found.addTo(listed);
  }

  private void gather(EnrichmentPlan plan) {
    synchronized (gathered) {
      gathered.addLast(plan);
      gatheredCount += plan.targets().size();
    }
  }

  /** Takes {@link #GATHERED_BATCH} gathered reads if that many are gathered (splitting a repository's); else null. */
  private List<EnrichmentPlan> takeFullBatch() {
    synchronized (gathered) {
      if (gatheredCount < GATHERED_BATCH) {
        return null;
      }
      List<EnrichmentPlan> batch = new ArrayList<>();
      int room = GATHERED_BATCH;
      while (room > 0) {
        EnrichmentPlan next = gathered.pollFirst();
        if (next.targets().size() > room) {
          batch.add(next.part(0, room));
          gathered.addFirst(next.part(room, next.targets().size()));
          room = 0;
        } else {
          batch.add(next);
          room -= next.targets().size();
        }
      }
      gatheredCount -= GATHERED_BATCH;
      return batch;
    }
  }

  /** Reads gathered checks-only reads together, and records what each repository's found. */
  private void read(List<EnrichmentPlan> plans) {
    if (plans.isEmpty()) {
      return;
    }
    Map<RepositoryId, List<EnrichmentTarget>> targets = new LinkedHashMap<>();
    Map<RepositoryId, EnrichmentPlan> byRepository = new LinkedHashMap<>();
    for (EnrichmentPlan plan : plans) {
      targets.computeIfAbsent(plan.repository(), r -> new ArrayList<>()).addAll(plan.targets());
      byRepository.merge(plan.repository(), plan, EnrichmentPlan::join);
    }
    CombinedEnrichmentResult combined;
    try {
      combined = client.enrich(targets, mode, restReserve);
    } catch (GitHubAuthenticationException e) {
      throw e;
    } catch (RuntimeException e) {
      // checks-only reads owe nothing: the next pass reads CI again
      totals.failed();
      log.warn("reading the CI state of {} repositories together failed: {}", targets.size(), e.toString(),
          log.isDebugEnabled() ? e : null);
      return;
    }
    totals.addQueries(combined.graphqlQueries(), combined.graphqlPoints());
    for (EnrichmentPlan plan : byRepository.values()) {
      EnrichmentResult result = combined.byRepository().get(plan.repository());
      if (result == null) {
        continue;
      }
      ReentrantLock lock = locks.of(plan.repository());
      lock.lock();
      try {
        FoundChanges found = recorder.record(plan, result, EnrichmentRecorder.Reading.GATHERED);
        foundGathered.merge(plan.repository(), found, FoundChanges::plus);
      } catch (RuntimeException e) {
        totals.failed();
        log.warn("recording the CI state of {} failed; the next pass reads it again: {}", plan.repository(),
            e.toString(), log.isDebugEnabled() ? e : null);
      } finally {
        lock.unlock();
      }
    }
  }
}
