package io.prmonitor.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Latency is fixed + per KiB of body + jitter: a big page is slower than a 304. */
class LatencyTest {

  private static long millis(Runnable request) {
    long start = System.nanoTime();
    request.run();
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Test
  void perKb_makesABigPageSlowerThanA304() {
    try (GitHubSimulator sim = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(100)
        .latency(Latency.of(Duration.ofMillis(20), Duration.ofNanos(100_000), Duration.ZERO)).start()) {
      String path = "/repos/org-0/repo-0/pulls?state=all&per_page=100";
      HttpResponse<byte[]> first = Http.get(sim, path);
      String etag = Http.header(first, "ETag");
      long expectedPageMillis = 20 + first.body().length / 1024 / 10;

      long page = millis(() -> Http.get(sim, path));
      long notModified = millis(() -> Http.get(sim, path, "If-None-Match", etag));

      assertThat(page).isGreaterThanOrEqualTo(expectedPageMillis);
      assertThat(notModified).isGreaterThanOrEqualTo(20).isLessThan(page);
    }
  }

  @Test
  void stats_sumTheServerTimeOfResponses() {
    try (GitHubSimulator sim = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(1)
        .latency(Latency.of(Duration.ofMillis(30), Duration.ZERO, Duration.ZERO)).start()) {
      Http.get(sim, "/repos/org-0/repo-0/pulls");
      Http.get(sim, "/repos/org-0/repo-0/pulls");

      // server time is added once the response is written, just after the client may have read it
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(sim.stats().serverTimeMillis()).isGreaterThanOrEqualTo(60));
    }
  }

  @Test
  void negativePart_isRejected() {
    assertThatThrownBy(() -> Latency.of(Duration.ofMillis(-1), Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-0.001S");
  }

  @Test
  void nanosFor_addsFixedPerKbAndJitterFraction() {
    Latency latency = Latency.of(Duration.ofMillis(50), Duration.ofNanos(100_000), Duration.ofMillis(10));

    assertThat(latency.nanosFor(2048, 0.5)).isEqualTo(50_000_000L + 200_000L + 5_000_000L);
  }
}
