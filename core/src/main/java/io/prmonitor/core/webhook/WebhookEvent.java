package io.prmonitor.core.webhook;

import io.prmonitor.spi.RepositoryId;
import java.time.Instant;
import java.util.List;

/**
 * What one verified delivery says happened, reduced to what a re-read needs: the repository, and the pull
 * requests it names with, where the payload carries them, the {@code updated_at} and head SHA it saw.
 *
 * @param repository the repository the event is about
 * @param kind what kind of state changed
 * @param hints the pull requests named by the payload; empty when it names none (a {@code status} event)
 */
public record WebhookEvent(RepositoryId repository, Kind kind, List<Hint> hints) {

  public WebhookEvent {
    hints = List.copyOf(hints);
  }

  /** What kind of state an event is about; decides how it is re-read. */
  public enum Kind {
    /** {@code pull_request}: fields the pull request list holds. */
    PULL_REQUEST,
    /** {@code pull_request_review*}, {@code issue_comment} on a pull request: review and discussion state. */
    REVIEW,
    /** {@code check_run}, {@code check_suite}, {@code status}: CI state of a commit. */
    CI
  }

  /**
   * A pull request an event names.
   *
   * @param number its number
   * @param updatedAt its {@code updated_at} in the payload, or null if the payload has none
   * @param headSha its head SHA in the payload, or null
   */
  public record Hint(int number, Instant updatedAt, String headSha) {
  }
}
