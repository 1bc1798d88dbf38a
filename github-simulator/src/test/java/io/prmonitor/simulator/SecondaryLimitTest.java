package io.prmonitor.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Secondary limits: concurrency, summed server time per window, bursts; each 403 with Retry-After. */
class SecondaryLimitTest {

  @Test
  void tooManyConcurrentRequests_answer403WithRetryAfter() {
    try (GitHubSimulator sim = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(5)
        .maxConcurrentRequestsPerToken(1).latency(Latency.of(Duration.ofMillis(300), Duration.ZERO, Duration.ZERO))
        .start()) {
      List<CompletableFuture<HttpResponse<byte[]>>> responses = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        responses.add(Http.client().sendAsync(HttpRequest.newBuilder(
            URI.create(sim.baseUrl() + "/repos/org-0/repo-0/pulls")).header("Authorization", "token x").build(),
            HttpResponse.BodyHandlers.ofByteArray()));
      }
      List<HttpResponse<byte[]>> limited = responses.stream().map(CompletableFuture::join)
          .filter(r -> r.statusCode() == 403).toList();

      assertThat(limited).isNotEmpty().allSatisfy(r -> {
        assertThat(Http.header(r, "Retry-After")).isEqualTo("60");
        assertThat(Http.json(r).get("message").asText()).contains("secondary rate limit");
      });
      assertThat(sim.stats().secondaryLimited()).isEqualTo(limited.size());
      assertThat(sim.stats().peakConcurrency()).isGreaterThan(1);
    }
  }

  @Test
  void summedServerTimeOverBudget_answers403WithRetryAfterUntilTheWindowFrees() {
    try (GitHubSimulator sim = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(5)
        .latency(Latency.of(Duration.ofMillis(350), Duration.ZERO, Duration.ZERO))
        .serverTimeBudget(Duration.ofMillis(300), Duration.ofSeconds(30)).start()) {
      List<Integer> statuses = new ArrayList<>();
      HttpResponse<byte[]> last = null;
      for (int i = 0; i < 2; i++) {
        last = Http.get(sim, "/repos/org-0/repo-0/pulls", "Authorization", "token x");
        statuses.add(last.statusCode());
      }

      // the first response alone (350 ms) uses up the 300 ms budget of the window
      assertThat(statuses).containsExactly(200, 403);
      assertThat(Long.parseLong(Http.header(last, "Retry-After"))).isBetween(1L, 30L);
      assertThat(Http.header(last, "X-RateLimit-Remaining")).isEqualTo("4999");
    }
  }

  @Test
  void burst_refusesTheNextRequestsThenRecovers() {
    try (GitHubSimulator sim = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(5)
        .secondaryRetryAfter(Duration.ofSeconds(2)).start()) {
      sim.faults().secondaryLimitBurst(2);
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        HttpResponse<byte[]> response = Http.get(sim, "/repos/org-0/repo-0/pulls");
        statuses.add(response.statusCode());
        if (response.statusCode() == 403) {
          assertThat(Http.header(response, "Retry-After")).isEqualTo("2");
        }
      }

      assertThat(statuses).containsExactly(403, 403, 200);
      assertThat(sim.stats().charged()).isEqualTo(1);
    }
  }
}
