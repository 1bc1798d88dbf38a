package io.prmonitor.core.delivery;

import io.prmonitor.spi.ChangeListener;
import io.prmonitor.spi.OutboxEntry;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the changes waiting in the store's outbox to the registered {@link ChangeListener}s.
 *
 * <p>Entries are read in sequence order and offered to every listener in turn. An entry every listener
 * accepted is marked delivered; marks are written once per chunk of {@value #CHUNK} entries, so a crash
 * in the middle of a chunk offers that chunk's entries again (at least once, same keys). When a listener
 * throws, the entry stays pending with one more failed attempt, and the later entries of the same pull
 * request are held back for the rest of the round, so that each pull request's changes arrive in order;
 * other pull requests go on. Held-back entries are offered again in the next round.
 *
 * <p>Thread-safe; rounds are serialized.
 */
public final class OutboxDispatcher {

  /** Entries read, offered and marked at a time. */
  static final int CHUNK = 200;

  private static final Logger log = LoggerFactory.getLogger(OutboxDispatcher.class);

  private final PullRequestStore store;
  private final List<ChangeListener> listeners;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();

  public OutboxDispatcher(PullRequestStore store, List<ChangeListener> listeners, Clock clock) {
    this.store = store;
    this.listeners = List.copyOf(listeners);
    this.clock = clock;
  }

  /** What a delivery round did. */
  public record Round(int delivered, int failed, int heldBack) {
  }

  /**
   * Offers every pending entry once.
   *
   * @return how many entries were delivered, failed, or held back behind a failure
   */
  public Round deliverPending() {
    return deliverPending(repository -> true);
  }

  /**
   * Offers every pending entry of the repositories {@code holding} accepts once; the others are left
   * pending, untouched, for the monitor that holds their repositories.
   *
   * @return how many entries were delivered, failed, or held back behind a failure
   */
  public Round deliverPending(Predicate<RepositoryId> holding) {
    lock.lock();
    try {
      int delivered = 0;
      int failed = 0;
      int heldBack = 0;
      Set<String> blocked = new HashSet<>();
      long after = 0;
      while (true) {
        List<OutboxEntry> entries = store.pendingChanges(after, CHUNK);
        if (entries.isEmpty()) {
          break;
        }
        List<Long> accepted = new ArrayList<>(entries.size());
        List<Long> refused = new ArrayList<>();
        for (OutboxEntry entry : entries) {
          after = entry.sequence();
          PullRequestChange change = entry.change();
          String pullRequest = change.repository().canonicalFullName() + '#' + change.number();
          if (!holding.test(change.repository())) {
            continue;
          }
          if (blocked.contains(pullRequest)) {
            heldBack++;
          } else if (offer(entry)) {
            accepted.add(entry.sequence());
          } else {
            blocked.add(pullRequest);
            refused.add(entry.sequence());
          }
        }
        if (!accepted.isEmpty()) {
          store.markDelivered(accepted, clock.instant());
          delivered += accepted.size();
        }
        if (!refused.isEmpty()) {
          store.recordFailedDelivery(refused);
          failed += refused.size();
        }
        if (Thread.currentThread().isInterrupted()) {
          break;
        }
      }
      return new Round(delivered, failed, heldBack);
    } finally {
      lock.unlock();
    }
  }

  private boolean offer(OutboxEntry entry) {
    for (ChangeListener listener : listeners) {
      try {
        listener.onChange(entry.change());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (Exception e) {
        log.warn("listener {} refused change {} (attempt {}); it stays pending", listener.getClass().getName(),
            entry.change().key(), entry.attempts() + 1, e);
        return false;
      }
    }
    return true;
  }
}
