package io.prmonitor.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.GitHubClient;
import io.prmonitor.spi.GitHubClientSettings;
import io.prmonitor.spi.GitHubCredentials;
import io.prmonitor.spi.PageRequest;
import io.prmonitor.spi.RateLimitExceededException;
import io.prmonitor.spi.RateLimitStatus;
import io.prmonitor.spi.RepositoryId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The token pool against the simulator: each request goes to the member with the most budget left. */
class PooledGitHubClientTest {

  static final List<String> TOKENS = List.of("test_poolMemberOne0000000000aaaa", "test_poolMemberTwo0000000000bbbb",
      "test_poolMemberThree000000000cccc");

  GitHubSimulator simulator;
  PooledGitHubClient client;

  @BeforeEach
  void start() {
    simulator = GitHubSimulator.builder().repositories(3).pullRequestsPerRepository(5).seed(3L)
        .tokens(TOKENS.toArray(String[]::new)).start();
    client = pooled(0);
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (simulator != null) {
      simulator.close();
    }
  }

  PooledGitHubClient pooled(int reserve) {
    GitHubClientSettings settings = GitHubClientSettings.builder()
        .baseUrl(simulator.baseUrl())
        .credentials(new GitHubCredentials.Pool(TOKENS.stream()
            .<GitHubCredentials>map(GitHubCredentials.Token::new).toList()))
        .requestTimeout(Duration.ofSeconds(10))
        .rateLimitReserve(reserve)
        .serverTimeBudget(null, Duration.ofSeconds(60))
        .build();
    return new PooledGitHubClient(settings);
  }

  void listFirstPages(GitHubClient target, int times) {
    RepositoryId repository = simulator.repositories().get(0);
    for (int i = 0; i < times; i++) {
      target.listPullRequests(PageRequest.firstPage(repository, null));
    }
  }

  Map<String, Integer> remainingByCredential() {
    return client.rateLimits().stream()
        .collect(Collectors.toMap(RateLimitStatus::credential, RateLimitStatus::remaining));
  }

  @Test
  void requests_spreadEvenlyOverMembers() {
    listFirstPages(client, 30);

    Map<String, Integer> remaining = remainingByCredential();
    assertThat(remaining).hasSize(3);
    int max = remaining.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    int min = remaining.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
    assertThat(max - min).as("spread of remaining budgets %s", remaining).isLessThanOrEqualTo(1);
  }

  @Test
  void requests_preferTheMemberWithMostBudgetLeft() {
    listFirstPages(client, 3);
    simulator.setRemaining(TOKENS.get(0), 10);
    simulator.setRemaining(TOKENS.get(1), 10);
    listFirstPages(client, 6);
    Map<String, Integer> before = remainingByCredential();

    listFirstPages(client, 5);

    Map<String, Integer> after = remainingByCredential();
    String rich = new GitHubCredentials.Token(TOKENS.get(2)).label();
    assertThat(before.get(rich) - after.get(rich)).as("requests charged to the richest member").isEqualTo(5);
  }

  @Test
  void observeRateLimits_steersAwayFromMembersOthersDrained() {
    listFirstPages(client, 3);
    Map<String, RateLimitStatus> seen = client.rateLimits().stream()
        .collect(Collectors.toMap(RateLimitStatus::credential, Function.identity()));
    String drained = new GitHubCredentials.Token(TOKENS.get(1)).label();
    RateLimitStatus own = seen.get(drained);
    client.observeRateLimits(List.of(new RateLimitStatus(drained, own.limit(), 0, own.resetAt())));
    Map<String, Integer> before = remainingByCredential();

    listFirstPages(client, 6);

    assertThat(remainingByCredential().get(drained)).isEqualTo(before.get(drained));
  }

  @Test
  void everyMemberAtItsReserve_refusesWithoutSending() {
    try (PooledGitHubClient reserved = pooled(5)) {
      listFirstPages(reserved, 3);
      TOKENS.forEach(token -> simulator.setRemaining(token, 5));
      // one answer per member tells each budget that it is at the reserve
      listFirstPagesIgnoringRefusals(reserved, 3);
      long before = simulator.stats().requests();

      assertThatThrownBy(() -> listFirstPages(reserved, 1)).isInstanceOf(RateLimitExceededException.class);
      assertThat(simulator.stats().requests()).isEqualTo(before);
    }
  }

  private void listFirstPagesIgnoringRefusals(GitHubClient target, int times) {
    for (int i = 0; i < times; i++) {
      try {
        listFirstPages(target, 1);
      } catch (RateLimitExceededException e) {
        // a member already known to be at its reserve refuses; the point is to hear from the others
      }
    }
  }

  @Test
  void enrichSeveralRepositories_sharesOneQueryOfOneMember() {
    Map<RepositoryId, List<io.prmonitor.spi.EnrichmentTarget>> targets = new java.util.LinkedHashMap<>();
    for (RepositoryId repository : simulator.repositories()) {
      targets.put(repository, simulator.truth(repository).stream()
          .map(pr -> new io.prmonitor.spi.EnrichmentTarget(pr.number(), pr.headSha(), false, null)).toList());
    }

    io.prmonitor.spi.CombinedEnrichmentResult result = client.enrich(targets,
        io.prmonitor.spi.EnrichmentMode.GRAPHQL, 0);

    assertThat(result.graphqlQueries()).isEqualTo(1);
    assertThat(simulator.graphqlStats().queries()).isEqualTo(1);
    for (RepositoryId repository : simulator.repositories()) {
      assertThat(result.byRepository().get(repository).enrichments()).as(repository.fullName()).hasSize(5);
    }
  }

  @Test
  void pool_needsTwoDistinctTokensOrApps() {
    assertThatThrownBy(() -> new GitHubCredentials.Pool(List.of(new GitHubCredentials.Token(TOKENS.get(0)))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2");
    assertThatThrownBy(() -> new GitHubCredentials.Pool(List.of(new GitHubCredentials.Token(TOKENS.get(0)),
        new GitHubCredentials.Token(TOKENS.get(0))))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two members labelled");
  }

  @Test
  void provider_createsAPooledClientForPoolCredentials() {
    GitHubClientSettings settings = GitHubClientSettings.builder().baseUrl(simulator.baseUrl())
        .credentials(new GitHubCredentials.Pool(TOKENS.stream()
            .<GitHubCredentials>map(GitHubCredentials.Token::new).toList()))
        .build();
    try (GitHubClient created = new HttpGitHubClientProvider().create(settings)) {
      assertThat(created).isInstanceOf(PooledGitHubClient.class);
      assertThat(created.toString()).doesNotContain(TOKENS.get(0));
    }
  }

  @Test
  void httpClient_refusesPoolCredentials() {
    GitHubClientSettings settings = GitHubClientSettings.builder().baseUrl(simulator.baseUrl())
        .credentials(new GitHubCredentials.Pool(TOKENS.stream()
            .<GitHubCredentials>map(GitHubCredentials.Token::new).toList()))
        .build();
    assertThatThrownBy(() -> new HttpGitHubClient(settings)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PooledGitHubClient");
  }
}
