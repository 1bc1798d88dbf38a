package io.prmonitor.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.spi.testing.MutableClock;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The primary budget: X-RateLimit-* headers, exhaustion, 429 option, reset by the injected clock. */
class RateLimitTest {

  final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00.250Z"));
  @AutoClose
  GitHubSimulator sim;

  private GitHubSimulator start(GitHubSimulator.Builder builder) {
    sim = builder.repositories(1).pullRequestsPerRepository(5).tokens("a", "b").clock(clock).start();
    return sim;
  }

  private HttpResponse<byte[]> list(String token) {
    return Http.get(sim, "/repos/org-0/repo-0/pulls", "Authorization", "token " + token);
  }

  @Test
  void headers_reportLimitRemainingUsedResetAndResource() {
    start(GitHubSimulator.builder().requestBudgetPerHour(100));

    HttpResponse<byte[]> response = list("a");

    assertThat(Http.header(response, "X-RateLimit-Limit")).isEqualTo("100");
    assertThat(Http.header(response, "X-RateLimit-Remaining")).isEqualTo("99");
    assertThat(Http.header(response, "X-RateLimit-Used")).isEqualTo("1");
    assertThat(Http.header(response, "X-RateLimit-Reset"))
        .isEqualTo(Long.toString(Instant.parse("2026-03-01T11:00:00Z").getEpochSecond()));
    assertThat(Http.header(response, "X-RateLimit-Resource")).isEqualTo("core");
  }

  @Test
  void budget_isPerToken() {
    start(GitHubSimulator.builder().requestBudgetPerHour(100));
    list("a");
    list("a");

    assertThat(Http.header(list("b"), "X-RateLimit-Remaining")).isEqualTo("99");
  }

  @Test
  void exhaustion_answers403WithGitHubsMessageAndRemainingZero() {
    start(GitHubSimulator.builder().requestBudgetPerHour(2));
    list("a");
    list("a");

    HttpResponse<byte[]> refused = list("a");

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(Http.json(refused).get("message").asText()).startsWith("API rate limit exceeded for user ID");
    assertThat(Http.header(refused, "X-RateLimit-Remaining")).isEqualTo("0");
    assertThat(sim.stats().primaryLimited()).isEqualTo(1);
    assertThat(sim.stats().charged()).isEqualTo(2);
  }

  @Test
  void exhaustion_canAnswer429() {
    start(GitHubSimulator.builder().requestBudgetPerHour(1).primaryLimitStatus(429));
    list("a");

    assertThat(list("a").statusCode()).isEqualTo(429);
  }

  @Test
  void clockPastReset_restoresTheBudget() {
    start(GitHubSimulator.builder().requestBudgetPerHour(1));
    list("a");
    assertThat(list("a").statusCode()).isEqualTo(403);

    clock.advance(Duration.ofMinutes(61));

    HttpResponse<byte[]> response = list("a");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Http.header(response, "X-RateLimit-Remaining")).isEqualTo("0");
  }

  @Test
  void setRemaining_limitsTheCurrentWindow() {
    start(GitHubSimulator.builder());
    sim.setRemaining("a", 1);

    assertThat(Http.header(list("a"), "X-RateLimit-Remaining")).isEqualTo("0");
    assertThat(list("a").statusCode()).isEqualTo(403);
  }

  @Test
  void rateLimitEndpoint_isFreeAndReportsCore() {
    start(GitHubSimulator.builder().requestBudgetPerHour(10));
    list("a");

    HttpResponse<byte[]> response = Http.get(sim, "/rate_limit", "Authorization", "Bearer a");

    assertThat(Http.json(response).at("/resources/core/remaining").asInt()).isEqualTo(9);
    assertThat(Http.json(response).at("/rate/used").asInt()).isEqualTo(1);
    assertThat(sim.stats().charged()).isEqualTo(1);
  }
}
