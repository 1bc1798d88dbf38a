package io.prmonitor.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.Health;
import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.RunReport;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryState;
import io.prmonitor.spi.StoreException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Database faults on PostgreSQL: the store's connections terminated in the middle of a pass
 * ({@code pg_terminate_backend}, found by their {@code ApplicationName}), and the database unreachable
 * for a while (a {@link TcpProxy} cut and restored). Each pass either finishes or fails cleanly; a
 * repository marked complete by a pass always holds exactly the simulator's truth; the next pass after
 * the fault repairs everything and every change is delivered exactly once.
 */
class DatabaseFaultTest {

  private static final String TOKEN = "db-fault-token-0123456789";

  private GitHubSimulator simulator;
  private StoreTarget.Postgres target;
  private PRMonitor monitor;
  private TcpProxy proxy;
  private final List<PullRequestChange> received = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() {
    target = StoreTarget.Postgres.create();
    simulator = GitHubSimulator.builder().repositories(4).pullRequestsPerRepository(250).seed(3L).tokens(TOKEN)
        .start();
  }

  @AfterEach
  void stop() {
    if (monitor != null) {
      monitor.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    simulator.close();
    target.close();
  }

  private PRMonitor monitor(String jdbcUrl) {
    return PRMonitor.builder().config(ProcessorConfig.builder()
            .repositories(simulator.repositories())
            .githubBaseUrl(simulator.baseUrl())
            .githubToken(TOKEN)
            .jdbcUrl(jdbcUrl)
            .databaseCredentials("postgres", null)
            .databaseTransactionTimeout(Duration.ofSeconds(1))
            .maxConcurrentRepositories(2)
            .build())
        .listener(received::add).build();
  }

  @Test
  void connectionsTerminatedMidPass_passFailsCleanly_andTheNextPassRepairsEverything() throws Exception {
    String application = "prm_" + target.schema();
    monitor = monitor(target.jdbcUrl() + "&ApplicationName=" + application);
    List<RepositoryId> repos = simulator.repositories();
    AtomicInteger terminated = new AtomicInteger();
    simulator.afterPage(repos.get(0), 2, () -> terminated.addAndGet(terminate(application)));
    simulator.afterPage(repos.get(2), 1, () -> terminated.addAndGet(terminate(application)));

    Instant before = Instant.now();
    runOrFailCleanly();
    assertThat(terminated.get()).as("store connections terminated during the cold pass").isPositive();
    assertCompletedRepositoriesEqualTruth(before);
    // a repository whose first pass failed is still in its (silent) baseline: complete it before mutating
    assertThat(runUntilComplete().isComplete()).isTrue();
    assertThat(received).isEmpty();

    List<String> expected = new RandomMutations(simulator, 17L).round(12);
    simulator.afterPage(repos.get(1), 1, () -> terminated.addAndGet(terminate(application)));
    before = Instant.now();
    runOrFailCleanly();
    assertCompletedRepositoriesEqualTruth(before);

    long started = System.nanoTime();
    RunReport repaired = runUntilComplete();
    assertRepaired(repaired, expected);
    System.out.printf("DB-TERMINATED connections=%d recovery=%dms%n", terminated.get(),
        (System.nanoTime() - started) / 1_000_000);
  }

  @Test
  void databaseUnreachableForAWhile_passesFailCleanly_healthIsDown_andRecoveryRepairsEverything() {
    proxy = new TcpProxy("127.0.0.1", 5432);
    monitor = monitor("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/test?currentSchema=" + target.schema());
    assertThat(monitor.run().isComplete()).isTrue();
    List<String> expected = new RandomMutations(simulator, 23L).round(10);
    simulator.afterPage(simulator.repositories().get(0), 1, proxy::cut);

    Instant before = Instant.now();
    assertThat(runOrFailCleanly()).as("a pass that lost its database is not complete")
        .isNotEqualTo(Boolean.TRUE);
    assertThat(monitor.health().checks().get("store")).isEqualTo(Health.Status.DOWN);
    long downStarted = System.nanoTime();
    assertThat(runOrFailCleanly()).as("a pass while the database is down").isNotEqualTo(Boolean.TRUE);
    Duration failedPass = Duration.ofNanos(System.nanoTime() - downStarted);
    assertThat(failedPass).as("a pass against an unreachable database fails within the connection timeouts")
        .isLessThan(Duration.ofSeconds(30));

    proxy.restore();
    long restored = System.nanoTime();
    RunReport repaired = runUntilComplete();
    Duration recovery = Duration.ofNanos(System.nanoTime() - restored);
    assertCompletedRepositoriesEqualTruth(before);
    assertRepaired(repaired, expected);
    assertThat(monitor.health().checks().get("store")).isEqualTo(Health.Status.UP);
    System.out.printf("DB-UNREACHABLE failedPass=%dms recovery=%dms%n", failedPass.toMillis(), recovery.toMillis());
  }

  @Test
  void networkPartitionMidPass_failsTheRunningOperationWithinTheTransactionTimeout_andTheNextPassRepairs() {
    proxy = new TcpProxy("127.0.0.1", 5432);
    String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/test?currentSchema=" + target.schema();
    monitor = monitor(url);
    assertThat(monitor.run().isComplete()).isTrue();
    List<String> expected = new RandomMutations(simulator, 29L).round(10);
    simulator.afterPage(simulator.repositories().get(0), 1, proxy::partition);

    long passStarted = System.nanoTime();
    assertThat(runOrFailCleanly()).as("a pass cut off from its database by a partition is not complete")
        .isNotEqualTo(Boolean.TRUE);
    Duration partitionedPass = Duration.ofNanos(System.nanoTime() - passStarted);
    // one operation on its own, the partition still in place: it fails within the transaction timeout (1 s)
    // plus the pool's quick validation, however long the partition lasts
    long operationStarted = System.nanoTime();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> monitor.store().repositoryState(
            simulator.repositories().get(1)))
        .isInstanceOf(StoreException.class);
    Duration failedOperation = Duration.ofNanos(System.nanoTime() - operationStarted);
    assertThat(failedOperation).isLessThan(Duration.ofMillis(1_900));
    assertThat(partitionedPass).as("the partitioned pass ends in bounded time").isLessThan(Duration.ofSeconds(20));

    proxy.heal();
    RunReport repaired = runUntilComplete();
    assertRepaired(repaired, expected);
    System.out.printf("DB-PARTITION partitionedPass=%dms failedOperation=%dms (transaction timeout 1000 ms)%n",
        partitionedPass.toMillis(), failedOperation.toMillis());
  }

