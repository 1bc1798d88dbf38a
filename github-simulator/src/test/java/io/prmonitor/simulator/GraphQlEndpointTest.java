package io.prmonitor.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.PullRequestState;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.ReviewState;
import io.prmonitor.spi.testing.MutableClock;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code POST /graphql}: GitHub's schema names, cost rule, budget, headers, errors, secondary limit and timeout. */
class GraphQlEndpointTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));
  private GitHubSimulator sim;

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  private GitHubSimulator start(GitHubSimulator.Builder builder) {
    sim = builder.repositories(2).pullRequestsPerRepository(150).clock(clock).tokens("t1").start();
    return sim;
  }

  private HttpResponse<byte[]> post(String query) {
    ObjectNode body = Http.JSON.createObjectNode().put("query", query);
    return Http.post(sim, "/graphql", body.toString(), "Authorization", "bearer t1");
  }

  /** One aliased pull request per number, with what enrichment reads. */
  private static String enrichmentQuery(RepositoryId repo, List<Integer> numbers) {
    StringBuilder q = new StringBuilder("query { rateLimit { cost remaining limit used nodeCount resetAt } r0: "
        + "repository(owner: \"" + repo.owner() + "\", name: \"" + repo.name() + "\") {");
    for (int n : numbers) {
      q.append(" p").append(n).append(": pullRequest(number: ").append(n).append(") { number updatedAt headRefOid"
          + " mergeable reviewDecision totalCommentsCount comments { totalCount } latestReviews(first: 100) { nodes { state author"
          + " { login } } } commits(last: 1) { nodes { commit { oid statusCheckRollup { state } } } } }");
    }
    return q.append(" } }").toString();
  }

  @Test
  void enrichmentQuery_answersEveryPullRequestAsTheTruthHasIt() {
    start(GitHubSimulator.builder());
    RepositoryId repo = sim.repositories().get(0);
    List<Integer> numbers = sim.truth(repo).stream().map(PullRequest::number).limit(100).toList();

    JsonNode data = Http.json(post(enrichmentQuery(repo, numbers))).get("data");

    Map<Integer, PullRequestEnrichment> truth = sim.enrichmentTruth(repo);
    Map<Integer, PullRequestState> states = sim.truth(repo).stream()
        .collect(Collectors.toMap(PullRequest::number, PullRequest::state));
    for (int n : numbers) {
      JsonNode pr = data.get("r0").get("p" + n);
      PullRequestEnrichment expected = truth.get(n);
      assertThat(pr.get("headRefOid").asText()).isEqualTo(expected.headSha());
      assertThat(pr.get("reviewDecision").asText()).isEqualTo(expected.reviewDecision().name());
      assertThat(pr.get("totalCommentsCount").asInt()).isEqualTo(expected.comments());
      assertThat(pr.get("comments").get("totalCount").asInt()).isLessThanOrEqualTo(expected.comments());
      JsonNode rollup = pr.get("commits").get("nodes").get(0).get("commit").get("statusCheckRollup");
      assertThat(rollup.isNull() ? "NONE" : rollup.get("state").asText()).isEqualTo(expected.checks().name());
      Map<String, String> reviews = new java.util.TreeMap<>();
      pr.get("latestReviews").get("nodes").forEach(r -> reviews.put(r.get("author").get("login").asText(),
          r.get("state").asText()));
      assertThat(reviews).isEqualTo(expected.latestReviews().entrySet().stream()
          .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().name())));
      assertThat(pr.get("mergeable").asText()).isEqualTo(
          states.get(n) == PullRequestState.OPEN ? expected.mergeable().name() : "UNKNOWN");
    }
  }

  @Test
  void cost_followsGitHubsRule_andIsChargedToTheGraphqlBudget() {
    start(GitHubSimulator.builder().graphqlBudgetPerHour(1_000));
    RepositoryId repo = sim.repositories().get(0);
    List<Integer> hundred = java.util.stream.IntStream.rangeClosed(1, 100).boxed().toList();

    // 100 pull requests x 3 connections = 300 requests / 100 = 3 points
    HttpResponse<byte[]> full = post(enrichmentQuery(repo, hundred));
    // 100 x commits(last: 1) = 100 requests = 1 point
    StringBuilder ci = new StringBuilder("{ rateLimit { cost remaining } r: repository(owner: \"" + repo.owner()
        + "\", name: \"" + repo.name() + "\") {");
    hundred.forEach(n -> ci.append(" p").append(n).append(": pullRequest(number: ").append(n)
        .append(") { mergeable commits(last: 1) { nodes { commit { statusCheckRollup { state } } } } }"));
    HttpResponse<byte[]> checksOnly = post(ci.append(" } }").toString());
    // a nested connection counts once per parent item: 1 + 10 requests, rounded to the minimum of 1
    HttpResponse<byte[]> small = post("{ rateLimit { cost } r: repository(owner: \"" + repo.owner() + "\", name: \""
        + repo.name() + "\") { pullRequest(number: 1) { number } } }");

    assertThat(Http.json(full).get("data").get("rateLimit").get("cost").asInt()).isEqualTo(3);
    assertThat(Http.json(full).get("data").get("rateLimit").get("remaining").asInt()).isEqualTo(997);
    assertThat(Http.json(checksOnly).get("data").get("rateLimit").get("cost").asInt()).isEqualTo(1);
    assertThat(Http.json(small).get("data").get("rateLimit").get("cost").asInt()).isEqualTo(1);
    assertThat(Http.header(small, "X-RateLimit-Resource")).isEqualTo("graphql");
    assertThat(Http.header(small, "X-RateLimit-Remaining")).isEqualTo("995");
    assertThat(Http.header(small, "X-RateLimit-Used")).isEqualTo("5");
    assertThat(sim.graphqlStats().points()).isEqualTo(5);
    assertThat(sim.graphqlStats().pullRequests()).isEqualTo(201);
    assertThat(sim.stats().requests()).as("REST counters untouched").isZero();
  }

  @Test
  void severalRepositoryAliases_answerEach_andCostByTheirConnectionsTogether() {
    start(GitHubSimulator.builder().graphqlServerTime(Duration.ofMillis(1), Duration.ofSeconds(10)));
    RepositoryId first = sim.repositories().get(0);
    RepositoryId second = sim.repositories().get(1);
    // the CI state of 150 pull requests in each repository: aliases and object(oid:) are no connections
    StringBuilder checks = new StringBuilder("{ rateLimit { cost } ");
    StringBuilder reviews = new StringBuilder("{ rateLimit { cost } ");
    int alias = 0;
    for (RepositoryId repo : List.of(first, second)) {
      String header = "r" + alias++ + ": repository(owner: \"" + repo.owner() + "\", name: \"" + repo.name() + "\") {";
      checks.append(header);
      reviews.append(header);
      for (PullRequest pr : sim.truth(repo)) {
        checks.append(" p").append(pr.number()).append(": pullRequest(number: ").append(pr.number())
            .append(") { number mergeable } c").append(pr.number()).append(": object(oid: \"").append(pr.headSha())
            .append("\") { ... on Commit { statusCheckRollup { state } } }");
        if (pr.number() <= 75) {
          reviews.append(" p").append(pr.number()).append(": pullRequest(number: ").append(pr.number())
              .append(") { latestReviews(first: 100) { nodes { state } } }");
        }
      }
      checks.append(" }");
      reviews.append(" }");
    }

    JsonNode checksData = Http.json(post(checks.append(" }").toString())).get("data");
    JsonNode reviewsData = Http.json(post(reviews.append(" }").toString())).get("data");

    assertThat(checksData.get("rateLimit").get("cost").asInt()).as("300 pull requests, no connection").isEqualTo(1);
    // 2 x 75 latestReviews connections: 150 requests / 100 rounds to 2
    assertThat(reviewsData.get("rateLimit").get("cost").asInt()).isEqualTo(2);
    alias = 0;
    for (RepositoryId repo : List.of(first, second)) {
      JsonNode answered = checksData.get("r" + alias++);
      Map<Integer, PullRequestEnrichment> truth = sim.enrichmentTruth(repo);
      for (PullRequest pr : sim.truth(repo)) {
        JsonNode rollup = answered.get("c" + pr.number()).get("statusCheckRollup");
        assertThat(rollup.isNull() ? "NONE" : rollup.get("state").asText()).as("%s#%d", repo, pr.number())
            .isEqualTo(truth.get(pr.number()).checks().name());
      }
    }
    assertThat(sim.graphqlStats().pullRequests()).as("the server-time estimate counts both repositories'")
        .isEqualTo(300 + 150);
  }

  @Test
  void dryRun_chargesNothing() {
    start(GitHubSimulator.builder());
    RepositoryId repo = sim.repositories().get(0);

    JsonNode rate = Http.json(post("{ rateLimit(dryRun: true) { cost remaining } r: repository(owner: \""
        + repo.owner() + "\", name: \"" + repo.name() + "\") { pullRequest(number: 2) { number } } }"));

    assertThat(rate.get("data").get("rateLimit").get("remaining").asInt()).isEqualTo(5_000);
    assertThat(sim.graphqlStats().points()).isZero();
  }

  @Test
  void exhaustedBudget_answersRateLimited() {
    start(GitHubSimulator.builder().graphqlBudgetPerHour(4));
    RepositoryId repo = sim.repositories().get(0);
    String query = enrichmentQuery(repo, java.util.stream.IntStream.rangeClosed(1, 100).boxed().toList());

    assertThat(post(query).statusCode()).isEqualTo(200);
    HttpResponse<byte[]> refused = post(query);

    JsonNode error = Http.json(refused).get("errors").get(0);
    assertThat(error.get("type").asText()).isEqualTo("RATE_LIMITED");
    assertThat(Http.header(refused, "X-RateLimit-Remaining")).isEqualTo("1");
    assertThat(sim.graphqlStats().rateLimited()).isEqualTo(1);
    clock.advance(Duration.ofHours(1));
    assertThat(Http.json(post(query)).has("errors")).isFalse();
  }

  @Test
  void missingAndExcessivePagination_areGitHubErrors() {
    start(GitHubSimulator.builder());
    RepositoryId repo = sim.repositories().get(0);
    String prefix = "{ repository(owner: \"" + repo.owner() + "\", name: \"" + repo.name() + "\") { pullRequest("
        + "number: 1) { ";

    JsonNode missing = Http.json(post(prefix + "latestReviews { nodes { state } } } } }")).get("errors").get(0);
    JsonNode excessive = Http.json(post(prefix + "latestReviews(first: 101) { nodes { state } } } } }"))
        .get("errors").get(0);
    JsonNode countOnly = Http.json(post(prefix + "comments { totalCount } } } }"));

    assertThat(missing.get("type").asText()).isEqualTo("MISSING_PAGINATION_BOUNDARIES");
    assertThat(missing.get("message").asText()).contains("`latestReviews`");
    assertThat(excessive.get("type").asText()).isEqualTo("EXCESSIVE_PAGINATION");
    assertThat(excessive.get("message").asText()).contains("101");
    assertThat(countOnly.has("errors")).isFalse();
    assertThat(sim.graphqlStats().points()).as("refused queries are free").isEqualTo(1);
  }

  @Test
  void unknownRepositoryAndPullRequest_areNullWithNotFound() {
    start(GitHubSimulator.builder());
    RepositoryId repo = sim.repositories().get(0);

    JsonNode noRepo = Http.json(post("{ repository(owner: \"nobody\", name: \"none\") { name } }"));
    JsonNode noPr = Http.json(post("{ repository(owner: \"" + repo.owner() + "\", name: \"" + repo.name()
        + "\") { pullRequest(number: 99999) { number } } }"));

    assertThat(noRepo.get("data").get("repository").isNull()).isTrue();
    assertThat(noRepo.get("errors").get(0).get("type").asText()).isEqualTo("NOT_FOUND");
    assertThat(noRepo.get("errors").get(0).get("message").asText())
        .isEqualTo("Could not resolve to a Repository with the name 'nobody/none'.");
    assertThat(noPr.get("errors").get(0).get("path").toString()).isEqualTo("[\"repository\",\"pullRequest\"]");
  }

  @Test
  void syntaxAndUnknownFields_areAnsweredWithErrors() {
    start(GitHubSimulator.builder());

    HttpResponse<byte[]> syntax = post("{ repository(owner: ");
    HttpResponse<byte[]> unknown = post("{ viewer { login } }");
    HttpResponse<byte[]> notJson = Http.post(sim, "/graphql", "{", "Authorization", "bearer t1");
    HttpResponse<byte[]> anonymous = Http.post(sim, "/graphql", "{\"query\":\"{ rateLimit { cost } }\"}");

    assertThat(syntax.statusCode()).isEqualTo(200);
    assertThat(Http.json(syntax).get("errors").get(0).get("message").asText()).isNotEmpty();
    assertThat(Http.json(unknown).get("errors").get(0).get("message").asText()).contains("viewer");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(Http.json(notJson).get("message").asText()).isEqualTo("Problems parsing JSON");
    assertThat(anonymous.statusCode()).isEqualTo(401);
  }

  @Test
  void pointsPerMinute_answersSecondaryLimitWithRetryAfter() {
    start(GitHubSimulator.builder().graphqlPointsPerMinute(3));

    for (int i = 0; i < 3; i++) {
      assertThat(post("{ rateLimit { cost } }").statusCode()).isEqualTo(200);
    }
    HttpResponse<byte[]> limited = post("{ rateLimit { cost } }");

    assertThat(limited.statusCode()).isEqualTo(403);
    assertThat(Http.json(limited).get("message").asText()).contains("secondary rate limit");
    assertThat(Long.parseLong(Http.header(limited, "Retry-After"))).isBetween(1L, 60L);
    assertThat(sim.graphqlStats().secondaryLimited()).isEqualTo(1);
  }

  @Test
  void queryEstimatedPastTheTimeout_answers502AndIsCharged_smallerOneSucceeds() {
    start(GitHubSimulator.builder().graphqlServerTime(Duration.ofMillis(1), Duration.ofMillis(50)));
    RepositoryId repo = sim.repositories().get(0);

    HttpResponse<byte[]> big = post(enrichmentQuery(repo, java.util.stream.IntStream.rangeClosed(1, 50)
        .boxed().toList()));
    HttpResponse<byte[]> smaller = post(enrichmentQuery(repo, java.util.stream.IntStream.rangeClosed(1, 49)
        .boxed().toList()));

    assertThat(big.statusCode()).isEqualTo(502);
    assertThat(Http.json(big).get("errors").get(0).get("message").asText()).contains("timeout");
    assertThat(smaller.statusCode()).isEqualTo(200);
    assertThat(sim.graphqlStats().timeouts()).isEqualTo(1);
    // 150 requests round to 2 points, 147 to 1
    assertThat(sim.graphqlStats().points()).isEqualTo(3);
  }

  @Test
  void latestReviews_showTheLastReviewOfEachReviewer() {
    start(GitHubSimulator.builder());
    RepositoryId repo = sim.repositories().get(0);
    int n = sim.openPullRequest(repo);
    sim.submitReview(repo, n, "ann", ReviewState.COMMENTED);
    sim.submitReview(repo, n, "bob", ReviewState.APPROVED);
    sim.submitReview(repo, n, "ann", ReviewState.APPROVED);
    sim.dismissReview(repo, n, "bob");

    JsonNode pr = Http.json(post(enrichmentQuery(repo, List.of(n)))).get("data").get("r0").get("p" + n);

    assertThat(pr.get("latestReviews").get("nodes").toString())
        .isEqualTo("[{\"state\":\"DISMISSED\",\"author\":{\"login\":\"bob\"}},"
            + "{\"state\":\"APPROVED\",\"author\":{\"login\":\"ann\"}}]");
    assertThat(pr.get("reviewDecision").asText()).isEqualTo("APPROVED");
  }

  @Test
  void objectByOid_isTheHeadCommitWithItsRollup_andCostsNoConnection() {
    start(GitHubSimulator.builder());
    RepositoryId repo = sim.repositories().get(0);
    int n = sim.openPullRequest(repo);
    sim.setCheckRun(repo, n, "build", "completed", "failure");
    String head = sim.truth(repo).stream().filter(p -> p.number() == n).findFirst().orElseThrow().headSha();

    JsonNode answer = Http.json(post("{ rateLimit { cost } r: repository(owner: \"" + repo.owner() + "\", name: \""
        + repo.name() + "\") { c: object(oid: \"" + head + "\") { ... on Commit { oid statusCheckRollup { state } } }"
        + " gone: object(oid: \"" + "0".repeat(40) + "\") { oid } } }"));

    assertThat(answer.get("data").get("r").get("c").get("statusCheckRollup").get("state").asText())
        .isEqualTo("FAILURE");
    assertThat(answer.get("data").get("r").get("gone").isNull()).isTrue();
    assertThat(answer.get("data").get("rateLimit").get("cost").asInt()).isEqualTo(1);
  }
}
