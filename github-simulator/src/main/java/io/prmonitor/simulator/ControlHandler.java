package io.prmonitor.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.RepositoryId;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The simulator's control API under {@code /_sim}, so a simulator in another process can be driven by a
 * load test: mutations, ground truth, stats, faults and budgets. Answers only loopback clients (the server
 * binds 127.0.0.1 anyway; this guards against a future bind change). Thread-safe.
 *
 * <ul>
 *   <li>{@code GET /_sim/repositories} - the repository names
 *   <li>{@code GET /_sim/truth/{owner}/{repo}} - the ground truth as a JSON array
 *   <li>{@code GET /_sim/stats}, {@code POST /_sim/reset-stats}
 *   <li>{@code POST /_sim/mutate} with {@code {"op":"editTitle","repo":"o/r","number":5,"value":"t"}}; op is a
 *       mutation method name of {@link GitHubSimulator}; {@code openPullRequest} answers {@code {"number":n}}
 *   <li>{@code POST /_sim/faults} with any of {@code serverErrorRate, connectionResetRate, truncatedBodyRate,
 *       malformedJsonRate, stallRate, secondaryLimitRate} (probabilities), {@code secondaryLimitBurst} (count),
 *       {@code stallMs}, {@code clear} (boolean, applied first), {@code rates} (an object of {@link Fault} name to
 *       probability), {@code failNext} ({@code {"kind":"SERVER_ERROR","count":3}})
 *   <li>{@code POST /_sim/remaining} with {@code {"token":"t","remaining":300}}
 *   <li>{@code GET /_sim/enrichment-truth/{owner}/{repo}} - each pull request's enrichment truth, by number;
 *       {@code GET /_sim/graphql-stats} - the GraphQL endpoint's {@link GraphQlStats}
 *   <li>enrichment mutations: {@code submitReview} ({@code login}, {@code value} a review state),
 *       {@code dismissReview} ({@code login}), {@code addComment}, {@code setCheckRun} ({@code name},
 *       {@code value} a status, {@code conclusion}), {@code setCommitStatus} ({@code name}, {@code value} a
 *       state), {@code setConflicting} ({@code value} true or false)
 * </ul>
 */
final class ControlHandler implements HttpHandler {

  private final ObjectMapper mapper = new ObjectMapper();
  private final GitHubSimulator simulator;

