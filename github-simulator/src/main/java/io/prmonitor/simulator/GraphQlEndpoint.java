package io.prmonitor.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLError;
import graphql.ParseAndValidate;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.language.Document;
import graphql.parser.InvalidSyntaxException;
import graphql.parser.Parser;
import graphql.schema.GraphQLSchema;
import graphql.validation.ValidationError;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * GitHub's GraphQL API ({@code POST /graphql}) over the simulated world, served by graphql-java on
 * {@link GraphQlSchemaSubset}, a subset of GitHub's public schema. A query goes through GitHub's steps in
 * order: authentication, JSON, parse and validation, {@linkplain GraphQlCost cost and pagination rules}, the
 * token's {@linkplain GraphQlBudget secondary limits and primary budget}, the {@linkplain GraphQlTimeout
 * server-time estimate}, then execution by {@link GraphQlFetchers} under the world's read lock;
 * {@link GraphQlResponses} writes each answer.
 *
 * <p>What GitHub documents, and this endpoint does:
 * <ul>
 *   <li>Cost: the requests needed to fulfil each connection, assuming each reaches its {@code first} or
 *   {@code last} limit (a connection under a connection of {@code first: n} counts n times), divided by 100
 *   and rounded, at least 1; {@code rateLimit { cost }} reports it, {@code rateLimit(dryRun: true)} charges
 *   nothing.</li>
 *   <li>Its own primary budget (5,000 points per hour by default), in the {@code X-RateLimit-*} headers with
 *   {@code X-RateLimit-Resource: graphql}; a query its budget cannot pay is answered {@code RATE_LIMITED}.</li>
 *   <li>Secondary limits: 1 point per query within a minute ({@code graphqlPointsPerMinute}, GitHub 2,000), and
 *   two thirds of the REST server-time budget when one is set (GitHub: 60 of the 90 s per 60 s), answered
 *   {@code 403} with {@code Retry-After}.</li>
 *   <li>Connections selecting {@code nodes} need {@code first} or {@code last} in 1..100
 *   ({@code MISSING_PAGINATION_BOUNDARIES}, {@code EXCESSIVE_PAGINATION}); an unknown repository or pull
 *   request is null with a {@code NOT_FOUND} error; parse and validation errors are answered {@code 200} with
 *   {@code errors}, as GitHub does.</li>
 *   <li>A timeout: a query whose server-time estimate (pull requests read x {@code graphqlServerTime}'s
 *   per-pull-request time) reaches the timeout is answered {@code 502} after the timeout, and charged.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
final class GraphQlEndpoint implements HttpHandler {

  private static final String DOCUMENTATION = "https://docs.github.com/graphql";

  private final ObjectMapper mapper = new ObjectMapper();
  private final World world;
  private final Clock clock;
  private final Predicate<String> authorized;
  private final GitHubSimulator.Settings settings;
  private final GraphQLSchema schema;
  private final GraphQL graphql;
  private final GraphQlTimeout timeout;
  private final GraphQlResponses responses;
  private final Map<String, GraphQlBudget> budgets = new ConcurrentHashMap<>();

  private final AtomicLong queries = new AtomicLong();
  private final AtomicLong points = new AtomicLong();
  private final AtomicLong pullRequests = new AtomicLong();
  private final AtomicLong rateLimited = new AtomicLong();
  private final AtomicLong secondaryLimited = new AtomicLong();
  private final AtomicLong timeouts = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong serverNanos = new AtomicLong();

  GraphQlEndpoint(GitHubSimulator.Settings settings, World world, Predicate<String> authorized,
      CountDownLatch closed) {
    this.settings = settings;
    this.world = world;
    this.clock = settings.clock();
    this.authorized = authorized;
    this.timeout = new GraphQlTimeout(settings.enrichment());
    this.responses = new GraphQlResponses(settings, closed);
    this.schema = GraphQlSchemaSubset.executable(new GraphQlFetchers(world));
    // the document was parsed and validated before its cost was charged: execution takes it as it is
    this.graphql = GraphQL.newGraphQL(schema).preparsedDocumentProvider((input, parseAndValidate) ->
        CompletableFuture.completedFuture(new PreparsedDocumentEntry(
            input.getGraphQLContext().<Document>get("document")))).build();
  }

  GraphQlStats stats() {
    return new GraphQlStats(queries.get(), points.get(), pullRequests.get(), rateLimited.get(),
        secondaryLimited.get(), timeouts.get(), errors.get(), serverNanos.get() / 1_000_000);
  }

