package io.prmonitor.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Start, close and configuration checks. */
class LifecycleTest {

  @Test
  void close_isIdempotent() {
    GitHubSimulator sim = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(1).start();
    sim.close();
    sim.close();

    assertThatThrownBy(() -> Http.get(sim, "/rate_limit")).isInstanceOf(java.io.UncheckedIOException.class);
  }

  @Test
  void close_releasesAStalledRequestAtOnce() throws Exception {
    GitHubSimulator sim = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(1).start();
    sim.faults().stallDuration(Duration.ofMinutes(5)).failNext(Fault.STALL, 1);
    CompletableFuture<HttpResponse<byte[]>> stalled = Http.client().sendAsync(
        HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/repos/org-0/repo-0/pulls")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sim.stats().requests() == 1);

    sim.close();

    assertThat(stalled).failsWithin(10, TimeUnit.SECONDS);
  }

  @Test
  void baseUrl_isLoopbackWithTheChosenPort() {
    try (GitHubSimulator probe = GitHubSimulator.builder().repositories(0).start()) {
      int port = probe.baseUrl().getPort();
      probe.close();
      try (GitHubSimulator sim = GitHubSimulator.builder().repositories(0).port(port).start()) {
        assertThat(sim.baseUrl()).hasToString("http://127.0.0.1:" + port);
      }
    }
  }

  @Test
  void builder_rejectsBadValuesNamingThem() {
    assertThatThrownBy(() -> GitHubSimulator.builder().repositories(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    assertThatThrownBy(() -> GitHubSimulator.builder().port(70_000))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("70000");
    assertThatThrownBy(() -> GitHubSimulator.builder().primaryLimitStatus(500))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("500");
    assertThatThrownBy(() -> GitHubSimulator.builder().tokens(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token");
  }

  @Test
  void afterPage_ofUnknownRepository_isRejected() {
    try (GitHubSimulator sim = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(1).start()) {
      assertThatThrownBy(() -> sim.afterPage(new io.prmonitor.spi.RepositoryId("x", "y"), 1, () -> { }))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x/y");
    }
  }
}
