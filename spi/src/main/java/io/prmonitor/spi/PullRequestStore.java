package io.prmonitor.spi;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Durable state of the monitored repositories: pull request snapshots, per-repository listing cursors,
 * and the outbox of detected changes.
 *
 * <p>Implementations must be thread-safe: the processor calls them from many threads at once, for
 * different repositories. Every method either completes or throws a {@link StoreException} leaving the
 * stored state as it was. The contract test suite {@code PullRequestStoreContract} in the artifact
 * {@code prmonitor-spi-tck} pins the semantics down; an implementation passes it.
 *
 * <p>A store may have capabilities beyond this interface: repository leases ({@link #leases()}), a board of
 * shared rate limits ({@link #rateLimitBoard()}) and a record of webhook deliveries ({@link
 * #webhookDeliveries()}). Each is an accessor with an empty default, so that a wrapper (one that times or
 * observes the calls) passes the capabilities of the store it wraps on by forwarding three accessors, and
 * the processor asks the store, never its class.
 */
public interface PullRequestStore extends AutoCloseable {

  /**
   * How far past the clock an {@code updatedAt} may lie and still be trusted to order snapshots: one
   * later than that is a server's clock glitch (see {@link #apply}).
   */
  java.time.Duration FUTURE_MARGIN = java.time.Duration.ofSeconds(60);


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
   * which is always correct, only slower; a store overrides it with a cheap existence check, which must then
   * be exact: true once a snapshot of the repository was applied, false before.
   */
  default boolean hasPullRequests(RepositoryId repository) {
    return true;
  }

  /**
   * The pages the last discovery of a selector returned, as {@link #saveDiscoveryPages} stored them; empty
   * if none. The default stores nothing and returns an empty list (every discovery is then unconditional).
   *
   * @param selector the selector's name, such as {@code org:NAME}
   */
  default List<DiscoveryPage> discoveryPages(String selector) {
    return List.of();
  }

  /**
   * Replaces the stored pages of a selector's discovery. The default stores nothing.
   *
   * @param selector the selector's name, such as {@code org:NAME}
   */
  default void saveDiscoveryPages(String selector, List<DiscoveryPage> pages) {
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
   * change whose key is already in the outbox is not appended again, so re-applying a batch is harmless. A
   * number the batch holds twice ends with its later snapshot, as if they were applied one after the other.
   * A stored snapshot is never replaced by an older one (an earlier {@code updatedAt}; an equal one replaces
   * it), so a worker that stalled past its lease cannot write what it read over what its successor wrote
   * since, unless the stored {@code updatedAt} lies more than {@link #FUTURE_MARGIN} past the store's clock:
   * such a time (a server's clock glitch) is trusted for nothing and never blocks a later snapshot.
   * Every value a snapshot can hold is stored and read back as it was (any length, any character a Java
   * string holds), and repositories are identified case-insensitively ({@link RepositoryId#equals}).
   */
  void apply(SyncBatch batch);

  /**
   * Records that a pass over the repository completed: stores its new cursor and completion time. Called
   * only after every batch of the pass was applied, so a failed pass leaves the old cursor in place.
   */
  void completePass(RepositoryId repository, ListingCursor cursor, Instant completedAt);

  /**
   * Returns the pull requests of a repository that are quarantined (see {@link QuarantinedPullRequest}),
   * ordered by number. The default answers none: a store that keeps no quarantine still loses nothing, since
   * the processor holds the cursor back for a refused pull request in any case, but its record, attempt
   * count and once-only log do not survive a restart.
   */
  default List<QuarantinedPullRequest> quarantined(RepositoryId repository) {
    return List.of();
  }

  /**
   * Records these pull requests as quarantined, replacing an earlier record of the same number. The default
   * does nothing (see {@link #quarantined}).
   */
  default void quarantine(RepositoryId repository, Collection<QuarantinedPullRequest> entries) {
  }

  /**
   * Forgets the quarantine records of these numbers (they were stored since, or are gone from GitHub);
   * unknown numbers are ignored. The default does nothing (see {@link #quarantined}).
   */
  default void clearQuarantine(RepositoryId repository, Collection<Integer> numbers) {
  }

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
   * Deletes outbox entries delivered before the given instant, and forgets them entirely: a change whose
   * key was purged is no longer deduplicated, so applying it again appends it as a new pending entry (the
   * outbox retention is the window of deduplication, and a store's size stays bounded by it). Pending
   * entries are never purged, however old.
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

  /**
   * The store's repository leases, with which several monitors sharing it split a fleet; empty (the default)
   * when it has none, and a monitor then works alone. The same instance on every call.
   */
  default Optional<RepositoryLeases> leases() {
    return Optional.empty();
  }

  /**
   * The store's board of rate limits shared by the monitors of a fleet; empty (the default) when it has none.
   * The same instance on every call.
   */
  default Optional<SharedRateLimits> rateLimitBoard() {
    return Optional.empty();
  }

  /**
   * The store's record of webhook deliveries already taken up, which webhooks require; empty (the default)
   * when it keeps none. The same instance on every call.
   */
  default Optional<WebhookDeliveries> webhookDeliveries() {
    return Optional.empty();
  }

  /** Releases what the store created (a pool it opened); never what was handed to it. Idempotent. */
  @Override
  void close();
}
