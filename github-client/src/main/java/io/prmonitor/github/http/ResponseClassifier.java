package io.prmonitor.github.http;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.prmonitor.spi.GitHubAuthenticationException;
import io.prmonitor.spi.GitHubException;
import io.prmonitor.spi.RateLimitExceededException;
import io.prmonitor.spi.RateLimitStatus;
import io.prmonitor.spi.RepositoryNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Turns one REST answer into an {@link Outcome}: a parsed 200, a 304 or accepted 404, a redirect to follow
 * on the same origin, a retry (5xx, a secondary limit after tripping the gate), or the typed failure the
 * status means (401 with the credential's hold-back, an exhausted primary limit, 404, anything else).
 */
final class ResponseClassifier {

  private static final Duration DEFAULT_RESET_WAIT = Duration.ofSeconds(60);

  private final GitHubConnection connection;

  ResponseClassifier(GitHubConnection connection) {
    this.connection = connection;
  }

  <T> Outcome<T> classify(Call call, URI uri, HttpResponse<InputStream> response, MeteredInputStream wire,
      BodyReader<T> reader, RateLimitStatus observed) throws IOException {
    int status = response.statusCode();
    HttpHeaders headers = response.headers();
    if (status == 200) {
      connection.secondaryLimit().succeeded();
      return new Outcome.Done<>(status, readBody(call, headers, wire, reader), headers);
    }
    if (status == 304) {
      connection.secondaryLimit().succeeded();
      return new Outcome.Done<>(status, null, headers);
    }
    if (status == 301 || status == 302 || status == 307 || status == 308) {
      wire.readNBytes(Bodies.MAX_ERROR_BODY);
      String location = headers.firstValue("Location").orElseThrow(() -> new GitHubException(
          "GET " + call.endpoint() + " answered " + status + " without a Location", status));
      URI target;
      try {
        target = uri.resolve(location);
      } catch (IllegalArgumentException e) {
        throw new GitHubException("GET " + call.endpoint() + " redirected to an invalid URL", status, e);
      }
      try {
        return new Outcome.Redirect<>(connection.sameOrigin(target));
      } catch (IllegalArgumentException e) {
        throw new GitHubException("GET " + call.endpoint() + " redirected to another origin; not followed: "
            + target, status);
      }
    }
    if (status >= 500) {
      wire.readNBytes(Bodies.MAX_ERROR_BODY);
      return new Outcome.Retry<>("HTTP " + status, status, null, false);
    }
    String message = Bodies.errorMessage(Bodies.decoded(headers, wire));
    String credential = connection.credential();
    return switch (status) {
      case 401 -> {
        connection.authorization().invalidate();
        String text = "GitHub rejected the credentials " + credential + " (HTTP 401 from GET " + call.endpoint()
            + "): " + message;
        if (!connection.isFixedToken()) {
          throw new GitHubAuthenticationException(text, status);
        }
        // Requests behind this one fail unsent for a while that doubles with each rejection, then one
        // probes again: a bad token costs one request per hold, and a transient 401 heals by itself.
        GitHubAuthenticationException rejected = new GitHubAuthenticationException(text, status);
        Duration hold = connection.rejection().rejected(rejected);
        throw new GitHubAuthenticationException(text + "; requests with them are held back for "
            + hold.toSeconds() + " s", status);
      }
      case 403, 429 -> rateLimited(call, status, headers, observed, message);
      case 404 -> {
        if (call.notFoundIsAnswer()) {
          yield new Outcome.Done<>(status, null, headers);
        }
        if (call.repository() != null) {
          throw new RepositoryNotFoundException(call.repository(), status);
        }
        throw new GitHubException("not found (HTTP 404): GET " + uri.getRawPath(), status);
      }
      default -> throw new GitHubException("GET " + call.endpoint() + " failed with HTTP " + status + ": "
          + message, status);
    };
  }

  private <T> Outcome<T> rateLimited(Call call, int status, HttpHeaders headers, RateLimitStatus observed,
      String message) {
    String credential = connection.credential();
    if (observed != null && observed.remaining() == 0) {
      throw new RateLimitExceededException("primary rate limit of " + credential + " exhausted until "
          + observed.resetAt() + " (HTTP " + status + " from GET " + call.endpoint() + ")", status,
          observed.resetAt());
    }
    Duration retryAfter = ResponseHeaders.retryAfter(headers, connection.clock());
    String lower = message.toLowerCase(Locale.ROOT);
    if (retryAfter != null || lower.contains("secondary rate limit") || lower.contains("abuse")) {
      connection.secondaryLimitAnswered("GET " + call.endpoint(), status, retryAfter);
      return new Outcome.Retry<>("secondary rate limit", status, null, true);
    }
    if (status == 429 || lower.contains("rate limit")) {
      Instant resetAt = observed != null ? observed.resetAt()
          : connection.clock().instant().plus(DEFAULT_RESET_WAIT);
      throw new RateLimitExceededException("rate limit of " + credential + " exceeded (HTTP " + status
          + " from GET " + call.endpoint() + "): " + message, status, resetAt);
    }
    throw new GitHubException("GET " + call.endpoint() + " is forbidden (HTTP " + status + "): " + message, status);
  }

  private <T> T readBody(Call call, HttpHeaders headers, MeteredInputStream wire, BodyReader<T> reader)
      throws IOException {
    String contentType = headers.firstValue("Content-Type").orElse("");
    if (!contentType.toLowerCase(Locale.ROOT).contains("json")) {
      throw new GitHubException("GET " + call.endpoint() + " answered with unexpected Content-Type '"
          + contentType + "', expected application/json", 200);
    }
    MeteredInputStream limited = new MeteredInputStream(Bodies.decoded(headers, wire), connection.maxBodyBytes());
    try {
      return reader.read(limited);
    } catch (MeteredInputStream.BodyTooLargeException e) {
      throw new GitHubException("answer to GET " + call.endpoint() + " is too large: " + e.getMessage()
          + " (" + Bodies.MAX_BODY_BYTES_PROPERTY + ")", 200, e);
    } catch (StreamConstraintsException e) {
      throw new GitHubException("answer to GET " + call.endpoint() + " exceeds the JSON limits: "
          + e.getOriginalMessage(), 200, e);
    }
  }
}
