package io.prmonitor.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prmonitor.github.ratelimit.Backoff;
import io.prmonitor.github.ratelimit.FakeTime;
import io.prmonitor.spi.CombinedEnrichmentResult;
import io.prmonitor.spi.EnrichmentMode;
import io.prmonitor.spi.EnrichmentResult;
import io.prmonitor.spi.EnrichmentTarget;
import io.prmonitor.spi.GitHubClientSettings;
import io.prmonitor.spi.GitHubCredentials;
import io.prmonitor.spi.GitHubException;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.RepositoryId;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a GraphQL read does when GitHub answers an error: an error for one repository of a shared query fails
 * that repository only, a batch that fails as a whole keeps what the batches before it read and spent, and
 * secondary limits that outlast the retries defer the read as REST defers it.
 */
class GraphQlErrorTest {

  private static final String TOKEN = "test_graphqlErrorToken1234567890";
  private static final RepositoryId HEALTHY = new RepositoryId("octo", "healthy");
  private static final RepositoryId PROTECTED = new RepositoryId("saml", "protected");
  private static final String RATE = "\"rateLimit\":{\"cost\":1,\"remaining\":4990,"
      + "\"resetAt\":\"2099-01-01T00:00:00Z\"}";

  private final FakeTime time = new FakeTime();
  private StubServer stub;
  private HttpGitHubClient client;

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
    if (stub != null) {
      stub.close();
    }
  }

  /** A stub answering every {@code POST /graphql} with what {@code answer} gives for its number (from 1). */
  private void serve(IntFunction<StubServer.Reply> answer) throws IOException {
    AtomicInteger posts = new AtomicInteger();
    stub = new StubServer(r -> answer.apply(posts.incrementAndGet()));
    GitHubClientSettings settings = GitHubClientSettings.builder()
        .baseUrl(stub.baseUrl())
        .credentials(new GitHubCredentials.Token(TOKEN))
        .requestTimeout(Duration.ofSeconds(20))
        .build();
    client = new HttpGitHubClient(settings, time, time,
        new Backoff(settings.retryInitialDelay(), settings.retryBackoffFactor(), 0.0, () -> 0.5));
  }

  private static EnrichmentTarget target(int number) {
    return new EnrichmentTarget(number, "sha" + number, false, null);
  }

  /** The aliases of one pull request read in full, its head's checks passing. */
  private static String pullRequest(int number) {
    return "\"p" + number + "\":{\"number\":" + number + ",\"headRefOid\":\"sha" + number + "\","
        + "\"mergeable\":\"MERGEABLE\",\"reviewDecision\":null,\"totalCommentsCount\":0,"
        + "\"latestReviews\":{\"nodes\":[]}},"
        + "\"c" + number + "\":{\"oid\":\"sha" + number + "\",\"statusCheckRollup\":{\"state\":\"SUCCESS\"}}";
  }

  private static StubServer.Reply ok(String body) {
    return StubServer.Reply.json(200, body);
  }

  /** An answer whose repository {@code alias} is null, with a FORBIDDEN error at its path (SAML enforcement). */
  private static String forbidden(String alias) {
    return "\"errors\":[{\"type\":\"FORBIDDEN\",\"path\":[\"" + alias + "\"],\"locations\":[{\"line\":1,"
        + "\"column\":60}],\"message\":\"Resource protected by organization SAML enforcement.\"}]";
  }

  private static Map<RepositoryId, List<EnrichmentTarget>> targets(List<EnrichmentTarget> healthy,
      List<EnrichmentTarget> saml) {
    Map<RepositoryId, List<EnrichmentTarget>> targets = new LinkedHashMap<>();
    targets.put(HEALTHY, healthy); // r0
    targets.put(PROTECTED, saml); // r1
    return targets;
  }

  @Test
  void severalRepositories_anErrorForOne_defersItsPullRequests_andKeepsTheOthersRead() throws IOException {
    serve(n -> ok("{\"data\":{" + RATE + ",\"r0\":{" + pullRequest(1) + "},\"r1\":null}," + forbidden("r1")
        + "}"));

    CombinedEnrichmentResult result = client.enrich(targets(List.of(target(1)), List.of(target(2))),
        EnrichmentMode.GRAPHQL, 0);

    EnrichmentResult healthy = result.byRepository().get(HEALTHY);
    assertThat(healthy.enrichments()).extracting(PullRequestEnrichment::number).containsExactly(1);
    assertThat(healthy.deferred()).isEmpty();
    EnrichmentResult saml = result.byRepository().get(PROTECTED);
    assertThat(saml.enrichments()).isEmpty();
    assertThat(saml.deferred()).containsExactly(2);
    assertThat(saml.deferredReason()).contains("saml/protected", "FORBIDDEN", "SAML enforcement")
        .doesNotContain("octo/healthy");
    assertThat(result.graphqlQueries()).isEqualTo(1);
    assertThat(result.graphqlPoints()).isEqualTo(1);
  }

  @Test
  void severalRepositories_anErrorForOne_defersItsPullRequestsOfLaterBatchesUnsent() throws IOException {
    // a 502 halves the batch to 1; then octo/healthy's #1 is read, and saml/protected's #2 answers FORBIDDEN:
    // its #3 is not asked for
    serve(n -> switch (n) {
      case 1 -> StubServer.Reply.json(502, "{}");
      case 2 -> ok("{\"data\":{" + RATE + ",\"r0\":{" + pullRequest(1) + "}}}");
      default -> ok("{\"data\":{" + RATE + ",\"r0\":null}," + forbidden("r0") + "}");
    });

    CombinedEnrichmentResult result = client.enrich(targets(List.of(target(1)), List.of(target(2), target(3))),
        EnrichmentMode.GRAPHQL, 0);

    assertThat(result.byRepository().get(HEALTHY).enrichments()).extracting(PullRequestEnrichment::number)
        .containsExactly(1);
    assertThat(result.byRepository().get(PROTECTED).deferred()).containsExactly(2, 3);
    assertThat(stub.received()).hasSize(3);
    assertThat(result.graphqlQueries()).isEqualTo(3);
  }

  @Test
  void severalRepositories_aBatchFailingAsAWhole_keepsWhatEarlierBatchesReadAndTheirPoints() throws IOException {
    serve(n -> switch (n) {
      case 1 -> StubServer.Reply.json(502, "{}");
      case 2 -> ok("{\"data\":{" + RATE + ",\"r0\":{" + pullRequest(1) + "}}}");
      default -> ok("{\"errors\":[{\"type\":\"MAX_NODE_LIMIT_EXCEEDED\",\"message\":\"too many nodes\"}]}");
    });

    CombinedEnrichmentResult result = client.enrich(targets(List.of(target(1)), List.of(target(2))),
        EnrichmentMode.GRAPHQL, 0);

    assertThat(result.byRepository().get(HEALTHY).enrichments()).extracting(PullRequestEnrichment::number)
        .containsExactly(1);
    EnrichmentResult saml = result.byRepository().get(PROTECTED);
    assertThat(saml.deferred()).containsExactly(2);
    assertThat(saml.deferredReason()).contains("MAX_NODE_LIMIT_EXCEEDED", "too many nodes");
    assertThat(result.graphqlQueries()).isEqualTo(3);
    // the 502 (GitHub charges a timeout), the read, and the failed query's estimate
    assertThat(result.graphqlPoints()).isEqualTo(3);
  }

  @Test
  void oneRepository_anErrorForIt_failsTheCallAsBefore() throws IOException {
    serve(n -> ok("{\"data\":{" + RATE + ",\"r0\":null}," + forbidden("r0") + "}"));

    assertThatThrownBy(() -> client.enrich(PROTECTED, List.of(target(2)), EnrichmentMode.GRAPHQL, 0))
        .isInstanceOf(GitHubException.class)
        .hasMessageContaining("saml/protected")
        .hasMessageContaining("FORBIDDEN");
  }

  @Test
  void aPullRequestNotFound_isLeftOut_withoutFailingItsRepository() throws IOException {
    serve(n -> ok("{\"data\":{" + RATE + ",\"r0\":{" + pullRequest(1) + ",\"p2\":null,\"c2\":null}},"
        + "\"errors\":[{\"type\":\"NOT_FOUND\",\"path\":[\"r0\",\"p2\"],\"message\":\"Could not resolve\"}]}"));

    EnrichmentResult result = client.enrich(HEALTHY, List.of(target(1), target(2)), EnrichmentMode.GRAPHQL, 0);

    assertThat(result.enrichments()).extracting(PullRequestEnrichment::number).containsExactly(1);
    assertThat(result.deferred()).isEmpty();
  }

  @Test
  void secondaryLimitAnsweredOnEveryAttempt_defersTheRead_asRestDoes() throws IOException {
    serve(n -> StubServer.Reply.of(403, Map.of("Content-Type", "application/json", "Retry-After", "1"),
        "{\"message\":\"You have exceeded a secondary rate limit.\"}"));

    EnrichmentResult result = client.enrich(HEALTHY, List.of(target(1), target(2)), EnrichmentMode.GRAPHQL, 0);

    assertThat(result.enrichments()).isEmpty();
    assertThat(result.deferred()).containsExactly(1, 2);
    assertThat(result.deferredReason()).startsWith("rate limit budget exhausted until ");
    assertThat(stub.received()).hasSize(3); // the configured attempts, then deferred
  }
}
