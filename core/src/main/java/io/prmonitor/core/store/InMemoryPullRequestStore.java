package io.prmonitor.core.store;

import io.prmonitor.spi.DiscoveryPage;
import io.prmonitor.spi.ListingCursor;
import io.prmonitor.spi.OutboxEntry;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.QuarantinedPullRequest;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryState;
import io.prmonitor.spi.StoreException;
import io.prmonitor.spi.SyncBatch;
import io.prmonitor.spi.WebhookDeliveries;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * A {@link PullRequestStore} that keeps everything in the heap and loses it when the process ends.
 *
 * <p>For tests and for small hosts that rebuild their state on start (its first pass per repository is
 * then a baseline again). It passes the same contract suite as the JDBC store. Thread-safe: a
 * read-write lock makes every operation atomic. Memory grows with the pull requests stored and the
 * outbox entries retained, and with the {@link WebhookDeliveries} recorded (held until purged; lost with the
 * process, so a delivery redelivered after a restart is acted on again, which costs one re-read).
 */
public final class InMemoryPullRequestStore implements PullRequestStore, WebhookDeliveries {

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<RepositoryId, RepositoryState> repositories = new HashMap<>();
  private final Map<RepositoryId, TreeMap<Integer, PullRequest>> pullRequests = new HashMap<>();
  private final Map<RepositoryId, TreeMap<Integer, QuarantinedPullRequest>> quarantine = new HashMap<>();
  private final Map<String, List<DiscoveryPage>> discoveries = new HashMap<>();
  private final Map<RepositoryId, Map<Integer, PullRequestEnrichment>> enrichments = new HashMap<>();
  private final TreeMap<Long, Entry> outbox = new TreeMap<>();
  private final Set<String> outboxKeys = new HashSet<>();
  private final Map<String, Instant> deliveries = new HashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private long nextSequence = 1;

  /** An outbox entry and its delivery state. */
  private static final class Entry {
    final long sequence;
    final PullRequestChange change;
    int attempts;
    Instant deliveredAt;

    Entry(long sequence, PullRequestChange change) {
      this.sequence = sequence;
      this.change = change;
    }
  }

  @Override
  public List<QuarantinedPullRequest> quarantined(RepositoryId repository) {
    return read(() -> {
      TreeMap<Integer, QuarantinedPullRequest> entries = quarantine.get(repository);
      return entries == null ? List.of() : List.copyOf(entries.values());
    });
  }

  @Override
  public void quarantine(RepositoryId repository, Collection<QuarantinedPullRequest> entries) {
    write(() -> {
      TreeMap<Integer, QuarantinedPullRequest> kept = quarantine.computeIfAbsent(repository, r -> new TreeMap<>());
      for (QuarantinedPullRequest entry : entries) {
        kept.put(entry.number(), entry);
      }
    });
  }

  @Override
  public void clearQuarantine(RepositoryId repository, Collection<Integer> numbers) {
    write(() -> {
      TreeMap<Integer, QuarantinedPullRequest> kept = quarantine.get(repository);
      if (kept != null) {
        numbers.forEach(kept::remove);
      }
    });
  }

  @Override
  public RepositoryState repositoryState(RepositoryId repository) {
    return read(() -> repositories.getOrDefault(repository, RepositoryState.initial(repository)));
  }

  @Override
  public Map<Integer, PullRequest> pullRequests(RepositoryId repository, Collection<Integer> numbers) {
    return read(() -> byNumbers(pullRequests.get(repository), numbers));
  }

  @Override
  public Map<Integer, PullRequestEnrichment> enrichments(RepositoryId repository, Collection<Integer> numbers) {
    return read(() -> byNumbers(enrichments.get(repository), numbers));
  }

  /** The stored values of the numbers that have one, in the order of the numbers. */
  private static <T> Map<Integer, T> byNumbers(Map<Integer, T> stored, Collection<Integer> numbers) {
    Map<Integer, T> found = new LinkedHashMap<>();
    if (stored != null) {
      for (Integer number : numbers) {
        T value = stored.get(number);
        if (value != null) {
          found.put(number, value);
        }
      }
    }
    return found;
  }

  @Override
  public boolean hasPullRequests(RepositoryId repository) {
    return read(() -> {
      TreeMap<Integer, PullRequest> stored = pullRequests.get(repository);
      return stored != null && !stored.isEmpty();
    });
  }

  @Override
  public List<PullRequest> allPullRequests(RepositoryId repository) {
    return read(() -> {
      TreeMap<Integer, PullRequest> stored = pullRequests.get(repository);
      return stored == null ? List.of() : List.copyOf(stored.values());
    });
  }

  @Override
  public List<DiscoveryPage> discoveryPages(String selector) {
    return read(() -> discoveries.getOrDefault(selector, List.of()));
  }

