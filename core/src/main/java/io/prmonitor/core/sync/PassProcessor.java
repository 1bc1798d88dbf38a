package io.prmonitor.core.sync;

import io.prmonitor.spi.GitHubAuthenticationException;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs one pass over a list of repositories, at most {@code maxConcurrentRepositories} at a time.
 *
 * <p>Repositories are taken up least recently completed first (never completed first, in the given order
 * among equals), so the ones a previous pass deferred or failed go before the ones it finished. Once
 * one repository is refused for rate limit, or the pass deadline passes, repositories not yet started
 * are deferred without a request. A rejected credential stops the pass and is rethrown.
 *
 * <p>Thread-safe, but passes are meant to be serialized by the caller.
 */
public final class PassProcessor {

  private static final Logger log = LoggerFactory.getLogger(PassProcessor.class);

  private final RepositorySynchronizer synchronizer;
  private final PullRequestStore store;
  private final ExecutorService executor;
  private final int maxConcurrentRepositories;
  private final Duration deadline;
  private final Clock clock;

  /**
   * @param executor runs one task per repository; its threads are bounded by the pass, not by it
   * @param deadline the longest a pass may run, or null
   */
  public PassProcessor(RepositorySynchronizer synchronizer, PullRequestStore store, ExecutorService executor,
      int maxConcurrentRepositories, Duration deadline, Clock clock) {
    this.synchronizer = synchronizer;
    this.store = store;
    this.executor = executor;
    this.maxConcurrentRepositories = maxConcurrentRepositories;
    this.deadline = deadline;
    this.clock = clock;
  }

  /**
   * Synchronizes the repositories.
   *
   * @param passId the pass number, for logs
   * @param repositories the repositories, in configuration order
   * @param onOutcome called with each repository's outcome as it ends, from the repository's thread
   * @return every repository's outcome, in the order they were taken up
   * @throws GitHubAuthenticationException if GitHub rejected the credentials
   * @throws InterruptedException if interrupted while waiting; repositories in flight are cancelled
   */
  public List<RepositoryOutcome> run(long passId, List<RepositoryId> repositories,
      Consumer<RepositoryOutcome> onOutcome) throws InterruptedException {
    Instant startedAt = clock.instant();
    Instant stopAt = deadline == null ? null : startedAt.plus(deadline);
    List<RepositoryOutcome> outcomes = new ArrayList<>(repositories.size());
    List<RepositoryState> ordered = order(repositories, outcomes, onOutcome);
    Semaphore slots = new Semaphore(maxConcurrentRepositories);
    AtomicReference<String> stopReason = new AtomicReference<>();
    AtomicReference<GitHubAuthenticationException> rejected = new AtomicReference<>();
    List<Future<RepositoryOutcome>> futures = new ArrayList<>(ordered.size());
    try {
      for (RepositoryState state : ordered) {
        slots.acquire();
        if (stopAt != null && !clock.instant().isBefore(stopAt)) {
          stopReason.compareAndSet(null, "pass deadline reached");
        }
        String reason = stopReason.get();
        if (reason != null || rejected.get() != null) {
          slots.release();
          RepositoryOutcome skipped = notStarted(state.repository(),
              rejected.get() != null ? RepositoryOutcome.Status.FAILED : RepositoryOutcome.Status.DEFERRED,
              rejected.get() != null ? "credentials rejected" : reason);
          futures.add(CompletableFuture.completedFuture(skipped));
          onOutcome.accept(skipped);
          continue;
        }
        futures.add(executor.submit(() -> {
          MDC.put("pass", Long.toString(passId));
          MDC.put("repo", state.repository().fullName());
          try {
            RepositoryOutcome outcome = synchronizer.synchronize(state,
                () -> stopAt != null && !clock.instant().isBefore(stopAt));
            if (outcome.status() == RepositoryOutcome.Status.DEFERRED) {
              stopReason.compareAndSet(null, outcome.reason());
            }
            logOutcome(outcome);
            onOutcome.accept(outcome);
            return outcome;
          } catch (GitHubAuthenticationException e) {
            rejected.compareAndSet(null, e);
            RepositoryOutcome failed = notStarted(state.repository(), RepositoryOutcome.Status.FAILED,
                "credentials rejected: " + e.getMessage());
            onOutcome.accept(failed);
            return failed;
          } finally {
            MDC.remove("repo");
            MDC.remove("pass");
            slots.release();
          }
        }));
      }
      for (Future<RepositoryOutcome> future : futures) {
        outcomes.add(future.get());
      }
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      throw e;
    } catch (ExecutionException e) {
      futures.forEach(f -> f.cancel(true));
      throw new IllegalStateException("repository task failed unexpectedly", e.getCause());
    }
    if (rejected.get() != null) {
      throw rejected.get();
    }
    return outcomes;
  }

  /** Loads each repository's state and orders them; those whose state cannot be read fail at once. */
  private List<RepositoryState> order(List<RepositoryId> repositories, List<RepositoryOutcome> failed,
      Consumer<RepositoryOutcome> onOutcome) {
    List<RepositoryState> states = new ArrayList<>(repositories.size());
    for (RepositoryId repository : repositories) {
      try {
        states.add(store.repositoryState(repository));
      } catch (RuntimeException e) {
        RepositoryOutcome outcome = notStarted(repository, RepositoryOutcome.Status.FAILED,
            "reading its state failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        logOutcome(outcome);
        failed.add(outcome);
        onOutcome.accept(outcome);
      }
    }
    // stable: equal keys keep configuration order
    states.sort(Comparator.comparing(RepositoryState::lastCompletedAt,
        Comparator.nullsFirst(Comparator.naturalOrder())));
    return states;
  }

  private static RepositoryOutcome notStarted(RepositoryId repository, RepositoryOutcome.Status status,
      String reason) {
    return new RepositoryOutcome(repository, status, reason, 0, 0, Map.of(), 0, 0, Duration.ZERO);
  }

  private static void logOutcome(RepositoryOutcome outcome) {
    switch (outcome.status()) {
      case DONE -> log.debug("{} done: {} pull requests, {} requests ({} not modified), changes {} in {} ms",
          outcome.repository(), outcome.pullRequestsSeen(), outcome.requests(), outcome.notModified(),
          outcome.changes(), outcome.elapsed().toMillis());
      case FAILED -> log.info("{} failed after {} requests: {}", outcome.repository(), outcome.requests(),
          outcome.reason());
      case DEFERRED -> log.info("{} deferred: {}", outcome.repository(), outcome.reason());
    }
  }
}
