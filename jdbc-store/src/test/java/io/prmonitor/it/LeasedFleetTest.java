package io.prmonitor.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.jdbc.JdbcPullRequestStore;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.simulator.SimulatorStats;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestState;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.StoreSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three worker JVMs ({@link LeaseWorker}) share 300 repositories of one simulator through leases in one
 * PostgreSQL schema, with a pool of three tokens: every repository is synchronized exactly once per round,
 * the store equals the simulator's truth, the simulator serves exactly the requests one worker would make,
 * and a worker that hangs and is killed mid-pass leaves its repositories to the others, which take them
 * over once its leases expire, with no change lost or recorded twice.
 *
 * <p>Starting three JVMs and a cold pass over 300 repositories is the expensive part, so the tests share
 * one fleet and run in order, each on rounds of its own (a test run alone starts with a cold round).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LeasedFleetTest {

  static final int REPOSITORIES = 300;
  static final int PULL_REQUESTS = 3;
  static final List<String> TOKENS = List.of("test_fleetTokenOne00000000000001", "test_fleetTokenTwo00000000000002",
      "test_fleetTokenThree0000000000003");
  static final long ROUND_SECONDS = 2 * LeaseWorker.INTERVAL.toSeconds();

  Path directory;
  GitHubSimulator simulator;
  StoreTarget.Postgres target;
  final List<Worker> workers = new ArrayList<>();

  /** A worker JVM: commands go to its standard input, its protocol lines come back through a queue. */
  record Worker(String id, Process process, Writer commands, BlockingQueue<String> lines, Path log) {

    void send(String command) throws IOException {
      commands.write(command + "\n");
      commands.flush();
    }

    /** The next protocol line starting with {@code prefix}, waiting at most a minute. */
    String await(String prefix) throws InterruptedException, IOException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (true) {
        String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (line == null) {
          throw new AssertionError("worker " + id + " said no '" + prefix + "' within a minute; its log:\n"
              + tail(log));
        }
        if (line.startsWith(prefix)) {
          return line;
        }
      }
    }
  }

  @BeforeAll
  void start(@TempDir Path temporary) throws IOException, InterruptedException {
    directory = temporary;
    target = StoreTarget.Postgres.create();
    simulator = GitHubSimulator.builder().repositories(REPOSITORIES).pullRequestsPerRepository(PULL_REQUESTS)
        .seed(99L).tokens(TOKENS.toArray(String[]::new)).start();
    Files.write(directory.resolve("repositories.txt"),
        simulator.repositories().stream().map(RepositoryId::fullName).toList());
    // migrate once up front, so that the workers' start-up is not what the test measures
    JdbcPullRequestStore.create(settings()).close();
    for (int i = 1; i <= 3; i++) {
      workers.add(startWorker("worker-" + i));
    }
    long started = System.nanoTime();
    for (Worker worker : workers) {
      assertThat(worker.await("READY")).isEqualTo("READY");
    }
    System.err.printf("workers ready in %d ms%n", (System.nanoTime() - started) / 1_000_000);
  }

  @AfterAll
  void stop() throws InterruptedException {
    for (Worker worker : workers) {
      worker.process().destroyForcibly();
      worker.process().waitFor(30, TimeUnit.SECONDS);
    }
    if (simulator != null) {
      simulator.close();
    }
    if (target != null) {
      target.close();
    }
  }

  StoreSettings settings() {
    return new StoreSettings(target.jdbcUrl(), target.user(), null, 2, Duration.ofSeconds(30), Map.of());
  }

  Worker startWorker(String id) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = directory.resolve(id + ".log");
    Process process = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), LeaseWorker.class.getName(), simulator.baseUrl().toString(),
        target.jdbcUrl(), id, String.join(",", TOKENS), directory.resolve("repositories.txt").toString())
        .redirectError(log.toFile())
        .start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        lines.add("EOF " + e);
      }
    }, "reader-" + id);
    reader.setDaemon(true);
    reader.start();
    return new Worker(id, process, new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8),
        lines, log);
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  static List<String> repositoriesOf(String line) {
    String[] parts = line.split(" ", 3);
    return parts.length < 3 || parts[2].isBlank() ? List.of() : Arrays.asList(parts[2].split(","));
  }

  int rounds;

  /** Runs the next round on every worker and returns what each completed. */
  Map<String, List<String>> round() throws IOException, InterruptedException {
    int round = ++rounds;
    long start = System.nanoTime();
    for (Worker worker : workers) {
      worker.send("PASS " + round + " " + round * ROUND_SECONDS + " -1");
    }
    Map<String, List<String>> completed = new HashMap<>();
    for (Worker worker : workers) {
      completed.put(worker.id(), repositoriesOf(worker.await("DONE " + round)));
    }
    System.err.printf("round %d took %d ms: %s%n", round, (System.nanoTime() - start) / 1_000_000,
        completed.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().size()).toList());
    for (Worker worker : workers) {
      Files.readAllLines(worker.log()).stream().filter(l -> l.startsWith("report ") || l.contains("WARN"))
          .forEach(l -> System.err.println(worker.id() + ": " + l));
    }
    return completed;
  }

  static List<String> all(Map<String, List<String>> completed) {
    return completed.values().stream().flatMap(List::stream).toList();
  }

  List<String> fleet() {
    return simulator.repositories().stream().map(RepositoryId::fullName).toList();
  }

  /** Repositories the last {@link #mutate()} changed. */
  final Set<RepositoryId> mutated = new HashSet<>();

  /**
   * Retitles pull request #1 of every third repository and closes (or reopens) the second pull request of
   * every tenth; returns how many changes of each kind that makes.
   */
  Map<String, Integer> mutate() {
    mutated.clear();
    Map<String, Integer> kinds = new HashMap<>();
    List<RepositoryId> repositories = simulator.repositories();
    for (int i = 0; i < repositories.size(); i += 3) {
      simulator.editTitle(repositories.get(i), 1, "retitled before round " + (rounds + 1) + " #" + i);
      mutated.add(repositories.get(i));
      kinds.merge("EDITED", 1, Integer::sum);
    }
    for (int i = 1; i < repositories.size(); i += 10) {
      PullRequest pr = simulator.truth(repositories.get(i)).get(1);
      if (pr.state() == PullRequestState.OPEN) {
        simulator.close(repositories.get(i), pr.number());
        kinds.merge("CLOSED", 1, Integer::sum);
      } else if (pr.state() == PullRequestState.CLOSED) {
        simulator.reopen(repositories.get(i), pr.number());
        kinds.merge("REOPENED", 1, Integer::sum);
      } else {
        continue;
      }
      mutated.add(repositories.get(i));
    }
    return kinds;
  }

  void assertStoreEqualsTruth() {
    try (JdbcPullRequestStore store = JdbcPullRequestStore.create(settings())) {
      for (RepositoryId repository : simulator.repositories()) {
        assertThat(store.allPullRequests(repository)).as("stored pull requests of %s", repository)
            .containsExactlyElementsOf(simulator.truth(repository));
      }
    }
  }

  Map<String, Integer> outboxCountsByKind() throws SQLException {
    Map<String, Integer> counts = new HashMap<>();
    try (Connection connection = DriverManager.getConnection(target.jdbcUrl(), target.user(), null);
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(
            "SELECT kind, COUNT(*), COUNT(DISTINCT change_key) FROM prmonitor_outbox GROUP BY kind")) {
      while (rs.next()) {
        assertThat(rs.getInt(2)).as("changes of kind %s are distinct", rs.getString(1)).isEqualTo(rs.getInt(3));
        counts.put(rs.getString(1), rs.getInt(2));
      }
    }
    return counts;
  }

  Set<String> leasedBy(String worker) throws SQLException {
    Set<String> leased = new HashSet<>();
    try (Connection connection = DriverManager.getConnection(target.jdbcUrl(), target.user(), null);
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT owner, name FROM prmonitor_repositories "
            + "WHERE lease_owner = '" + worker + "'")) {
      while (rs.next()) {
        leased.add(rs.getString(1) + "/" + rs.getString(2));
      }
    }
    return leased;
  }

  /** Adds up two maps of counts. */
  static Map<String, Integer> minus(Map<String, Integer> after, Map<String, Integer> before) {
    Map<String, Integer> delta = new HashMap<>(after);
    before.forEach((kind, count) -> delta.merge(kind, -count, Integer::sum));
    delta.values().removeIf(count -> count == 0);
    return delta;
  }

  @Test
  @Order(1)
  void threeWorkers_syncEveryRepositoryExactlyOncePerRound_withOneWorkersRequests() throws Exception {
    simulator.resetStats();
    Map<String, List<String>> cold = round();

    assertThat(all(cold)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(fleet());
    assertThat(cold.values()).as("every worker took a share").allSatisfy(share -> assertThat(share).isNotEmpty());
    // one worker's cold pass: one list request per repository of at most 100 pull requests
    assertThat(simulator.stats().requests()).isEqualTo(REPOSITORIES);
    assertStoreEqualsTruth();

    Map<String, Integer> before = outboxCountsByKind();
    Map<String, Integer> mutations = mutate();
    simulator.resetStats();
    Map<String, List<String>> warm = round();

    assertThat(all(warm)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(fleet());
    SimulatorStats warmStats = simulator.stats();
    // one worker's incremental pass: one first-page request per repository, free (304) where nothing changed
    assertThat(warmStats.requests()).isEqualTo(REPOSITORIES);
    assertThat(warmStats.notModified()).isEqualTo(REPOSITORIES - mutated.size());
    assertStoreEqualsTruth();
    assertThat(minus(outboxCountsByKind(), before)).isEqualTo(mutations);
  }

  @Test
  @Order(2)
  void killedWorker_othersTakeOverItsRepositoriesAfterItsLeasesExpire_noChangeLostOrDuplicated()
      throws Exception {
    if (rounds == 0) {
      round();
    }
    Map<String, Integer> before = outboxCountsByKind();
    Map<String, Integer> mutations = mutate();
    Worker victim = workers.get(0);
    List<Worker> survivors = workers.subList(1, 3);
    int round = ++rounds;

    victim.send("PASS " + round + " " + round * ROUND_SECONDS + " 20");
    for (Worker survivor : survivors) {
      survivor.send("PASS " + round + " " + round * ROUND_SECONDS + " -1");
    }
    List<String> victimCompleted = repositoriesOf(victim.await("STALLED " + round));
    Set<String> orphaned = leasedBy(victim.id());
    // a repository completed just before the stall may not have been released yet: it is done, not orphaned
    orphaned.removeAll(victimCompleted);
    victim.process().destroyForcibly();
    assertThat(victim.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    List<String> survivorsCompleted = new ArrayList<>();
    for (Worker survivor : survivors) {
      survivorsCompleted.addAll(repositoriesOf(survivor.await("DONE " + round)));
    }

    assertThat(victimCompleted).hasSize(20);
    assertThat(orphaned).as("leases the victim held when killed").isNotEmpty();
    assertThat(survivorsCompleted).as("the survivors took over the victim's repositories")
        .containsAll(orphaned).doesNotContainAnyElementsOf(victimCompleted);
    List<String> everyone = new ArrayList<>(victimCompleted);
    everyone.addAll(survivorsCompleted);
    assertThat(everyone).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(fleet());
    assertStoreEqualsTruth();
    assertThat(minus(outboxCountsByKind(), before)).isEqualTo(mutations);
  }
}