  @Override
  public void saveDiscoveryPages(String selector, List<DiscoveryPage> pages) {
    write(() -> discoveries.put(selector, List.copyOf(pages)));
  }

  @Override
  public void apply(SyncBatch batch) {
    write(() -> {
      TreeMap<Integer, PullRequest> stored = pullRequests.computeIfAbsent(batch.repository(), r -> new TreeMap<>());
      Instant trustedUntil = Instant.now().plus(FUTURE_MARGIN);
      for (PullRequest pr : batch.upserts()) {
        // never replaced by an older snapshot (a worker stalled past its lease cannot undo a newer write),
        // unless the stored one's time is a clock glitch, trusted for nothing
        stored.merge(pr.number(), pr, (old, now) -> old.updatedAt().isAfter(now.updatedAt())
            && !old.updatedAt().isAfter(trustedUntil) ? old : now);
      }
      if (!batch.enrichments().isEmpty()) {
        Map<Integer, PullRequestEnrichment> kept = enrichments.computeIfAbsent(batch.repository(), r -> new HashMap<>());
        for (PullRequestEnrichment enrichment : batch.enrichments()) {
          kept.put(enrichment.number(), enrichment);
        }
      }
      for (PullRequestChange change : batch.changes()) {
        if (outboxKeys.add(change.key())) {
          long sequence = nextSequence++;
          outbox.put(sequence, new Entry(sequence, change));
        }
      }
    });
  }

  @Override
  public void completePass(RepositoryId repository, ListingCursor cursor, Instant completedAt) {
    write(() -> repositories.put(repository, new RepositoryState(repository, cursor, completedAt)));
  }

  @Override
  public List<OutboxEntry> pendingChanges(long afterSequence, int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    return read(() -> {
      List<OutboxEntry> pending = new ArrayList<>(Math.min(limit, 256));
      for (Entry entry : outbox.tailMap(afterSequence, false).values()) {
        if (entry.deliveredAt == null) {
          pending.add(new OutboxEntry(entry.sequence, entry.change, entry.attempts));
          if (pending.size() == limit) {
            break;
          }
        }
      }
      return pending;
    });
  }

  @Override
  public void markDelivered(Collection<Long> sequences, Instant deliveredAt) {
    write(() -> {
      for (Long sequence : sequences) {
        Entry entry = outbox.get(sequence);
        if (entry != null && entry.deliveredAt == null) {
          entry.deliveredAt = deliveredAt;
        }
      }
    });
  }

  @Override
  public void recordFailedDelivery(Collection<Long> sequences) {
    write(() -> {
      for (Long sequence : sequences) {
        Entry entry = outbox.get(sequence);
        if (entry != null) {
          entry.attempts++;
        }
      }
    });
  }

  @Override
  public int purgeDelivered(Instant deliveredBefore) {
    return write(() -> {
      int purged = 0;
      for (Iterator<Entry> it = outbox.values().iterator(); it.hasNext(); ) {
        Entry entry = it.next();
        if (entry.deliveredAt != null && entry.deliveredAt.isBefore(deliveredBefore)) {
          it.remove();
          outboxKeys.remove(entry.change.key());
          purged++;
        }
      }
      return purged;
    });
  }

  @Override
  public boolean recordDelivery(String deliveryId, Instant receivedAt) {
    WebhookDeliveries.checkDeliveryId(deliveryId);
    Objects.requireNonNull(receivedAt, "null receivedAt");
    return write(() -> deliveries.putIfAbsent(deliveryId, receivedAt) == null);
  }

  @Override
  public int purgeDeliveries(Instant receivedBefore) {
    return write(() -> {
      int before = deliveries.size();
      deliveries.values().removeIf(at -> at.isBefore(receivedBefore));
      return before - deliveries.size();
    });
  }

  /** This store itself: it records deliveries. */
  @Override
  public java.util.Optional<WebhookDeliveries> webhookDeliveries() {
    return java.util.Optional.of(this);
  }

  @Override
  public void ping() {
    ensureOpen();
  }

  @Override
  public void close() {
    closed.set(true);
  }

  /** Runs a read under the read lock, once the store is known to be open. */
  private <T> T read(Supplier<T> work) {
    return locked(lock.readLock(), work);
  }

  /** Runs a write under the write lock, once the store is known to be open. */
  private <T> T write(Supplier<T> work) {
    return locked(lock.writeLock(), work);
  }

  private void write(Runnable work) {
    write(() -> {
      work.run();
      return null;
    });
  }

  private <T> T locked(Lock held, Supplier<T> work) {
    held.lock();
    try {
      ensureOpen();
      return work.get();
    } finally {
      held.unlock();
    }
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new StoreException("in-memory store is closed");
    }
  }
}
