package io.prmonitor.github.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.prmonitor.github.json.GitHubJson;
import io.prmonitor.github.ratelimit.RequestBudget;
import io.prmonitor.spi.RateLimitStatus;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the free {@code GET /rate_limit} for the credential's core budget, at most once per
 * {@link #CHECK_INTERVAL}: the check of a budget reported exhausted until implausibly far ahead.
 * Thread-safe.
 */
final class RateLimitProbe {

  /** The least time between two checks of an implausible reset with {@code GET /rate_limit}. */
  static final Duration CHECK_INTERVAL = Duration.ofMinutes(1);
  static final String RATE_LIMIT_ENDPOINT = "/rate_limit";

  private static final Logger LOG = LoggerFactory.getLogger(RateLimitProbe.class);
  private static final JsonFactory JSON = new JsonFactory();

  private final GitHubConnection connection;
  private final RequestBudget budget;
  /** When {@code GET /rate_limit} was last asked, by the connection's ticker. */
  private final AtomicLong lastCheck;

  RateLimitProbe(GitHubConnection connection, RequestBudget budget) {
    this.connection = connection;
    this.budget = budget;
    this.lastCheck = new AtomicLong(connection.ticker().nanoTime() - CHECK_INTERVAL.toNanos());
  }

  /** Asks {@code GET /rate_limit} and returns its core status; null if not asked, not answered or unreadable. */
  RateLimitStatus check() throws InterruptedException {
    long now = connection.ticker().nanoTime();
    long last = lastCheck.get();
    if (now - last < CHECK_INTERVAL.toNanos() || !lastCheck.compareAndSet(last, now)) {
      return null;
    }
    URI uri = URI.create(connection.base() + RATE_LIMIT_ENDPOINT);
    String credential = connection.credential();
    try {
      long deadline = System.nanoTime() + connection.settings().requestTimeout().toNanos();
      HttpResponse<InputStream> response = connection.http().send(
          RequestExecutor.get(connection, uri, null), BatchedBodyStream.handler(connection.ticker()::nanoTime));
      try (InputStream raw = response.body()) {
        if (raw instanceof BatchedBodyStream batched) {
          batched.deadline(deadline);
        }
        connection.listener().onResponse(RATE_LIMIT_ENDPOINT, response.statusCode(), false, Duration.ZERO, 0);
        if (response.statusCode() != 200) {
          LOG.warn("GET /rate_limit answered HTTP {}; the rate limit of {} stays exhausted until {}",
              response.statusCode(), credential, budget.resetAt());
          return null;
        }
        RateLimitStatus status = coreRateLimit(Bodies.decoded(response.headers(), raw)
            .readNBytes(Bodies.MAX_ERROR_BODY));
        if (status != null) {
          LOG.warn("rate limit of {} was reported exhausted until {}, beyond GitHub's one-hour window; "
              + "GET /rate_limit says {} of {} remain until {}", credential, budget.resetAt(), status.remaining(),
              status.limit(), status.resetAt());
        }
        return status;
      }
    } catch (IOException e) {
      LOG.warn("GET /rate_limit failed ({}); the rate limit of {} stays exhausted until {}", e.toString(),
          credential, budget.resetAt());
      return null;
    }
  }

  /** The {@code rate} (core) object of a {@code /rate_limit} answer, or null if there is none. */
  private RateLimitStatus coreRateLimit(byte[] body) throws IOException {
    long[] values = {-1, -1, -1};
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      GitHubJson.forEachField(p, (name, token) -> {
        if (name.equals("rate") && token == JsonToken.START_OBJECT) {
          GitHubJson.forEachField(p, (field, value) -> {
            int index = switch (field) {
              case "limit" -> 0;
              case "remaining" -> 1;
              case "reset" -> 2;
              default -> -1;
            };
            if (index >= 0 && value == JsonToken.VALUE_NUMBER_INT) {
              values[index] = p.getLongValue();
            } else {
              p.skipChildren();
            }
          });
        } else {
          p.skipChildren();
        }
      });
    }
    if (values[0] < 0 || values[1] < 0 || values[2] < 0) {
      return null;
    }
    return new RateLimitStatus(connection.credential(), (int) Math.min(Integer.MAX_VALUE, values[0]),
        (int) Math.min(Integer.MAX_VALUE, values[1]), Instant.ofEpochSecond(values[2]));
  }
}
