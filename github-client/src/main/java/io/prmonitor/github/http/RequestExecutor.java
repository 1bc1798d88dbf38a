package io.prmonitor.github.http;

import io.prmonitor.github.ratelimit.RequestBudget;
import io.prmonitor.spi.GitHubClientSettings;
import io.prmonitor.spi.GitHubException;
import io.prmonitor.spi.RateLimitExceededException;
import io.prmonitor.spi.RateLimitStatus;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST request loop of one credential: every GET passes, in order, the cap on requests in flight, the
 * secondary-limit gate (a pause longer than {@link io.prmonitor.github.ratelimit.SecondaryLimitGate#MAX_WAIT}
 * fails unsent with a {@link RateLimitExceededException}), the primary budget (a refusal on a reset more
 * than an hour away is checked with the free {@code GET /rate_limit} first), the {@code 401} hold-back and
 * the server-time pacer; its answer is classified by {@link ResponseClassifier}.
 *
 * <p>Retried, at most {@link GitHubClientSettings#retryMaxAttempts()} tries in all, with the backoff between
 * them: 5xx, connection failures, timeouts (a stalled body included), truncated or malformed bodies, and
 * secondary limits (after the pause, with no extra backoff). A TLS failure is not retried. One redirect is
 * followed. Thread-safe.
 */
public final class RequestExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(RequestExecutor.class);

  private final GitHubConnection connection;
  private final RequestBudget budget;
  private final RateLimitProbe rateLimitProbe;
  private final ResponseClassifier classifier;
  private final AtomicReference<RateLimitStatus> latestRateLimit = new AtomicReference<>();

  /** A loop over {@code connection} that keeps {@link GitHubClientSettings#rateLimitReserve()} unspent. */
  public RequestExecutor(GitHubConnection connection) {
    this.connection = connection;
    GitHubClientSettings settings = connection.settings();
    this.budget = new RequestBudget(connection.credential(), settings.rateLimitReserve(), settings.clock());
    this.rateLimitProbe = new RateLimitProbe(connection, budget);
    this.classifier = new ResponseClassifier(connection);
  }

  /** The REST GET of {@code uri} with the API's headers, conditional on {@code ifNoneMatch} unless null. */
  static HttpRequest get(GitHubConnection connection, URI uri, String ifNoneMatch)
      throws IOException, InterruptedException {
    HttpRequest.Builder builder = connection.requestTo(uri)
        .GET()
        .header("Accept", "application/vnd.github+json")
        .header("X-GitHub-Api-Version", GitHubConnection.API_VERSION);
    if (ifNoneMatch != null) {
      builder.header("If-None-Match", ifNoneMatch);
    }
    return builder.build();
  }

  /**
   * Makes the call, retrying and following one redirect, until it has a final answer.
   *
   * @throws RateLimitExceededException if the budget or a long secondary limit refuses it
   * @throws GitHubException if it failed after the configured retries, or failed in a way not retried
   */
  public <T> Answer<T> execute(Call call, BodyReader<T> reader) {
    int requests = 0;
    int attempts = 0;
    boolean redirected = false;
    URI uri = call.uri();
    int maxAttempts = connection.settings().retryMaxAttempts();
    try {
      while (true) {
        attempts++;
        requests++;
        Outcome<T> outcome = exchange(call, uri, reader);
        switch (outcome) {
          case Outcome.Done<T> done -> {
            return new Answer<>(done.status(), done.value(), done.headers(), requests);
          }
          case Outcome.Redirect<T> redirect -> {
            if (redirected) {
              throw new GitHubException("GET " + call.endpoint() + " redirected more than once", 301);
            }
            redirected = true;
            attempts--;
            LOG.info("following a redirect of {} to {}", uri.getRawPath(), redirect.location().getRawPath());
            uri = redirect.location();
          }
          case Outcome.Retry<T> retry -> {
            if (attempts >= maxAttempts) {
              throw exhausted(call, retry, attempts);
            }
            // After a secondary limit the shared gate already holds every request back for the pause.
            Duration delay = retry.secondaryLimit() ? Duration.ZERO : connection.backoff().delay(attempts);
            connection.listener().onRetry(call.endpoint(), retry.reason(), attempts + 1, delay);
            LOG.warn("retrying GET {} (attempt {} of {}) in {} ms after {}", call.endpoint(), attempts + 1,
                maxAttempts, delay.toMillis(), retry.reason());
            connection.sleeper().sleep(delay);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GitHubException("interrupted during GET " + call.endpoint(), 0, e);
    }
  }

  private GitHubException exhausted(Call call, Outcome.Retry<?> retry, int attempts) {
    String message = "GET " + call.endpoint() + " failed after " + attempts + " attempts: " + retry.reason();
    if (retry.secondaryLimit()) {
      return connection.secondaryLimitOutlasted(message, retry.status());
    }
    return new GitHubException(message, retry.status(), retry.cause());
  }

  private <T> Outcome<T> exchange(Call call, URI uri, BodyReader<T> reader) throws InterruptedException {
    connection.permits().acquire();
    try {
      if (!connection.secondaryLimit().awaitOpen()) {
        throw connection.secondaryLimitTooLong("GET " + call.endpoint());
      }
      acquireBudget();
      Exchange exchange;
      try {
        exchange = connection.begin("GET", call.endpoint(), connection.restPacers());
      } catch (InterruptedException | RuntimeException e) {
        budget.release(null, false);
        throw e;
      }
      RateLimitStatus observed = null;
      try {
        HttpResponse<InputStream> response = exchange.send(get(connection, uri, call.ifNoneMatch()));
        observed = ResponseHeaders.rateLimit(response.headers(), connection.credential());
        try (MeteredInputStream wire = exchange.body(response)) {
          return classifier.classify(call, uri, response, wire, reader, observed);
        }
      } catch (HttpTimeoutException e) {
        return new Outcome.Retry<>(exchange.answered() ? "timeout reading the body" : "timeout", exchange.status(),
            e, false);
      } catch (SSLException e) {
        // a certificate or protocol mismatch does not heal by itself: not retried, and its reason kept
        throw tlsFailure(call, e);
      } catch (IOException e) {
        if (e.getCause() instanceof SSLException tls) {
          throw tlsFailure(call, tls);
        }
        return new Outcome.Retry<>(exchange.answered() ? "body read failed: " + e.getClass().getSimpleName()
            : "connection failed: " + e.getClass().getSimpleName(), exchange.status(), e, false);
      } finally {
        exchange.settle();
        budget.release(observed, exchange.answered());
        exchange.report();
        if (observed != null) {
          latestRateLimit.set(budget.status().orElse(observed));
          connection.listener().onRateLimit(observed);
        }
      }
    } finally {
      connection.permits().release();
    }
  }

  private GitHubException tlsFailure(Call call, SSLException e) {
    return new GitHubException("TLS failure on GET " + call.endpoint() + " to " + connection.baseUrl().getHost()
        + ": " + e.getMessage(), 0, e);
  }

  /**
   * Reserves one request of the primary budget. A refusal on a reset more than an hour away (no GitHub
   * answer says so) is checked with the free {@code GET /rate_limit}, at most once per
   * {@link RateLimitProbe#CHECK_INTERVAL}, and believed only if that confirms it.
   */
  private void acquireBudget() throws InterruptedException {
    try {
      budget.acquire();
    } catch (RateLimitExceededException refused) {
      if (!budget.resetImplausible()) {
        throw refused;
      }
      RateLimitStatus checked = rateLimitProbe.check();
      if (checked == null) {
        throw refused;
      }
      budget.replace(checked);
      latestRateLimit.set(checked);
      budget.acquire();
    }
  }

  /** The latest core rate limit seen, as the budget merged it; empty before any. */
  public List<RateLimitStatus> rateLimits() {
    RateLimitStatus status = latestRateLimit.get();
    return status == null ? List.of() : List.of(status);
  }

  /** Feeds a status of this credential, as another client observed it, into the budget. */
  public void observe(RateLimitStatus status) {
    budget.observe(status);
  }

  /** Requests that could still be sent before dipping into the reserve; see {@link RequestBudget#available()}. */
  public int availableBudget() {
    return budget.available();
  }
}
