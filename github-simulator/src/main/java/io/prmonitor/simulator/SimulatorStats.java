package io.prmonitor.simulator;

import java.util.Map;

/**
 * An immutable snapshot of what the simulator has served since it started or since
 * {@link GitHubSimulator#resetStats()}. Counts cover the REST API only, not the {@code /_sim} control endpoints.
 *
 * @param requests every API request received, including those answered with a fault
 * @param notModified requests answered {@code 304 Not Modified} (free)
 * @param charged requests that consumed primary rate-limit budget
 * @param secondaryLimited requests refused by a secondary rate limit (concurrency, server time or a burst)
 * @param primaryLimited requests refused because the token's primary budget was exhausted
 * @param bytesSent response body bytes written, after compression
 * @param serverTimeMillis summed response time of the API requests, in milliseconds: from the request's
 *     arrival until its response was written (added latency included), the time GitHub's server-time secondary
 *     limit counts; a client's floor for a pass under a budget of B per window W is {@code serverTimeMillis * W / B}
 * @param peakConcurrency the most API requests in flight at once
 * @param byEndpoint counts keyed {@code "<method> <route template> <status>"}, for example
 *     {@code "GET /repos/{owner}/{repo}/pulls 200"}; status {@code 0} marks a reset connection
 * @param maxRequestsForOneUrl the most times any one method + path + query was requested: with one pass
 *     between resets, the most attempts a client made for one request
 */
public record SimulatorStats(
    long requests,
    long notModified,
    long charged,
    long secondaryLimited,
    long primaryLimited,
    long bytesSent,
    long serverTimeMillis,
    int peakConcurrency,
    Map<String, Long> byEndpoint,
    long maxRequestsForOneUrl) {

  public SimulatorStats {
    byEndpoint = Map.copyOf(byEndpoint);
  }

  /** Requests to a route template (as in {@code "GET /repos/{owner}/{repo}/pulls"}) with any status. */
  public long requests(String methodAndTemplate) {
    String prefix = methodAndTemplate + " ";
    return byEndpoint.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
        .mapToLong(Map.Entry::getValue).sum();
  }

  /** Requests to a route template (as in {@code "GET /repos/{owner}/{repo}/pulls"}) answered with status. */
  public long requests(String methodAndTemplate, int status) {
    return byEndpoint.getOrDefault(methodAndTemplate + " " + status, 0L);
  }
}
