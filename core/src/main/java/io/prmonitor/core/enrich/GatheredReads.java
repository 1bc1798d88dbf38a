package io.prmonitor.core.enrich;

import io.prmonitor.spi.CombinedEnrichmentResult;
import io.prmonitor.spi.EnrichmentMode;
import io.prmonitor.spi.EnrichmentResult;
import io.prmonitor.spi.EnrichmentTarget;
import io.prmonitor.spi.GitHubAuthenticationException;
import io.prmonitor.spi.GitHubClient;
import io.prmonitor.spi.RepositoryId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks-only reads of a pass gathered across repositories, read together in one call per batch (a query
 * per batch with GraphQL, not one per repository), and what they found, kept by repository until the pass
 * adds it to the repositories' outcomes. A batch is read as soon as {@code batchSize} pull requests are
 * gathered (a repository's reads split across batches if need be), the rest when the pass ends. Each
 * repository's part of a read is recorded under that repository's lock. Thread-safe.
 */
final class GatheredReads {

  /** Logs under the enricher's name: the enricher and its parts are one component to whoever reads the log. */
  private static final Logger log = LoggerFactory.getLogger(PullRequestEnricher.class);

  private final GitHubClient client;
  private final EnrichmentMode mode;
  private final int batchSize;
  private final EnrichmentRecorder recorder;
  private final RepositoryLocks locks;
  private final EnrichmentTotals totals;
  /** Gathered in the pass under way, not yet read. */
  private final Deque<EnrichmentPlan> gathered = new ArrayDeque<>();
  private int gatheredCount;
  /** What the reads found in the pass under way, by repository. */
  private final Map<RepositoryId, FoundChanges> found = new ConcurrentHashMap<>();

  GatheredReads(GitHubClient client, EnrichmentMode mode, int batchSize, EnrichmentRecorder recorder,
      RepositoryLocks locks, EnrichmentTotals totals) {
    this.client = client;
    this.mode = mode;
    this.batchSize = batchSize;
    this.recorder = recorder;
    this.locks = locks;
    this.totals = totals;
  }

  /** Forgets what was gathered and found (by a pass that ended without {@link #finish}). */
  void clear() {
    synchronized (gathered) {
      gathered.clear();
      gatheredCount = 0;
    }
    found.clear();
  }

  /** Gathers a repository's checks-only reads. */
  void add(EnrichmentPlan plan) {
    synchronized (gathered) {
      gathered.addLast(plan);
      gatheredCount += plan.targets().size();
    }
  }

  /**
   * Reads a batch for as long as a whole one is gathered. The caller holds no repository's lock: reading a
   * batch takes the locks of the repositories it holds.
   *
   * @throws GitHubAuthenticationException if GitHub rejects the credentials
   */
  void readFullBatches(int restReserve) {
    List<EnrichmentPlan> batch;
    while ((batch = takeFullBatch()) != null) {
      read(batch, restReserve);
    }
  }

  /**
   * Reads what is still gathered, and returns what every read of the pass found, by repository (forgetting
   * it).
   *
   * @throws GitHubAuthenticationException if GitHub rejects the credentials
   */
  Map<RepositoryId, FoundChanges> finish(int restReserve) {
    List<EnrichmentPlan> rest;
    synchronized (gathered) {
      rest = new ArrayList<>(gathered);
      gathered.clear();
      gatheredCount = 0;
    }
    read(rest, restReserve);
    Map<RepositoryId, FoundChanges> all = new HashMap<>(found);
    found.clear();
    return all;
  }

  /** Takes {@code batchSize} gathered reads if that many are gathered (splitting a repository's); else null. */
  private List<EnrichmentPlan> takeFullBatch() {
    synchronized (gathered) {
      if (gatheredCount < batchSize) {
        return null;
      }
      List<EnrichmentPlan> batch = new ArrayList<>();
      int room = batchSize;
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
      gatheredCount -= batchSize;
      return batch;
    }
  }

  /** Reads gathered checks-only reads together, and records what each repository's found. */
  private void read(List<EnrichmentPlan> plans, int restReserve) {
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
        FoundChanges changes = recorder.record(plan, result, EnrichmentRecorder.Reading.GATHERED);
        found.merge(plan.repository(), changes, FoundChanges::plus);
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
