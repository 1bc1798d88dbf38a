package io.prmonitor.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * A capability a {@link PullRequestStore} may have, offered through {@link PullRequestStore#leases()}: time-limited leases on repositories, so
 * that several monitors sharing one store split a fleet of repositories between them without ever
 * synchronizing one repository twice at once, and take over the repositories of a monitor that died.
 *
 * <p>A lease belongs to a worker (a non-blank id of at most 200 characters, unique per running monitor)
 * until it expires, is released, or is renewed further. An expired lease is as good as none: any worker
 * may claim the repository. All instants come from the callers' clocks, so the hosts of a fleet must keep
 * their clocks in step (NTP) to well within the lease duration.
 *
 * <p>Implementations must be thread-safe and safe across processes: two workers claiming at once never
 * both get the same repository. The contract suite in the artifact {@code prmonitor-spi-tck}
 * ({@code RepositoryLeasesContract}) pins the semantics down.
 */
public interface RepositoryLeases {

  /**
   * Claims up to {@code limit} repositories among {@code candidates} that are due and not leased by
   * another worker, and leases them to {@code worker} until {@code now + leaseDuration}.
   *
   * <p>A repository is due when no pass over it has completed, or its last pass completed at or before
   * {@code dueBefore}. Due repositories are claimed oldest first: never completed first, then by the
   * time of the last completed pass, then by name, so none starves. A repository whose lease this
   * worker already holds is not claimed again. Candidates the store has never seen are registered.
   *
   * @param worker the claiming worker's id
   * @param candidates the repositories the worker may take up (its configured fleet, minus any it
   *     wants to leave alone)
   * @param dueBefore the latest completion time at which a repository is due again
   * @param now the current time, against which leases expire
   * @param leaseDuration how long the new leases last, positive
   * @param limit the most repositories to claim, positive
   * @return the claimed repositories' states, oldest first; empty if none is due and free
   * @throws IllegalArgumentException if the worker id is blank or too long, or the duration or limit
   *     is not positive
   * @throws StoreException if the store cannot be read or written
   */
  List<RepositoryState> claimDue(String worker, Collection<RepositoryId> candidates, Instant dueBefore,
      Instant now, Duration leaseDuration, int limit);

  /**
   * Extends the leases {@code worker} still holds on these repositories to {@code now + leaseDuration}.
   *
   * @return the repositories whose lease was extended; the others were lost (expired and taken by
   *     another worker, or released)
   * @throws StoreException if the store cannot be written
   */
  Set<RepositoryId> renew(String worker, Collection<RepositoryId> repositories, Instant now,
      Duration leaseDuration);

  /**
   * Gives up the lease {@code worker} holds on a repository; a lease held by another worker is left
   * alone. Idempotent.
   *
   * @throws StoreException if the store cannot be written
   */
  void release(String worker, RepositoryId repository);

  /**
   * Counts the repositories among {@code candidates} that are due (as in {@link #claimDue}) but leased,
   * until after {@code now}, by a worker other than {@code worker}: work another worker is doing, or
   * will be free once its lease expires.
   *
   * @throws StoreException if the store cannot be read
   */
  LeasedElsewhere leasedElsewhere(String worker, Collection<RepositoryId> candidates, Instant dueBefore,
      Instant now);

  /**
   * Due repositories leased by other workers.
   *
   * @param count how many there are
   * @param earliestExpiry when the first of those leases expires, or null if {@code count} is 0
   */
  record LeasedElsewhere(int count, Instant earliestExpiry) {

    /** None. */
    public static final LeasedElsewhere NONE = new LeasedElsewhere(0, null);

    public LeasedElsewhere {
      if (count < 0) {
        throw new IllegalArgumentException("count cannot be negative: " + count);
      }
      if ((count == 0) != (earliestExpiry == null)) {
        throw new IllegalArgumentException("earliestExpiry must be set exactly when count > 0: "
            + count + ", " + earliestExpiry);
      }
    }
  }
}
