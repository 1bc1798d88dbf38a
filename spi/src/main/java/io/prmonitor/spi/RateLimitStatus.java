package io.prmonitor.spi;

import java.time.Instant;

/**
 * The primary rate limit of one credential as last reported by GitHub's {@code X-RateLimit-*} headers.
 *
 * @param credential a non-secret label of the credential (never the token itself)
 * @param limit requests allowed per window
 * @param remaining requests left in the window
 * @param resetAt when the window resets
 */
public record RateLimitStatus(String credential, int limit, int remaining, Instant resetAt) {

  /**
   * Whether this observation replaces {@code known} as what is known of the credential's budget: a later
   * reset wins (a new window began), and within one window the lower {@code remaining} wins (a window's
   * requests are only ever spent, so the lower figure is the later one; observations arrive out of order).
   * The one merge rule of rate-limit observations: the client's budget and the fleet's shared board follow it
   * (the JDBC store's board in SQL).
   *
   * @param known the status known so far (with a non-null {@code resetAt}), or null, which any observation
   *     replaces
   * @throws NullPointerException if this status's {@code resetAt} is null
   */
  public boolean supersedes(RateLimitStatus known) {
    return known == null || resetAt.isAfter(known.resetAt)
        || (resetAt.equals(known.resetAt) && remaining < known.remaining);
  }
}
