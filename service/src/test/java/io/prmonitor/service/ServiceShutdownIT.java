package io.prmonitor.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.simulator.Latency;
import io.prmonitor.spi.RepositoryId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM in the middle of a long pass: the process lets the pass run for the shutdown timeout, then
 * hands the rest back (interrupts it) and exits 0; the next run completes what was handed back.
 */
class ServiceShutdownIT {

  static final String TOKEN = "shutdown-it-token-5150";
  static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

  @TempDir
  Path directory;

  @Test
  void sigtermMidPass_handsThePassBackAndExitsZero_theNextRunCompletesIt() throws Exception {
    try (GitHubSimulator simulator = GitHubSimulator.builder().repositories(30).pullRequestsPerRepository(3)
        .seed(7L).tokens(TOKEN).latency(Latency.of(Duration.ofMillis(400), Duration.ZERO, Duration.ZERO)).start()) {
      List<RepositoryId> repositories = simulator.repositories();
      Path config = Files.writeString(directory.resolve("prmonitor.properties"), String.join("\n",
          "repos = " + repositories.stream().map(RepositoryId::fullName).collect(Collectors.joining(",")),
          "base-url = " + simulator.baseUrl(),
          "db = jdbc:h2:file:" + directory.resolve("data/prmonitor").toAbsolutePath(),
          "concurrency = 1",
          "server-time-budget = off",
          "shutdown-timeout = " + SHUTDOWN_TIMEOUT.toSeconds() + "s",
          ""));
      Map<String, String> env = Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
          "PRMONITOR_CONFIG", config.toString(), "GITHUB_TOKEN", TOKEN);
      CountDownLatch midPass = new CountDownLatch(1);
      // 30 repositories one at a time at 400 ms each: the pass is a few repositories in when this fires
      simulator.afterPage(repositories.get(0), 1, midPass::countDown);

      long took;
      try (ServiceProcess first = ServiceProcess.start("first", directory, env)) {
        assertThat(midPass.await(90, TimeUnit.SECONDS)).as(first.transcript()).isTrue();
        long started = System.nanoTime();
        assertThat(first.process.toHandle().destroy()).isTrue(); // SIGTERM
        assertThat(first.awaitExit(SHUTDOWN_TIMEOUT.multipliedBy(2).plusSeconds(30))).isTrue();
        took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(first.process.exitValue()).as(first.transcript()).isZero();
        assertThat(first.transcript()).contains("stop signal received");
      }
      // close() lets the pass run for the shutdown timeout, then interrupts it and waits at most as long again
      // for it to stop; the margin is the JVM's own exit (closing the store) on a loaded machine
      assertThat(took).isGreaterThanOrEqualTo(SHUTDOWN_TIMEOUT.toMillis())
          .isLessThan(SHUTDOWN_TIMEOUT.multipliedBy(2).toMillis() + 3000);
      System.err.printf("SIGTERM mid-pass to exit 0 took %d ms (shutdown timeout %d ms)%n", took,
          SHUTDOWN_TIMEOUT.toMillis());

      try (ServiceProcess second = ServiceProcess.start("second", directory, env)) {
        assertThat(second.awaitExit(Duration.ofSeconds(120))).isTrue();
        assertThat(second.process.exitValue()).as(second.transcript()).isZero();
        JsonNode report = ServiceProcess.JSON.readTree(second.out().stream()
            .filter(line -> line.startsWith("{\"pass\":")).findFirst().orElseThrow());
        assertThat(report.path("done").asInt()).isEqualTo(30);
        assertThat(report.path("requests").asInt()).as("the first run's repositories answer 304s or are skipped")
            .isEqualTo(30);
        assertThat(report.path("notModified").asInt()).as("repositories the first run completed")
            .isPositive().isLessThan(30);
      }
    }
  }
}
