package io.prmonitor.core.sync;

import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryState;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * The repositories of a pass of a single monitor: least recently completed first (never completed
 * first, in the given order among equals), so that the ones a previous pass deferred or failed go before
 * the ones it finished. Repositories whose state cannot be read are reported as failed at once.
 * Thread-safe.
 */
public final class OrderedRepositoryQueue implements RepositoryQueue {

  private final Queue<RepositoryState> queue;
  private final List<RepositoryOutcome> unavailable;

  /** Reads each repository's state from the store and orders them. */
  public OrderedRepositoryQueue(PullRequestStore store, List<RepositoryId> repositories) {
    List<RepositoryState> states = new ArrayList<>(repositories.size());
    List<RepositoryOutcome> failed = new ArrayList<>();
    for (RepositoryId repository : repositories) {
      try {
        states.add(store.repositoryState(repository));
      } catch (RuntimeException e) {
        failed.add(new RepositoryOutcome(repository, RepositoryOutcome.Status.FAILED,
            RepositoryOutcome.Reason.error("reading its state failed: " + e.getClass().getSimpleName() + ": "
                + e.getMessage()), 0, 0, Map.of(),
            0, 0, Duration.ZERO, e.getClass().getSimpleName()));
      }
    }
    states.sort(Comparator.comparing(RepositoryState::lastCompletedAt,
        Comparator.nullsFirst(Comparator.naturalOrder())));
    this.queue = new ArrayDeque<>(states);
    this.unavailable = List.copyOf(failed);
  }

  @Override
  public synchronized RepositoryState next() {
    return queue.poll();
  }

  @Override
  public void finished(RepositoryOutcome outcome) {
  }

  @Override
  public List<RepositoryOutcome> unavailable() {
    return unavailable;
  }
}
