package io.prmonitor.github.http;

import io.prmonitor.spi.GitHubException;
import io.prmonitor.spi.RateLimitStatus;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.OptionalLong;

/** What the client reads from GitHub's response headers: the core rate limit, {@code Retry-After}, {@code Link}. */
public final class ResponseHeaders {

  private ResponseHeaders() {
  }

  /** The core rate limit an answer reports, or null if it reports none (or another resource's). */
  public static RateLimitStatus rateLimit(HttpHeaders headers, String credential) {
    OptionalLong remaining = number(headers, "X-RateLimit-Remaining");
    OptionalLong reset = number(headers, "X-RateLimit-Reset");
    if (remaining.isEmpty() || reset.isEmpty()) {
      return null;
    }
    String resource = headers.firstValue("X-RateLimit-Resource").orElse("core");
    if (!resource.equalsIgnoreCase("core")) {
      return null;
    }
    long limit = number(headers, "X-RateLimit-Limit").orElse(remaining.getAsLong()
        + number(headers, "X-RateLimit-Used").orElse(0));
    return new RateLimitStatus(credential, (int) Math.min(Integer.MAX_VALUE, limit),
        (int) Math.min(Integer.MAX_VALUE, remaining.getAsLong()), Instant.ofEpochSecond(reset.getAsLong()));
  }

  /** {@code Retry-After} in seconds or as an HTTP date; null if absent or unreadable. */
  public static Duration retryAfter(HttpHeaders headers, Clock clock) {
    Optional<String> value = headers.firstValue("Retry-After").map(String::trim);
    if (value.isEmpty()) {
      return null;
    }
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(value.get())));
    } catch (NumberFormatException e) {
      try {
        Instant at = ZonedDateTime.parse(value.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration wait = Duration.between(clock.instant(), at);
        return wait.isNegative() ? Duration.ZERO : wait;
      } catch (DateTimeParseException ignored) {
        return null;
      }
    }
  }

  /**
   * The {@code Link} header of the answer to {@code uri}.
   *
   * @throws GitHubException if it is not valid
   */
  public static LinkHeader links(HttpHeaders headers, int status, URI uri) {
    try {
      return LinkHeader.parse(headers.firstValue("Link").orElse(null));
    } catch (IllegalArgumentException e) {
      throw new GitHubException("invalid Link header in the answer to GET " + uri.getRawPath(), status, e);
    }
  }

  private static OptionalLong number(HttpHeaders headers, String name) {
    Optional<String> value = headers.firstValue(name);
    if (value.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(value.get().trim()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
