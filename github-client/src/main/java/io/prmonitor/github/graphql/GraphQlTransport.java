package io.prmonitor.github.graphql;

import io.prmonitor.github.http.Bodies;
import io.prmonitor.github.http.Exchange;
import io.prmonitor.github.http.GitHubConnection;
import io.prmonitor.github.http.MeteredInputStream;
import io.prmonitor.github.http.ResponseHeaders;
import io.prmonitor.github.json.GitHubJson;
import io.prmonitor.github.ratelimit.ServerTimePacer;
import io.prmonitor.github.ratelimit.Ticker;
import io.prmonitor.github.rest.EnrichmentTally;
import io.prmonitor.spi.EnrichmentTarget;
import io.prmonitor.spi.GitHubAuthenticationException;
import io.prmonitor.spi.GitHubClientSettings;
import io.prmonitor.spi.GitHubException;
import io.prmonitor.spi.RateLimitExceededException;
import io.prmonitor.spi.RepositoryId;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enrichment through GraphQL: one {@code POST /graphql} per batch of pull requests of one or more repositories,
 * paced under the GraphQL budget the answers report (never dipping into
 * {@link GitHubClientSettings#rateLimitReserve()} points), GitHub's points per minute, and GraphQL's share of server time (60 of the 90 s per 60 s; the REST
 * pacer counts GraphQL's time too).
 *
 * <p>The batch size adapts to what the server answers: a {@code 502}, {@code 504} or timeout (GitHub's answer
 * past 10 s of server time, which costs points) halves it; after {@value #GROWTH_AFTER} successes it doubles
 * back, but only once 15 minutes passed without a timeout (concurrent repositories would otherwise grow it
 * back together and time out together again). What the budget cannot pay is handed back for REST.
 * Thread-safe: the batch size is shared by every repository.
 */
public final class GraphQlTransport {

  static final String GRAPHQL_ENDPOINT = "/graphql";
  /** Successful GraphQL batches after which a shrunken batch size doubles again. */
  private static final int GROWTH_AFTER = 50;
  private static final long REGROWTH_AFTER_NANOS = Duration.ofMinutes(15).toNanos();
  private static final Logger LOG = LoggerFactory.getLogger(GraphQlTransport.class);

  private final GitHubConnection connection;
  private final GitHubClientSettings settings;
  private final Ticker ticker;
  private final GraphQlEnrichment reader;
  private final URI uri;
  private final GraphQlBudget budget;
  private final GraphQlBudget.PointsPerMinute minute;
  /** REST's pacer (it counts GraphQL's time too), then GraphQL's share; empty with pacing off. */
  private final List<ServerTimePacer> pacers;
  private final AtomicInteger batch = new AtomicInteger(GraphQlEnrichment.MAX_BATCH);
  private final AtomicInteger successes = new AtomicInteger();
  /** The ticker's time of the last timeout; null before any. */
  private final AtomicReference<Long> timedOutAt = new AtomicReference<>();

  public GraphQlTransport(GitHubConnection connection, GitHubJson json) {
    this.connection = connection;
    this.settings = connection.settings();
    this.ticker = connection.ticker();
    this.reader = new GraphQlEnrichment(json);
    this.uri = URI.create(GraphQlEnrichment.endpoint(connection.base()));
    this.budget = new GraphQlBudget(settings.clock());
    this.minute = new GraphQlBudget.PointsPerMinute(GraphQlBudget.POINTS_PER_MINUTE, ticker, connection.sleeper());
    // GitHub lets GraphQL have 60 of the 90 s of server time per 60 s; REST's pacer counts GraphQL's time too
    this.pacers = settings.serverTimeBudget() == null ? List.of() : List.of(connection.pacer(),
        new ServerTimePacer(settings.serverTimeBudget().multipliedBy(2).dividedBy(3), settings.serverTimeWindow(),
            ticker, connection.sleeper()));
  }

  /** The batch size read next: halved on a timeout, doubled back after a run of successes. */
  public int batchSize() {
    return batch.get();
  }

  /**
   * Reads the targets of one or more repositories, batch by batch. A batch may hold several repositories' pull
   * requests, a {@code repository} alias each: a checks-only query costs 1 point whatever it holds, so the CI
   * reads of a fleet cost a point per batch, not one per repository.
   *
   * @param calls counts the queries sent and the points spent
   * @param byRepository each repository's tally (one for every key of {@code targets}): what it read, what a
   *     secondary limit deferred, and what failed ({@link EnrichmentTally#fail}): an error GraphQL answered for
   *     the repository fails its targets only, the others of the batch keep what they read; a batch that fails
   *     as a whole (after the retries, or an error of the whole query) fails it and every batch after it,
   *     keeping what the earlier batches read and the points they spent
   * @return the targets the GraphQL budget cannot pay, by repository, from the first refused batch on; to be read
   *     through REST
   */
  public Map<RepositoryId, List<EnrichmentTarget>> enrich(Map<RepositoryId, List<EnrichmentTarget>> targets,
      EnrichmentTally calls, Map<RepositoryId, EnrichmentTally> byRepository) {
    List<GraphQlEnrichment.Item> all = new ArrayList<>();
    targets.forEach((repository, list) -> all.addAll(GraphQlEnrichment.items(repository, list)));
    List<GraphQlEnrichment.Item> items = all;
    int at = 0;
    int failures = 0;
    while (at < items.size()) {
      int size = Math.min(batch.get(), items.size() - at);
      List<GraphQlEnrichment.Item> part = items.subList(at, at + size);
      String repositories = GraphQlEnrichment.describe(part);
      int cost = GraphQlEnrichment.cost(part);
      String refusal = budget.refusal(cost, settings.rateLimitReserve());
      if (refusal != null) {
        LOG.debug("GraphQL budget cannot pay {} points for {}: {}; reading the rest through REST", cost,
            repositories, refusal);
        return GraphQlEnrichment.byRepository(items.subList(at, items.size()));
      }
      Outcome outcome;
      try {
        outcome = exchange(part);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GitHubException("interrupted during POST " + GRAPHQL_ENDPOINT, 0, e);
      } catch (RateLimitExceededException e) {
        // a secondary-limit pause longer than the client waits: deferred as REST defers, REST is held back too
        deferRateLimited(items.subList(at, items.size()), e, byRepository);
        return Map.of();
      } catch (GitHubAuthenticationException e) {
        throw e;
      } catch (GitHubException e) {
        // any other failed exchange (a 4xx, an unreadable answer): this batch and the rest are read next pass
        fail(items.subList(at, items.size()), e, byRepository);
        return Map.of();
      }
      calls.query();
      if (outcome.answer() != null) {
        GraphQlEnrichment.Answer answer = outcome.answer();
        if (answer.rateLimited()) {
          budget.exhausted();
          continue;
        }
        calls.points(answer.cost() == null ? cost : answer.cost());
        GitHubException whole = queryError(answer, repositories);
        if (whole != null) {
          fail(items.subList(at, items.size()), whole, byRepository);
          return Map.of();
        }
        Map<RepositoryId, GitHubException> failed = repositoryErrors(answer);
        for (GraphQlEnrichment.Read read : answer.read()) {
          if (!failed.containsKey(read.repository())) {
            byRepository.get(read.repository()).read(List.of(read.enrichment()));
          }
        }
        if (failed.isEmpty()) {
          at += size;
        } else {
          // a failed repository's targets of this batch and of the batches after it are read next pass
          List<GraphQlEnrichment.Item> failedItems = new ArrayList<>();
          List<GraphQlEnrichment.Item> rest = new ArrayList<>();
          for (int i = at; i < items.size(); i++) {
            GraphQlEnrichment.Item item = items.get(i);
            if (failed.containsKey(item.repository())) {
              failedItems.add(item);
            } else if (i >= at + size) { // the others' items of this batch are read
              rest.add(item);
            }
          }
          GraphQlEnrichment.byRepository(failedItems).forEach((repository, list) ->
              byRepository.get(repository).fail(list, failed.get(repository)));
          items = rest;
          at = 0;
        }
        failures = 0;
        grow();
        continue;
      }
      // a timeout (502, 504, or no answer in time) costs points on GitHub and says the batch was too big
      failures++;
      successes.set(0);
      if (outcome.timeout()) {
        timedOutAt.set(ticker.nanoTime());
        calls.points(cost);
        int smaller = Math.max(1, size / 2);
        batch.getAndUpdate(b -> Math.min(b, smaller));
      }
      if (failures >= settings.retryMaxAttempts() && (size == 1 || !outcome.timeout())) {
        String message = "POST " + GRAPHQL_ENDPOINT + " for " + repositories + " failed after " + failures
            + " attempts: " + outcome.reason();
        if (outcome.secondaryLimit()) {
          // deferred as REST defers a secondary limit that outlasts the retries, until the gate reopens
          deferRateLimited(items.subList(at, items.size()),
              connection.secondaryLimitOutlasted(message, outcome.status()), byRepository);
        } else {
          fail(items.subList(at, items.size()), new GitHubException(message, outcome.status()), byRepository);
        }
        return Map.of();
      }
      Duration delay = outcome.secondaryLimit() || outcome.timeout() ? Duration.ZERO
          : connection.backoff().delay(failures);
      connection.listener().onRetry(GRAPHQL_ENDPOINT, outcome.reason(), failures + 1, delay);
      try {
        connection.sleeper().sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GitHubException("interrupted during POST " + GRAPHQL_ENDPOINT, 0, e);
      }
    }
    return Map.of();
  }

  private static void deferRateLimited(List<GraphQlEnrichment.Item> items, RateLimitExceededException refusal,
      Map<RepositoryId, EnrichmentTally> byRepository) {
    GraphQlEnrichment.byRepository(items)
        .forEach((repository, list) -> byRepository.get(repository).deferRateLimited(list, refusal));
  }

  private static void fail(List<GraphQlEnrichment.Item> items, GitHubException failure,
      Map<RepositoryId, EnrichmentTally> byRepository) {
    GraphQlEnrichment.byRepository(items)
        .forEach((repository, list) -> byRepository.get(repository).fail(list, failure));
  }

  /** The first error of the whole query (its path names no repository of the batch), or null when none is. */
  private static GitHubException queryError(GraphQlEnrichment.Answer answer, String repositories) {
    for (GraphQlEnrichment.Error error : answer.errors()) {
      if (error.repository() == null && !error.notFound()) {
        return new GitHubException("POST " + GRAPHQL_ENDPOINT + " answered an error for " + repositories + ": "
            + error.type() + " " + Bodies.abbreviate(error.message()), 200);
      }
    }
    return null;
  }

  /**
   * The repositories an error other than {@code NOT_FOUND} names (SAML enforcement, an IP allow list: {@code
   * FORBIDDEN}), each with its first error; the other repositories of the batch keep what they read.
   */
  private static Map<RepositoryId, GitHubException> repositoryErrors(GraphQlEnrichment.Answer answer) {
    Map<RepositoryId, GitHubException> failed = new LinkedHashMap<>();
    for (GraphQlEnrichment.Error error : answer.errors()) {
      if (error.repository() != null && !error.notFound()) {
        failed.putIfAbsent(error.repository(), new GitHubException("POST " + GRAPHQL_ENDPOINT
            + " answered an error for " + error.repository() + ": " + error.type() + " "
            + Bodies.abbreviate(error.message()), 200));
      }
    }
    return failed;
  }

  private void grow() {
    Long last = timedOutAt.get();
    boolean mayGrow = last == null || ticker.nanoTime() - last >= REGROWTH_AFTER_NANOS;
    if (successes.incrementAndGet() >= GROWTH_AFTER && mayGrow && batch.get() < GraphQlEnrichment.MAX_BATCH) {
      successes.set(0);
      batch.getAndUpdate(b -> Math.min(GraphQlEnrichment.MAX_BATCH, b * 2));
    }
  }

  /** One exchange: an answer, or why to try again (a timeout shrinks the batch). */
  private record Outcome(GraphQlEnrichment.Answer answer, boolean timeout, boolean secondaryLimit, String reason,
      int status) {
  }

  private Outcome exchange(List<GraphQlEnrichment.Item> part) throws InterruptedException {
    connection.permits().acquire();
    try {
      if (!connection.secondaryLimit().awaitOpen()) {
        throw connection.secondaryLimitTooLong("POST " + GRAPHQL_ENDPOINT);
      }
      minute.acquire();
      // after a 401 the token's requests are held back, GraphQL's too, until one probes it again
      Exchange exchange = connection.begin("POST", GRAPHQL_ENDPOINT, pacers);
      try {
        HttpRequest request = connection.requestTo(uri)
            .POST(HttpRequest.BodyPublishers.ofString(GraphQlEnrichment.requestBody(part)))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .build();
        HttpResponse<InputStream> response = exchange.send(request);
        budget.observe(response.headers());
        try (MeteredInputStream wire = exchange.body(response)) {
          return answer(response.statusCode(), response.headers(), wire, part);
        }
      } catch (HttpTimeoutException e) {
        return new Outcome(null, true, false, exchange.answered() ? "timeout reading the body" : "timeout",
            exchange.status());
      } catch (IOException e) {
        return new Outcome(null, false, false, (exchange.answered() ? "body read failed: " : "connection failed: ")
            + e.getClass().getSimpleName(), exchange.status());
      } finally {
        exchange.settle();
        exchange.report();
      }
    } finally {
      connection.permits().release();
    }
  }

  /** What an answer means: read, a timeout (502, 504), another 5xx, a secondary limit, or a typed failure. */
  private Outcome answer(int status, HttpHeaders headers, MeteredInputStream wire, List<GraphQlEnrichment.Item> part)
      throws IOException {
    InputStream body = new MeteredInputStream(Bodies.decoded(headers, wire), connection.maxBodyBytes());
    if (status == 200) {
      connection.secondaryLimit().succeeded();
      GraphQlEnrichment.Answer answer = reader.read(body, part);
      budget.observe(answer.remaining(), answer.resetAt());
      return new Outcome(answer, false, false, null, status);
    }
    if (status == 502 || status == 504) {
      body.readNBytes(Bodies.MAX_ERROR_BODY);
      return new Outcome(null, true, false, "HTTP " + status + " (timeout)", status);
    }
    if (status >= 500) {
      body.readNBytes(Bodies.MAX_ERROR_BODY);
      return new Outcome(null, false, false, "HTTP " + status, status);
    }
    String message = Bodies.errorMessage(body);
    String credential = connection.credential();
    if (status == 401) {
      connection.authorization().invalidate();
      GitHubAuthenticationException failure = new GitHubAuthenticationException("GitHub rejected the "
          + "credentials " + credential + " (HTTP 401 from POST " + GRAPHQL_ENDPOINT + "): " + message, status);
      if (connection.isFixedToken()) {
        connection.rejection().rejected(failure);
      }
      throw failure;
    }
    Duration retryAfter = ResponseHeaders.retryAfter(headers, settings.clock());
    if ((status == 403 || status == 429) && (retryAfter != null
        || message.toLowerCase(Locale.ROOT).contains("secondary rate limit"))) {
      connection.secondaryLimitAnswered("POST " + GRAPHQL_ENDPOINT, status, retryAfter);
      return new Outcome(null, false, true, "secondary rate limit", status);
    }
    throw new GitHubException("POST " + GRAPHQL_ENDPOINT + " failed with HTTP " + status + ": " + message, status);
  }
}
