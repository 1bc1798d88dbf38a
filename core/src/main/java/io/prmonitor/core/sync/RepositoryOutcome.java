package io.prmonitor.core.sync;

import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.RepositoryId;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How the synchronization of one repository in one pass ended.
 *
 * @param repository the repository
 * @param status done, failed or deferred
 * @param reason why it failed or was deferred; null when done
 * @param pullRequestsSeen list items read, duplicates from shifted pages included
 * @param pullRequestsSkipped list items that could not be read
 * @param changes changes recorded, by kind
 * @param requests HTTP requests made, retries included
 * @param notModified requests answered {@code 304 Not Modified}
 * @param elapsed wall time spent
 * @param errorType the simple class name of the error that failed it; null unless failed
 * @param quarantined the pull requests the reader or the store refused in this pass, by number, with the
 *     reason; they are retried on later passes and the cursor does not move past them
 */
public record RepositoryOutcome(
    RepositoryId repository,
    Status status,
    String reason,
    int pullRequestsSeen,
    int pullRequestsSkipped,
    Map<ChangeKind, Integer> changes,
    int requests,
    int notModified,
    Duration elapsed,
    String errorType,
    Map<Integer, String> quarantined) {

  /** How a repository's pass ended. */
  public enum Status {
    /** Every page up to the cursor was synchronized and the cursor advanced. */
    DONE,
    /** An error ended it; the cursor did not move, and what was applied stays applied. */
    FAILED,
    /** It was not finished for want of time or rate-limit budget; the next pass takes it up first. */
    DEFERRED
  }

  public RepositoryOutcome {
    Objects.requireNonNull(repository, "null repository");
    Objects.requireNonNull(status, "null status");
    changes = Map.copyOf(changes);
    quarantined = Map.copyOf(quarantined);
  }

  /** An outcome with no quarantined pull request. */
  public RepositoryOutcome(RepositoryId repository, Status status, String reason, int pullRequestsSeen,
      int pullRequestsSkipped, Map<ChangeKind, Integer> changes, int requests, int notModified, Duration elapsed,
      String errorType) {
    this(repository, status, reason, pullRequestsSeen, pullRequestsSkipped, changes, requests, notModified,
        elapsed, errorType, Map.of());
  }
}
