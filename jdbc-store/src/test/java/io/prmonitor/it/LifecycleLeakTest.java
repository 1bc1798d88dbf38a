package io.prmonitor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.RunReport;
import io.prmonitor.simulator.GitHubSimulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * 50 build/run/close cycles of a monitor with the real HTTP client and a pooled PostgreSQL store leave
 * live threads, open JDBC connections and open sockets where they were before.
 */
class LifecycleLeakTest {

  private static final String TOKEN = "leak-token-0000000001";
  private static final int CYCLES = 50;

  private GitHubSimulator simulator;
  private StoreTarget.Postgres target;
  private final String applicationName = "prmonitor-leak-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeEach
  void start() {
    target = StoreTarget.Postgres.create();
    simulator = GitHubSimulator.builder().repositories(2).pullRequestsPerRepository(150).seed(1L).tokens(TOKEN)
        .start();
  }

  @AfterEach
  void stop() throws Exception {
    SyncStack.closeInOrder(simulator, target);
  }

  private RunReport cycle() {
    ProcessorConfig config = ProcessorConfig.builder().repositories(simulator.repositories())
        .githubBaseUrl(simulator.baseUrl()).githubToken(TOKEN)
        .jdbcUrl(target.jdbcUrl() + "&ApplicationName=" + applicationName).databaseCredentials("postgres", null)
        .serverTimeBudget(null, Duration.ofSeconds(60)).build();
    try (PRMonitor monitor = PRMonitor.builder().config(config).build()) {
      return monitor.run();
    }
  }

  /** Platform threads, less the JDK's own shared pools (virtual-thread carriers come and go by themselves). */
  private static Map<String, Long> liveThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !t.getName().startsWith("ForkJoinPool") && !t.getName().startsWith("process reaper"))
        .collect(Collectors.groupingBy(t -> t.getName().replaceAll("[0-9]+", "#"), TreeMap::new,
            Collectors.counting()));
  }

  private long openConnections() throws SQLException {
    try (Connection c = DriverManager.getConnection(StoreTarget.Postgres.SERVER, "postgres", null);
        PreparedStatement s = c.prepareStatement(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
      s.setString(1, applicationName);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static long openSockets() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).toString().startsWith("socket:");
        } catch (IOException e) {
          return false; // closed while listing
        }
      }).count();
    }
  }

  @Test
  void buildRunClose_fiftyTimes_leaksNoThreadConnectionOrSocket() throws Exception {
    assertThat(cycle().isComplete()).isTrue();
    Map<String, Long> threads = liveThreads();
    long sockets = openSockets();
    assertThat(openConnections()).isZero();

    for (int i = 0; i < CYCLES; i++) {
      RunReport report = cycle();
      assertThat(report.repositoriesDone()).isEqualTo(2);
    }

    await().pollInSameThread().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(openConnections()).as("JDBC connections").isZero();
      // no more threads of any name than at the baseline (which may still hold a pool's closer thread)
      assertThat(liveThreads()).as("live threads by name, baseline %s", threads).allSatisfy((name, count) ->
          assertThat(count).as(name).isLessThanOrEqualTo(threads.getOrDefault(name, 0L)));
      assertThat(openSockets()).as("open sockets").isLessThanOrEqualTo(sockets);
    });
  }
}
