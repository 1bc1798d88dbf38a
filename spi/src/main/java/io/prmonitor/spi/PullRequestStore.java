package io.prmonitor.spi;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Durable state of the monitored repositories: pull request snapshots, per-repository listing cursors,
 * and the outbox of detected changes.
 *
 * <p>Implementations must be thread-safe: the processor calls them from many threads at once, for
 * different repositories. Every method either completes or throws a {@link StoreException} leaving the
 * stored state as it was. The contract test suite in this module's test-jar
 * ({@code PullRequestStoreContract}) pins the semantics down; an implementation passes it.
 */
public interface PullRequestStore extends AutoCloseable {

  /**
   * Returns what the store remembers about a repository, or {@link RepositoryState#initial} if nothing.
   */
  RepositoryState repositoryState(RepositoryId repository);

  /**
   * Returns the stored snapshots of the given pull requests, keyed by number; numbers not stored are
   * absent from the map.
   */
  Map<Integer, PullRequest> pullRequests(RepositoryId repository, Collection<Integer> numbers);

  /**
   * Whether the store holds at least one snapshot of the repository. The processor asks once at the start
   * of a repository's first pass when that pass reports nothing new: when the store holds none, the pass
   * looks up only the pull requests it reads a second time, not every page's. The default answers true,
   * which is always correct, only slower; a store overrides it with a cheap existence check.
   */
  default boolean hasPullRequests(RepositoryId repository) {
    return true;
  }

  /**
   * Returns the stored enrichments of the given pull requests, keyed by number; numbers without one are
   * absent from the map.
   */
  Map<Integer, PullRequestEnrichment> enrichments(RepositoryId repository, Collection<Integer> numbers);

  /**
   * Returns the stored snapshots of a repository's open pull requests, ordered by number: the ones whose CI
   * state and mergeability each pass reads again. The default filters {@link #allPullRequests}; a store
   * overrides it with a query that reads only open ones.
   */
  default List<PullRequest> openPullRequests(RepositoryId repository) {
    return allPullRequests(repository).stream().filter(PullRequest::isOpen).toList();
  }

  /** Returns every stored snapshot of a repository, ordered by number. Meant for checks and tools. */
  List<PullRequest> allPullRequests(RepositoryId repository);

  /**
   * Atomically upserts the batch's snapshots and enrichments and appends its changes to the outbox. A
   * change whose key is already in the outbox is not appended again, so re-applying a batch is harmless.
   */
  void apply(SyncBatch batch);

  /**
   * Records that a pass over the repository completed: stores its new cursor and completion time. Called
   * only after every batch of the pass was applied, so a failed pass leaves the old cursor in place.
   */
  void completePass(RepositoryId repository, ListingCursor cursor, Instant completedAt);

  /**
   * Returns up to {@code limit} undelivered outbox entries whose sequence is greater than
   * {@code afterSequence}, in sequence order. Pass 0 to start at the beginning; pass the last sequence
   * returned to page on past entries that stay pending (a listener keeps failing on them).
   *
   * @throws IllegalArgumentException if {@code limit} is not positive
   */
  List<OutboxEntry> pendingChanges(long afterSequence, int limit);

  /** Marks the entries with these sequences delivered; unknown or already delivered ones are ignored. */
  void markDelivered(Collection<Long> sequences, Instant deliveredAt);

  /** Counts one more failed delivery attempt for each of these entries. */
  void recordFailedDelivery(Collection<Long> sequences);

  /**
   * Deletes outbox entries delivered before the given instant.
   *
   * @return how many entries were deleted
   */
  int purgeDelivered(Instant deliveredBefore);

  /**
   * Verifies that the store can be reached, for health checks.
   *
   * @throws StoreException if it cannot
   */
  void ping();

  /** Releases what the store created (a pool it opened); never what was handed to it. Idempotent. */
  @Override
  void close();
}
