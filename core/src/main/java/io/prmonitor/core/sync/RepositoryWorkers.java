package io.prmonitor.core.sync;

import io.prmonitor.spi.GitHubAuthenticationException;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The repository step of a pass: synchronizes the repositories a {@link RepositoryQueue} hands out, each on
 * a thread of its own, at most {@code maxConcurrentRepositories} at a time, under the pass's deadline and
 * defer rules.
 *
 * <p>Once one repository is deferred (its {@link RepositoryOutcome.Reason} defers: rate limit or deadline),
 * or the pass deadline passes, the repositories handed out after that are deferred without a request, with
 * that reason; a repository in progress stops between two pages when the deadline passes, except one that
 * the previous pass's deadline already interrupted: that one runs to its end, so every repository
 * completes eventually however slow GitHub is. A rejected credential stops the pass and is rethrown.
 *
 * <p>Each repository's end is logged once, here, with the MDC keys {@code pass} and {@code repo}: a
 * failure at WARN, a deferral at INFO, a success at DEBUG.
 *
 * <p>Thread-safe, but passes are meant to be serialized by the caller.
 */
public final class RepositoryWorkers {

  private static final Logger log = LoggerFactory.getLogger(RepositoryWorkers.class);

  private static final RepositoryOutcome.Reason CREDENTIALS_REJECTED = new RepositoryOutcome.Reason(
      RepositoryOutcome.Reason.Kind.CREDENTIALS_REJECTED, "credentials rejected");

  private final RepositorySynchronizer synchronizer;
  private final ThreadFactory threads;
  private final int maxConcurrentRepositories;
  private final Duration deadline;
  /**
   * Repositories a pass deadline interrupted after they had started. The next pass lets them run to the
   * end: otherwise a repository whose listing takes longer than the deadline would re-read its first pages
   * in every pass and never complete (its cursor only advances at the end).
   */
  private final Set<RepositoryId> cutShort = ConcurrentHashMap.newKeySet();
  private final Clock clock;
  private final BiFunction<RepositoryState, RepositoryOutcome, RepositoryOutcome> afterSync;

  /**
   * @param threads makes the thread of each repository task (virtual threads fit: the tasks block on I/O)
   * @param deadline the longest a pass may run, or null
   */
  public RepositoryWorkers(RepositorySynchronizer synchronizer, ThreadFactory threads,
      int maxConcurrentRepositories, Duration deadline, Clock clock) {
    this(synchronizer, threads, maxConcurrentRepositories, deadline, clock, (state, outcome) -> outcome);
  }

  /**
   * @param afterSync runs on the repository's thread after its list synchronization, while the repository is
   *     still held (its lease too), and returns its final outcome (enrichment)
   */
  public RepositoryWorkers(RepositorySynchronizer synchronizer, ThreadFactory threads,
      int maxConcurrentRepositories, Duration deadline, Clock clock,
      BiFunction<RepositoryState, RepositoryOutcome, RepositoryOutcome> afterSync) {
    this.afterSync = afterSync;
    this.synchronizer = synchronizer;
    this.threads = threads;
    this.maxConcurrentRepositories = maxConcurrentRepositories;
    this.deadline = deadline;
    this.clock = clock;
  }

