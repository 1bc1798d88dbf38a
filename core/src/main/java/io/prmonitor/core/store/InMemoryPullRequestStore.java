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
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;

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

  private void ensureOpen() {
    if (closed.get()) {
      throw new StoreException("in-memory store is closed");
    }
  }

  @Override
  public List<QuarantinedPullRequest> quarantined(RepositoryId repository) {
    lock.readLock().lock();
    try {
      ensureOpen();
      TreeMap<Integer, QuarantinedPullRequest> entries = quarantine.get(repository);
      return entries == null ? List.of() : List.copyOf(entries.values());
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void quarantine(RepositoryId repository, Collection<QuarantinedPullRequest> entries) {
    lock.writeLock().lock();
    try {
      ensureOpen();
      TreeMap<Integer, QuarantinedPullRequest> kept = quarantine.computeIfAbsent(repository, r -> new TreeMap<>());
      for (QuarantinedPullRequest entry : entries) {
        kept.put(entry.number(), entry);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void clearQuarantine(RepositoryId repository, Collection<Integer> numbers) {
    lock.writeLock().lock();
    try {
      ensureOpen();
      TreeMap<Integer, QuarantinedPullRequest> kept = quarantine.get(repository);
      if (kept != null) {
        numbers.forEach(kept::remove);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public RepositoryState repositoryState(RepositoryId repository) {
    lock.readLock().lock();
    try {
      ensureOpen();
      return repositories.getOrDefault(repository, RepositoryState.initial(repository));
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Map<Integer, PullRequest> pullRequests(RepositoryId repository, Collection<Integer> numbers) {
    lock.readLock().lock();
    try {
      ensureOpen();
      TreeMap<Integer, PullRequest> stored = pullRequests.get(repository);
      Map<Integer, PullRequest> found = new LinkedHashMap<>();
      if (stored != null) {
        for (Integer number : numbers) {
          PullRequest pr = stored.get(number);
          if (pr != null) {
            found.put(number, pr);
          }
        }
      }
      return found;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Map<Integer, PullRequestEnrichment> enrichments(RepositoryId repository, Collection<Integer> numbers) {
    lock.readLock().lock();
    try {
      ensureOpen();
      Map<Integer, PullRequestEnrichment> stored = enrichments.get(repository);
      Map<Integer, PullRequestEnrichment> found = new LinkedHashMap<>();
      if (stored != null) {
        for (Integer number : numbers) {
          PullRequestEnrichment enrichment = stored.get(number);
          if (enrichment != null) {
            found.put(number, enrichment);
          }
        }
      }
      return found;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public boolean hasPullRequests(RepositoryId repository) {
    lock.readLock().lock();
    try {
      ensureOpen();
      TreeMap<Integer, PullRequest> stored = pullRequests.get(repository);
      return stored != null && !stored.isEmpty();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public List<PullRequest> allPullRequests(RepositoryId repository) {
    lock.readLock().lock();
    try {
      ensureOpen();
      TreeMap<Integer, PullRequest> stored = pullRequests.get(repository);
      return stored == null ? List.of() : List.copyOf(stored.values());
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public List<DiscoveryPage> discoveryPages(String selector) {
    lock.readLock().lock();
    try {
      ensureOpen();
      return discoveries.getOrDefault(selector, List.of());
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void saveDiscoveryPages(String selector, List<DiscoveryPage> pages) {
    lock.writeLock().lock();
    try {
      ensureOpen();
      discoveries.put(selector, List.copyOf(pages));
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void apply(SyncBatch batch) {
    lock.writeLock().lock();
    try {
      ensureOpen();
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
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void completePass(RepositoryId repository, ListingCursor cursor, Instant completedAt) {
    lock.writeLock().lock();
    try {
      ensureOpen();
      repositories.put(repository, new RepositoryState(repository, cursor, completedAt));
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public List<OutboxEntry> pendingChanges(long afterSequence, int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    lock.readLock().lock();
    try {
      ensureOpen();
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
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void markDelivered(Collection<Long> sequences, Instant deliveredAt) {
    lock.writeLock().lock();
    try {
      ensureOpen();
      for (Long sequence : sequences) {
        Entry entry = outbox.get(sequence);
        if (entry != null && entry.deliveredAt == null) {
          entry.deliveredAt = deliveredAt;
        }
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void recordFailedDelivery(Collection<Long> sequences) {
    lock.writeLock().lock();
    try {
      ensureOpen();
      for (Long sequence : sequences) {
        Entry entry = outbox.get(sequence);
        if (entry != null) {
          entry.attempts++;
        }
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public int purgeDelivered(Instant deliveredBefore) {
    lock.writeLock().lock();
    try {
      ensureOpen();
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
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public boolean recordDelivery(String deliveryId, Instant receivedAt) {
    WebhookDeliveries.checkDeliveryId(deliveryId);
    java.util.Objects.requireNonNull(receivedAt, "null receivedAt");
    lock.writeLock().lock();
    try {
      ensureOpen();
      return deliveries.putIfAbsent(deliveryId, receivedAt) == null;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public int purgeDeliveries(Instant receivedBefore) {
    lock.writeLock().lock();
    try {
      ensureOpen();
      int before = deliveries.size();
      deliveries.values().removeIf(at -> at.isBefore(receivedBefore));
      return before - deliveries.size();
    } finally {
      lock.writeLock().unlock();
    }
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
}
