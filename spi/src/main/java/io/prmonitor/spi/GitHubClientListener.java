package io.prmonitor.spi;

import java.time.Duration;
import java.time.Instant;

/**
 * Receives what a {@link GitHubClient} observes, for metrics and logs. Every method has a no-op
 * default; implementations must be thread-safe and fast. Arguments never contain a secret, a
 * repository name or a pull request number: {@code endpoint} is a route template such as
 * {@code /repos/{owner}/{repo}/pulls}.
 */
public interface GitHubClientListener {

  /** Does nothing. */
  GitHubClientListener NOOP = new GitHubClientListener() { };

  /**
   * An HTTP response arrived (or a request failed with {@code status} 0).
   *
   * @param charged whether the response counted against the primary rate limit (a 304 does not)
   */
  default void onResponse(String endpoint, int status, boolean charged, Duration elapsed, long bodyBytes) {
  }

  /** A request is retried after {@code delay} because of {@code reason} (a status or an error type). */
  default void onRetry(String endpoint, String reason, int attempt, Duration delay) {
  }

  /** New {@code X-RateLimit-*} values were seen for a credential. */
  default void onRateLimit(RateLimitStatus status) {
  }

  /** A secondary rate limit paused every request of a credential for {@code pause}. */
  default void onSecondaryLimit(String credential, Duration pause) {
  }

  /** A response cache lookup hit or missed. */
  default void onCacheLookup(boolean hit) {
  }
}