  void resetStats() {
    for (AtomicLong counter : List.of(queries, points, pullRequests, rateLimited, secondaryLimited, timeouts,
        errors, serverNanos)) {
      counter.set(0);
    }
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    long started = System.nanoTime();
    String token = ApiHandler.token(exchange.getRequestHeaders().getFirst("Authorization"));
    GraphQlBudget budget = budgets.computeIfAbsent(token == null ? "" : token, t -> new GraphQlBudget(settings));
    try (exchange) {
      byte[] input = exchange.getRequestBody().readAllBytes();
      if (!exchange.getRequestURI().getPath().equals("/graphql")) {
        responses.send(exchange, 404, GraphQlResponses.message("Not Found", DOCUMENTATION), null, null);
        return;
      }
      queries.incrementAndGet();
      if (!exchange.getRequestMethod().equalsIgnoreCase("POST")) {
        responses.send(exchange, 404, GraphQlResponses.message("Not Found", DOCUMENTATION), null, null);
        return;
      }
      if (!authorized.test(token)) {
        responses.send(exchange, 401, GraphQlResponses.message("Bad credentials", DOCUMENTATION), null,
            null);
        return;
      }
      JsonNode request;
      try {
        request = mapper.readTree(input);
      } catch (IOException e) {
        request = null;
      }
      if (request == null || !request.isObject() || !request.path("query").isTextual()) {
        errors.incrementAndGet();
        responses.send(exchange, 400, GraphQlResponses.message("Problems parsing JSON",
            "https://docs.github.com/graphql/guides/forming-calls-with-graphql"), budget, null);
        return;
      }
      @SuppressWarnings("unchecked") // a JSON object converts to a map with string keys
      Map<String, Object> variables = request.path("variables").isObject()
          ? mapper.convertValue(request.get("variables"), Map.class) : Map.of();
      answer(exchange, budget, request.get("query").asText(), variables);
    } finally {
      long nanos = System.nanoTime() - started;
      serverNanos.addAndGet(nanos);
      budget.exit(nanos);
    }
  }

  private int answer(HttpExchange exchange, GraphQlBudget budget, String query, Map<String, Object> variables)
      throws IOException {
    Document document;
    try {
      document = Parser.parse(query);
    } catch (InvalidSyntaxException e) {
      errors.incrementAndGet();
      return responses.send(exchange, 200, Map.of("errors", List.of(GraphQlResponses.error(null, e.getMessage(),
          e.getLocation() == null ? List.of() : List.of(e.getLocation()), null))), budget, null);
    }
    List<ValidationError> invalid = ParseAndValidate.validate(schema, document);
    if (!invalid.isEmpty()) {
      errors.incrementAndGet();
      List<Map<String, Object>> list = new ArrayList<>();
      for (ValidationError v : invalid) {
        list.add(GraphQlResponses.error(null, v.getDescription(), v.getLocations(), v.getQueryPath()));
      }
      return responses.send(exchange, 200, Map.of("errors", list), budget, null);
    }
    GraphQlCost cost = new GraphQlCost(schema, document, variables);
    if (!cost.errors.isEmpty()) {
      errors.incrementAndGet();
      return responses.send(exchange, 200, Map.of("errors", cost.errors), budget, null);
    }
    long retryAfter = budget.secondaryRetryAfterSeconds();
    if (retryAfter > 0) {
      secondaryLimited.incrementAndGet();
      Map<String, Object> body = GraphQlResponses.message("You have exceeded a secondary rate limit. Please wait a"
          + " few minutes before you try again. If you reach out to GitHub Support for help, please include the"
          + " request ID " + responses.requestId() + ".", "https://docs.github.com/graphql/overview/rate-limits-"
          + "and-query-limits-for-the-graphql-api#secondary-rate-limits");
      return responses.send(exchange, 403, body, budget, Long.toString(retryAfter));
    }
    if (!cost.dryRun && !budget.tryCharge(cost.cost())) {
      rateLimited.incrementAndGet();
      Map<String, Object> limited = new LinkedHashMap<>();
      limited.put("type", "RATE_LIMITED");
      limited.put("message", "API rate limit already exceeded for user ID "
          + Math.abs(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")).hashCode() % 100_000_000)
          + ".");
      return responses.send(exchange, 200, Map.of("errors", List.of(limited)), budget, null);
    }
    if (!cost.dryRun) {
      points.addAndGet(cost.cost());
    }
    if (timeout.reachedBy(cost.pullRequests)) {
      timeouts.incrementAndGet();
      return timeout.answer(exchange, budget, responses);
    }
    return execute(exchange, budget, query, variables, document, cost);
  }

  /** Runs a query that passed every check and is paid for, and answers its data and errors. */
  private int execute(HttpExchange exchange, GraphQlBudget budget, String query, Map<String, Object> variables,
      Document document, GraphQlCost cost) throws IOException {
    Map<String, Object> rateLimit = budget.rateLimit(cost.cost(), cost.nodes);
    ExecutionResult result;
    world.lock.readLock().lock();
    try {
      result = graphql.execute(ExecutionInput.newExecutionInput().query(query).variables(variables)
          .graphQLContext(Map.of("rateLimit", rateLimit, "now", clock.instant(), "document", document)).build());
    } finally {
      world.lock.readLock().unlock();
    }
    pullRequests.addAndGet(cost.pullRequests);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("data", result.getData());
    if (!result.getErrors().isEmpty()) {
      errors.incrementAndGet();
      List<Map<String, Object>> list = new ArrayList<>();
      for (GraphQLError e : result.getErrors()) {
        Object type = e.getExtensions() == null ? null : e.getExtensions().get("type");
        list.add(GraphQlResponses.error(type == null ? null : type.toString(), e.getMessage(), e.getLocations(),
            e.getPath()));
      }
      body.put("errors", list);
    }
    return responses.send(exchange, 200, body, budget, null);
  }
}