  ControlHandler(GitHubSimulator simulator) {
    this.simulator = simulator;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRemoteAddress().getAddress().isLoopbackAddress()) {
        reply(exchange, 403, Map.of("message", "control endpoints answer loopback clients only"));
        return;
      }
      byte[] input = exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getPath().substring("/_sim".length());
      String method = exchange.getRequestMethod();
      try {
        Object result = dispatch(method, path, input.length == 0 ? mapper.createObjectNode() : mapper.readTree(input));
        if (result == null) {
          reply(exchange, 404, Map.of("message", "Not Found"));
        } else {
          reply(exchange, 200, result);
        }
      } catch (IllegalArgumentException | IllegalStateException | IOException e) {
        reply(exchange, 400, Map.of("message", String.valueOf(e.getMessage())));
      }
    }
  }

  private Object dispatch(String method, String path, JsonNode body) throws IOException {
    if (method.equals("GET") && path.equals("/repositories")) {
      return simulator.repositories().stream().map(RepositoryId::fullName).toList();
    }
    if (method.equals("GET") && path.startsWith("/truth/")) {
      return simulator.truth(RepositoryId.parse(path.substring("/truth/".length()))).stream()
          .map(ControlHandler::truthJson).toList();
    }
    if (method.equals("GET") && path.startsWith("/enrichment-truth/")) {
      Map<String, Object> truth = new TreeMap<>();
      simulator.enrichmentTruth(RepositoryId.parse(path.substring("/enrichment-truth/".length())))
          .forEach((number, e) -> truth.put(Integer.toString(number), Map.of("headSha", e.headSha(),
              "reviewDecision", String.valueOf(e.reviewDecision()), "latestReviews", e.latestReviewsText(),
              "checks", e.checks().name(), "mergeable", e.mergeable().name(), "comments", e.comments())));
      return truth;
    }
    if (method.equals("GET") && path.equals("/graphql-stats")) {
      return simulator.graphqlStats();
    }
    if (method.equals("GET") && path.equals("/stats")) {
      return simulator.stats();
    }
    if (method.equals("POST") && path.equals("/reset-stats")) {
      simulator.resetStats();
      return Map.of("ok", true);
    }
    if (method.equals("POST") && path.equals("/mutate")) {
      return mutate(body);
    }
    if (method.equals("POST") && path.equals("/faults")) {
      faults(body);
      return Map.of("faults", simulator.faults().toString());
    }
    if (path.equals("/webhooks")) {
      if (method.equals("POST")) {
        webhooks(body);
      }
      return simulator.webhooks().stats();
    }
    if (method.equals("POST") && path.equals("/webhooks/redeliver")) {
      if (body.path("dropped").asBoolean(false)) {
        return Map.of("redelivered", simulator.webhooks().redeliverDropped());
      }
      simulator.webhooks().redeliver(text(body, "id"));
      return Map.of("redelivered", 1);
    }
    if (method.equals("POST") && path.equals("/remaining")) {
      simulator.setRemaining(text(body, "token"), body.path("remaining").asInt());
      return Map.of("ok", true);
    }
    return null;
  }

  private Object mutate(JsonNode body) {
    String op = text(body, "op");
    RepositoryId repo = RepositoryId.parse(text(body, "repo"));
    if (op.equals("openPullRequest")) {
      return Map.of("number", simulator.openPullRequest(repo));
    }
    if (op.equals("renameRepository")) {
      simulator.renameRepository(repo, text(body, "value"));
      return Map.of("ok", true);
    }
    int n = body.path("number").asInt();
    JsonNode valueNode = body.get("value");
    String value = valueNode == null || valueNode.isNull() ? null : valueNode.asText();
    switch (op) {
      case "editTitle" -> simulator.editTitle(repo, n, value);
      case "editBody" -> simulator.editBody(repo, n, value);
      case "changeBase" -> simulator.changeBase(repo, n, value);
      case "pushCommits" -> simulator.pushCommits(repo, n);
      case "addLabel" -> simulator.addLabel(repo, n, value);
      case "removeLabel" -> simulator.removeLabel(repo, n, value);
      case "convertToDraft" -> simulator.convertToDraft(repo, n);
      case "markReadyForReview" -> simulator.markReadyForReview(repo, n);
      case "requestReview" -> simulator.requestReview(repo, n, value);
      case "removeReviewRequest" -> simulator.removeReviewRequest(repo, n, value);
      case "requestTeamReview" -> simulator.requestTeamReview(repo, n, value);
      case "removeTeamReviewRequest" -> simulator.removeTeamReviewRequest(repo, n, value);
      case "assign" -> simulator.assign(repo, n, value);
      case "unassign" -> simulator.unassign(repo, n, value);
      case "close" -> simulator.close(repo, n);
      case "merge" -> simulator.merge(repo, n);
      case "reopen" -> simulator.reopen(repo, n);
      case "corruptPullRequest" -> simulator.corruptPullRequest(repo, n, Corruption.valueOf(value));
      case "repairPullRequest" -> simulator.repairPullRequest(repo, n);
      case "submitReview" -> simulator.submitReview(repo, n, text(body, "login"),
          io.prmonitor.spi.ReviewState.valueOf(value));
      case "dismissReview" -> simulator.dismissReview(repo, n, text(body, "login"));
      case "addComment" -> simulator.addComment(repo, n);
      case "setCheckRun" -> simulator.setCheckRun(repo, n, text(body, "name"), value,
          body.path("conclusion").isTextual() ? body.get("conclusion").asText() : null);
      case "setCommitStatus" -> simulator.setCommitStatus(repo, n, text(body, "name"), value);
      case "setConflicting" -> simulator.setConflicting(repo, n, Boolean.parseBoolean(value));
      default -> throw new IllegalArgumentException("unknown op: '" + op + "'");
    }
    return Map.of("ok", true);
  }

  private void faults(JsonNode body) {
    Faults faults = simulator.faults();
    if (body.path("clear").asBoolean(false)) {
      faults.clear();
    }
    ifPresent(body, "serverErrorRate", v -> faults.serverErrorRate(v.asDouble()));
    ifPresent(body, "connectionResetRate", v -> faults.connectionResetRate(v.asDouble()));
    ifPresent(body, "truncatedBodyRate", v -> faults.truncatedBodyRate(v.asDouble()));
    ifPresent(body, "malformedJsonRate", v -> faults.malformedJsonRate(v.asDouble()));
    ifPresent(body, "stallRate", v -> faults.stallRate(v.asDouble()));
    ifPresent(body, "secondaryLimitRate", v -> faults.secondaryLimitRate(v.asDouble()));
    ifPresent(body, "stallMs", v -> faults.stallDuration(Duration.ofMillis(v.asLong())));
    ifPresent(body, "secondaryLimitBurst", v -> faults.secondaryLimitBurst(v.asInt()));
    body.path("rates").properties().forEach(e -> faults.rate(Fault.valueOf(e.getKey()), e.getValue().asDouble()));
    JsonNode next = body.get("failNext");
    if (next != null) {
      faults.failNext(Fault.valueOf(text(next, "kind")), next.path("count").asInt(1));
    }
  }

  static Map<String, Object> truthJson(PullRequest pr) {
    Map<String, Object> m = new TreeMap<>();
    m.put("id", pr.id());
    m.put("number", pr.number());
    m.put("title", pr.title());
    m.put("body", pr.body());
    m.put("state", pr.state().name());
    m.put("draft", pr.draft());
    m.put("author", pr.author());
    m.put("headSha", pr.headSha());
    m.put("headRef", pr.headRef());
    m.put("baseRef", pr.baseRef());
    m.put("labels", pr.labels());
    m.put("assignees", pr.assignees());
    m.put("requestedReviewers", pr.requestedReviewers());
    m.put("createdAt", pr.createdAt().toString());
    m.put("updatedAt", pr.updatedAt().toString());
    m.put("closedAt", pr.closedAt() == null ? null : pr.closedAt().toString());
    m.put("mergedAt", pr.mergedAt() == null ? null : pr.mergedAt().toString());
    return m;
  }

  /** Registers the webhook (when {@code url} is given) and sets the knobs present in the body. */
  private void webhooks(JsonNode body) {
    WebhookSender sender = simulator.webhooks();
    ifPresent(body, "concurrency", v -> sender.concurrency(v.asInt()));
    if (body.has("url")) {
      sender.register(java.net.URI.create(text(body, "url")), text(body, "secret"));
    }
    ifPresent(body, "seed", v -> sender.seed(v.asLong()));
    ifPresent(body, "dropRate", v -> sender.dropRate(v.asDouble()));
    ifPresent(body, "duplicateRate", v -> sender.duplicateRate(v.asDouble()));
    ifPresent(body, "reorderRate", v -> sender.reorderRate(v.asDouble()));
    ifPresent(body, "delayRate",
        v -> sender.delayRate(v.asDouble(), Duration.ofMillis(body.path("maxDelayMs").asLong(2000))));
  }

  /** Hands the body's {@code field} to {@code setter} when the body has it. */
  private static void ifPresent(JsonNode body, String field, java.util.function.Consumer<JsonNode> setter) {
    if (body.has(field)) {
      setter.accept(body.get(field));
    }
  }

  private static String text(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      throw new IllegalArgumentException("missing field: " + field);
    }
    return node.asText();
  }

  private void reply(HttpExchange exchange, int status, Object value) throws IOException {
    byte[] bytes = mapper.writeValueAsBytes(value);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

}