  /**
   * Synchronizes the repositories the queue hands out until it runs dry.
   *
   * @param passId the pass number, for logs
   * @param queue hands out the repositories of the pass
   * @param onOutcome called with each repository's outcome as it ends, from the repository's thread
   * @return every repository's outcome, in the order they were taken up
   * @throws GitHubAuthenticationException if GitHub rejected the credentials
   * @throws InterruptedException if interrupted while waiting; repositories in flight are interrupted, and
   *     waited for, before it is thrown
   */
  public List<RepositoryOutcome> run(long passId, RepositoryQueue queue, Consumer<RepositoryOutcome> onOutcome)
      throws InterruptedException {
    Instant stopAt = deadline == null ? null : clock.instant().plus(deadline);
    List<RepositoryOutcome> outcomes = new ArrayList<>();
    for (RepositoryOutcome outcome : queue.unavailable()) {
      logOutcome(outcome);
      outcomes.add(outcome);
      onOutcome.accept(outcome);
    }
    Semaphore slots = new Semaphore(maxConcurrentRepositories);
    AtomicReference<RepositoryOutcome.Reason> stopReason = new AtomicReference<>();
    AtomicReference<GitHubAuthenticationException> rejected = new AtomicReference<>();
    List<Future<RepositoryOutcome>> futures = new ArrayList<>();
    // one executor per pass: closing it waits for every task the pass started, whichever way it ends,
    // so no task outlives its pass (and the leases, client and store it uses)
    ExecutorService executor = Executors.newThreadPerTaskExecutor(threads);
    boolean completed = false;
    try {
      while (true) {
        slots.acquire();
        RepositoryState state;
        try {
          state = queue.next();
        } catch (RuntimeException e) {
          slots.release();
          throw e;
        }
        if (state == null) {
          slots.release();
          break;
        }
        if (stopAt != null && !clock.instant().isBefore(stopAt)) {
          stopReason.compareAndSet(null, RepositoryOutcome.Reason.passDeadline());
        }
        if (stopReason.get() != null || rejected.get() != null) {
          slots.release();
          RepositoryOutcome skipped = rejected.get() != null
              ? notStarted(state.repository(), RepositoryOutcome.Status.FAILED, CREDENTIALS_REJECTED)
              : notStarted(state.repository(), RepositoryOutcome.Status.DEFERRED, stopReason.get());
          queue.finished(skipped);
          onOutcome.accept(skipped);
          futures.add(CompletableFuture.completedFuture(skipped));
          continue;
        }
        futures.add(executor.submit(() -> synchronizeOne(passId, state, stopAt, queue, onOutcome, slots,
            stopReason, rejected)));
      }
      for (Future<RepositoryOutcome> future : futures) {
        outcomes.add(future.get());
      }
      completed = true;
    } catch (ExecutionException e) {
      // an Error (OutOfMemoryError above all) is rethrown as itself, never disguised as another failure
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("repository task failed unexpectedly", e.getCause());
    } finally {
      if (!completed) {
        executor.shutdownNow();
      }
      executor.close();
    }
    if (rejected.get() != null) {
      throw rejected.get();
    }
    return outcomes;
  }

  private RepositoryOutcome synchronizeOne(long passId, RepositoryState state, Instant stopAt,
      RepositoryQueue queue, Consumer<RepositoryOutcome> onOutcome, Semaphore slots,
      AtomicReference<RepositoryOutcome.Reason> stopReason, AtomicReference<GitHubAuthenticationException> rejected) {
    MDC.put("pass", Long.toString(passId));
    MDC.put("repo", state.repository().fullName());
    RepositoryOutcome outcome = null;
    try {
      RepositoryId repository = state.repository();
      boolean mayStop = !cutShort.contains(repository);
      outcome = synchronizer.synchronize(state,
          () -> mayStop && stopAt != null && !clock.instant().isBefore(stopAt));
      outcome = afterSync.apply(state, outcome);
      if (outcome.status() == RepositoryOutcome.Status.DEFERRED) {
        stopReason.compareAndSet(null, outcome.reason());
        if (outcome.requests() > 0 && outcome.deferredBy(RepositoryOutcome.Reason.Kind.PASS_DEADLINE)) {
          cutShort.add(repository);
        }
      } else if (outcome.status() == RepositoryOutcome.Status.DONE) {
        cutShort.remove(repository);
      }
      logOutcome(outcome);
      return outcome;
    } catch (GitHubAuthenticationException e) {
      rejected.compareAndSet(null, e);
      outcome = notStarted(state.repository(), RepositoryOutcome.Status.FAILED, new RepositoryOutcome.Reason(
          RepositoryOutcome.Reason.Kind.CREDENTIALS_REJECTED, "credentials rejected: " + e.getMessage()));
      return outcome;
    } finally {
      try {
        if (outcome != null) {
          queue.finished(outcome);
          onOutcome.accept(outcome);
        }
      } finally {
        MDC.remove("repo");
        MDC.remove("pass");
        slots.release();
      }
    }
  }

  private static RepositoryOutcome notStarted(RepositoryId repository, RepositoryOutcome.Status status,
      RepositoryOutcome.Reason reason) {
    return new RepositoryOutcome(repository, status, reason, 0, 0, Map.of(), 0, 0, Duration.ZERO,
        status == RepositoryOutcome.Status.FAILED ? GitHubAuthenticationException.class.getSimpleName() : null);
  }

  private static void logOutcome(RepositoryOutcome outcome) {
    switch (outcome.status()) {
      case DONE -> log.debug("{} done: {} pull requests, {} requests ({} not modified), changes {} in {} ms",
          outcome.repository(), outcome.pullRequestsSeen(), outcome.requests(), outcome.notModified(),
          outcome.changes(), outcome.elapsed().toMillis());
      case FAILED -> log.warn("{} failed after {} requests: {}", outcome.repository(), outcome.requests(),
          outcome.reason());
      case DEFERRED -> log.info("{} deferred: {}", outcome.repository(), outcome.reason());
    }
  }
}
