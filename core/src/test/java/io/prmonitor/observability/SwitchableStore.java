package io.prmonitor.observability;

import io.prmonitor.core.store.InMemoryPullRequestStore;
import io.prmonitor.spi.ListingCursor;
import io.prmonitor.spi.OutboxEntry;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryState;
import io.prmonitor.spi.StoreException;
import io.prmonitor.spi.SyncBatch;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** An in-memory store that a test can make unreachable, as a database that went away would be. */
final class SwitchableStore implements PullRequestStore {

  private final InMemoryPullRequestStore store = new InMemoryPullRequestStore();
  private volatile boolean reachable = true;

  void reachable(boolean reachable) {
    this.reachable = reachable;
  }

  private PullRequestStore store() {
    if (!reachable) {
      throw new StoreException("connection refused (the test made the store unreachable)");
    }
    return store;
  }

  @Override
  public RepositoryState repositoryState(RepositoryId repository) {
    return store().repositoryState(repository);
  }

  @Override
  public Map<Integer, PullRequest> pullRequests(RepositoryId repository, Collection<Integer> numbers) {
    return store().pullRequests(repository, numbers);
  }

  @Override
  public boolean hasPullRequests(RepositoryId repository) {
    return store().hasPullRequests(repository);
  }

  @Override
  public List<PullRequest> allPullRequests(RepositoryId repository) {
    return store().allPullRequests(repository);
  }

  @Override
  public void apply(SyncBatch batch) {
    store().apply(batch);
  }

  @Override
  public void completePass(RepositoryId repository, ListingCursor cursor, Instant completedAt) {
    store().completePass(repository, cursor, completedAt);
  }

  @Override
  public List<OutboxEntry> pendingChanges(long afterSequence, int limit) {
    return store().pendingChanges(afterSequence, limit);
  }

  @Override
  public void markDelivered(Collection<Long> sequences, Instant deliveredAt) {
    store().markDelivered(sequences, deliveredAt);
  }

  @Override
  public void recordFailedDelivery(Collection<Long> sequences) {
    store().recordFailedDelivery(sequences);
  }

  @Override
  public int purgeDelivered(Instant deliveredBefore) {
    return store().purgeDelivered(deliveredBefore);
  }

  @Override
  public void ping() {
    store().ping();
  }

  @Override
  public void close() {
    store.close();
  }
}
