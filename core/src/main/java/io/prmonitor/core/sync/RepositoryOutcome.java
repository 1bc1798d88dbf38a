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
 * @param reason why it failed or was deferred, typed by what the pass does next; null when done
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
    Reason reason,
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

  /**
   * Why a repository did not end {@code DONE}: its kind says what follows (the pass deferring the rest, a
   * deadline letting the repository finish next time), its message is for people (logs, the
   * {@code RunReport}). {@code toString()} is the message.
   *
   * @param kind what ended it
   * @param message the human-readable reason, not blank
   */
  public record Reason(Kind kind, String message) {

    /** What ended a repository's synchronization early. */
    public enum Kind {
      /** The pass deadline passed (between two of its pages, or before it was taken up): deferred. */
      PASS_DEADLINE(true),
      /** GitHub's rate-limit budget ran out: deferred. */
      RATE_LIMIT(true),
      /** GitHub rejected the credentials: failed, and the pass stops. */
      CREDENTIALS_REJECTED(false),
      /** An error of the client or the store: failed. */
      ERROR(false);

      private final boolean defers;

      Kind(boolean defers) {
        this.defers = defers;
      }

      /** Whether it defers the repository (status {@code DEFERRED}) rather than fail it. */
      public boolean defers() {
        return defers;
      }
    }

    public Reason {
      Objects.requireNonNull(kind, "null kind");
      if (message == null || message.isBlank()) {
        throw new IllegalArgumentException("message must not be blank: '" + message + "'");
      }
    }

    /** The pass deadline passed. */
    public static Reason passDeadline() {
      return new Reason(Kind.PASS_DEADLINE, "pass deadline reached");
    }

    /** An error of the client or the store, as {@code SimpleName: message}. */
    public static Reason error(String message) {
      return new Reason(Kind.ERROR, message);
    }

    @Override
    public String toString() {
      return message;
    }
  }

  public RepositoryOutcome {
    Objects.requireNonNull(repository, "null repository");
    Objects.requireNonNull(status, "null status");
    if ((status == Status.DONE) != (reason == null)
        || (reason != null && reason.kind().defers() != (status == Status.DEFERRED))) {
      throw new IllegalArgumentException("a " + status + " outcome cannot have the reason " + (reason == null
          ? "null" : reason.kind() + " (" + reason + ")") + " for " + repository);
    }
    changes = Map.copyOf(changes);
    quarantined = Map.copyOf(quarantined);
  }

  /** An outcome with no quarantined pull request. */
  public RepositoryOutcome(RepositoryId repository, Status status, Reason reason, int pullRequestsSeen,
      int pullRequestsSkipped, Map<ChangeKind, Integer> changes, int requests, int notModified, Duration elapsed,
      String errorType) {
    this(repository, status, reason, pullRequestsSeen, pullRequestsSkipped, changes, requests, notModified,
        elapsed, errorType, Map.of());
  }

  /** Whether it was deferred for this reason. */
  public boolean deferredBy(Reason.Kind kind) {
    return status == Status.DEFERRED && reason.kind() == kind;
  }
}
