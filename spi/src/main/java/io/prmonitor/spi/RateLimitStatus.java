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
}
