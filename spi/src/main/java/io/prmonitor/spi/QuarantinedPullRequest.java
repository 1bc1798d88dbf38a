package io.prmonitor.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A pull request that the reader or the store refused, kept aside so that it alone is lost for now: the rest
 * of its page and repository are synchronized, the processor retries it on every later pass, and the listing
 * cursor never moves past it until it is stored.
 *
 * @param number the pull request's number, positive
 * @param updatedAt the {@code updated_at} of the refused version, or null if it could not be read
 * @param reason what was refused and why (the reader's problem or the store's error), never null
 * @param since when it was first quarantined (kept across retries)
 * @param attempts how many passes refused it, from 1
 */
public record QuarantinedPullRequest(int number, Instant updatedAt, String reason, Instant since, int attempts) {

  public QuarantinedPullRequest {
    if (number <= 0) {
      throw new IllegalArgumentException("pull request number must be positive: " + number);
    }
    Objects.requireNonNull(reason, "null reason");
    Objects.requireNonNull(since, "null since");
    if (attempts <= 0) {
      throw new IllegalArgumentException("attempts must be positive: " + attempts);
    }
  }
}
