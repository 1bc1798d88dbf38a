package io.prmonitor.spi;

import java.time.Instant;

/**
 * A request was not sent, or was refused, because the rate-limit budget is spent (or down to its
 * reserve) until {@link #resetAt()}. The processor defers the affected repositories to a later pass.
 */
public class RateLimitExceededException extends GitHubException {

  private final Instant resetAt;

  public RateLimitExceededException(String message, int status, Instant resetAt) {
    super(message, status);
    this.resetAt = resetAt;
  }

  /** When the budget is expected back; never null. */
  public Instant resetAt() {
    return resetAt;
  }
}
