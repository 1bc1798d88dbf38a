package io.prmonitor.simulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GitHub's GraphQL timeout, simulated: a query's server-time estimate is the pull requests it reads times
 * {@code graphqlServerTime}'s per-pull-request time (zero turns the timeout off); a query whose estimate reaches
 * the timeout is answered {@code 502} with GitHub's message once the timeout has passed. Thread-safe.
 */
final class GraphQlTimeout {

  private final Duration perPullRequest;
  private final Duration timeout;

  GraphQlTimeout(GitHubSimulator.EnrichmentSettings enrichment) {
    this.perPullRequest = enrichment.graphqlTimePerPullRequest();
    this.timeout = enrichment.graphqlTimeout();
  }

  /** Whether a query reading {@code pullRequests} pull requests would run into the timeout. */
  boolean reachedBy(long pullRequests) {
    return !perPullRequest.isZero() && perPullRequest.multipliedBy(pullRequests).compareTo(timeout) >= 0;
  }

  /**
   * Waits the timeout, then answers {@code 502} as GitHub does.
   *
   * @return the status sent, or 0 when the simulator closed during the wait and nothing was sent
   */
  int answer(HttpExchange exchange, GraphQlBudget budget, GraphQlResponses responses) throws IOException {
    if (!responses.waitNanos(timeout.toNanos())) {
      return 0;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("data", null);
    body.put("errors", List.of(Map.of("message", "Something went wrong while executing your query. This may be"
        + " the result of a timeout, or it could be a GitHub bug. Please include `" + responses.requestId()
        + "` when reporting this issue.")));
    return responses.send(exchange, 502, body, budget, null);
  }
}
