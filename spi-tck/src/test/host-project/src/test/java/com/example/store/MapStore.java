package com.example.store;

import io.prmonitor.spi.ListingCursor;
import io.prmonitor.spi.OutboxEntry;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryState;
import io.prmonitor.spi.SyncBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** A host's own store: maps behind one lock, the SPI's default hasPullRequests. */
public class MapStore implements PullRequestStore {

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

  private final Map<RepositoryId, RepositoryState> states = new HashMap<>();
  private final Map<RepositoryId, TreeMap<Integer, PullRequest>> pullRequests = new HashMap<>();
  private final TreeMap<Long, Entry> outbox = new TreeMap<>();
  private final Map<RepositoryId, Map<Integer, PullRequestEnrichment>> enrichments = new HashMap<>();
  /** The keys of the changes in the outbox, for deduplication. */
  protected final Set<String> keys = new HashSet<>();
  private long nextSequence = 1;

  @Override
  public synchronized RepositoryState repositoryState(RepositoryId repository) {
    return states.getOrDefault(repository, RepositoryState.initial(repository));
  }

  @Override
  public synchronized Map<Integer, PullRequest> pullRequests(RepositoryId repository, Collection<Integer> numbers) {
    Map<Integer, PullRequest> found = new HashMap<>();
    TreeMap<Integer, PullRequest> stored = pullRequests.getOrDefault(repository, new TreeMap<>());
    for (Integer number : numbers) {
      if (stored.containsKey(number)) {
        found.put(number, stored.get(number));
      }
    }
    return found;
  }

  @Override
  public synchronized List<PullRequest> allPullRequests(RepositoryId repository) {
    return new ArrayList<>(pullRequests.getOrDefault(repository, new TreeMap<>()).values());
  }

  @Override
  public synchronized void apply(SyncBatch batch) {
    for (PullRequest pullRequest : batch.upserts()) {
      // never replaced by an older snapshot, unless the stored time is a clock glitch (PullRequestStore#apply)
      Instant trustedUntil = Instant.now().plus(FUTURE_MARGIN);
      pullRequests.computeIfAbsent(batch.repository(), r -> new TreeMap<>()).merge(pullRequest.number(),
          pullRequest, (old, now) -> old.updatedAt().isAfter(now.updatedAt()) && !old.updatedAt().isAfter(trustedUntil)
              ? old : now);
    }
    for (PullRequestEnrichment enrichment : batch.enrichments()) {
      enrichments.computeIfAbsent(batch.repository(), r -> new HashMap<>()).put(enrichment.number(), enrichment);
    }
    for (PullRequestChange change : batch.changes()) {
      if (keys.add(change.key())) {
        long sequence = nextSequence++;
        outbox.put(sequence, new Entry(sequence, change));
      }
    }
  }

  @Override
  public synchronized Map<Integer, PullRequestEnrichment> enrichments(RepositoryId repository,
      Collection<Integer> numbers) {
    Map<Integer, PullRequestEnrichment> stored = enrichments.getOrDefault(repository, Map.of());
    Map<Integer, PullRequestEnrichment> found = new HashMap<>();
    for (Integer number : numbers) {
      if (stored.containsKey(number)) {
        found.put(number, stored.get(number));
      }
    }
    return found;
  }

  @Override
  public synchronized void completePass(RepositoryId repository, ListingCursor cursor, Instant completedAt) {
    states.put(repository, new RepositoryState(repository, cursor, completedAt));
  }

  @Override
  public synchronized List<OutboxEntry> pendingChanges(long afterSequence, int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    List<OutboxEntry> pending = new ArrayList<>();
    for (Entry entry : outbox.tailMap(afterSequence, false).values()) {
      if (entry.deliveredAt == null && pending.size() < limit) {
        pending.add(new OutboxEntry(entry.sequence, entry.change, entry.attempts));
      }
    }
    return pending;
  }

  @Override
  public synchronized void markDelivered(Collection<Long> sequences, Instant deliveredAt) {
    for (Long sequence : sequences) {
      Entry entry = outbox.get(sequence);
      if (entry != null && entry.deliveredAt == null) {
        entry.deliveredAt = deliveredAt;
      }
    }
  }

  @Override
  public synchronized void recordFailedDelivery(Collection<Long> sequences) {
    for (Long sequence : sequences) {
      Entry entry = outbox.get(sequence);
      if (entry != null) {
        entry.attempts++;
      }
    }
  }

  @Override
  public synchronized int purgeDelivered(Instant deliveredBefore) {
    int purged = 0;
    for (Iterator<Entry> it = outbox.values().iterator(); it.hasNext(); ) {
      Entry entry = it.next();
      if (entry.deliveredAt != null && entry.deliveredAt.isBefore(deliveredBefore)) {
        it.remove();
        forget(entry.change.key());
        purged++;
      }
    }
    return purged;
  }

  /** Forgets the key of a purged change. */
  protected void forget(String key) {
    keys.remove(key);
  }

  @Override
  public void ping() {
  }

  @Override
  public void close() {
  }
}