  @Test
  void silentDatabasePort_failsStartupWithinTheConnectTimeout() throws Exception {
    try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      List<java.net.Socket> accepted = Collections.synchronizedList(new ArrayList<>());
      Thread.ofVirtual().start(() -> {
        while (!silent.isClosed()) {
          try {
            accepted.add(silent.accept()); // accepted, never answered
          } catch (java.io.IOException e) {
            return;
          }
        }
      });
      long started = System.nanoTime();
      StoreException failure = org.assertj.core.api.Assertions.catchThrowableOfType(StoreException.class,
          () -> io.prmonitor.jdbc.JdbcPullRequestStore.create(new io.prmonitor.spi.StoreSettings(
              "jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/test", "postgres", "silent-secret-pw", 2,
              Duration.ofSeconds(2), java.util.Map.of())));
      Duration failed = Duration.ofNanos(System.nanoTime() - started);
      assertThat(failure).isNotNull();
      assertThat(failure.getMessage()).doesNotContain("silent-secret-pw");
      System.out.println("DB-SILENT failure: " + failure.getMessage());
      assertThat(failed).as("startup against a port that never speaks").isLessThan(Duration.ofMillis(3_500));
      assertThat(accepted).isNotEmpty();
      synchronized (accepted) {
        for (java.net.Socket socket : accepted) {
          socket.close();
        }
      }
      System.out.printf("DB-SILENT startupFailed=%dms (connect timeout 2000 ms)%n", failed.toMillis());
    }
  }

  /** Runs a pass; true if it completed, false if it ended with failures, null if it threw a store error. */
  private Boolean runOrFailCleanly() {
    try {
      return monitor.run().isComplete();
    } catch (StoreException e) {
      assertThat(e.getMessage()).as("a store failure names what failed").contains("failed");
      return null;
    }
  }

  private RunReport runUntilComplete() {
    RunReport report = null;
    for (int i = 0; i < 3 && (report == null || !report.isComplete() || report.deliveryFailures() > 0); i++) {
      try {
        report = monitor.run();
      } catch (StoreException e) {
        report = null;
      }
    }
    assertThat(report).isNotNull();
    return report;
  }

  private void assertCompletedRepositoriesEqualTruth(Instant since) {
    for (RepositoryId repository : simulator.repositories()) {
      RepositoryState state = monitor.store().repositoryState(repository);
      if (state.lastCompletedAt() != null && !state.lastCompletedAt().isBefore(since)) {
        assertThat(monitor.store().allPullRequests(repository))
            .as("%s was marked complete, so it must hold the whole truth", repository)
            .containsExactlyElementsOf(simulator.truth(repository));
      }
    }
  }

  private void assertRepaired(RunReport repaired, List<String> expected) {
    assertThat(repaired.isComplete()).as(repaired.toJson()).isTrue();
    for (RepositoryId repository : simulator.repositories()) {
      assertThat(monitor.store().allPullRequests(repository)).as("store of %s", repository)
          .containsExactlyElementsOf(simulator.truth(repository));
    }
    assertThat(monitor.store().pendingChanges(0, 1)).as("nothing left pending").isEmpty();
    List<String> delivered;
    synchronized (received) {
      delivered = received.stream().map(c -> RandomMutations.expected(c.repository(), c.number(), c.kind()))
          .sorted().toList();
    }
    assertThat(delivered).as("every change delivered once")
        .containsExactlyElementsOf(expected.stream().sorted().toList());
  }

  private static int terminate(String application) {
    try (Connection c = DriverManager.getConnection(StoreTarget.Postgres.SERVER, "postgres", null);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) "
            + "FROM pg_stat_activity WHERE application_name = '" + application + "'")) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot terminate the store's connections", e);
    }
  }
}
