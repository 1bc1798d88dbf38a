package io.prmonitor.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.jdbc.JdbcPullRequestStore;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.StoreSettings;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.IOException;
import java.io.InputStreamReader;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's crash test: a worker JVM ({@link CrashWorker}) runs passes against the simulator in this JVM
 * and a PostgreSQL schema, and is killed with {@code destroyForcibly()} in every third of 20 passes, at
 * random points, and restarted for the next: while a page is being served (synchronization in flight in other repositories), inside a
 * listener (parked there, so the delivery is certainly in flight), and right after a listener was handed
 * a change (racing the rest of delivery and the outbox marks). The simulator is mutated between passes.
 * Afterwards no change is lost, the outbox holds each change once, and a change was handed to the
 * listener again only when the worker died after handing it and before the outbox mark committed.
 */
class WorkerCrashTest {

  private static final String TOKEN = "crash-token-0123456789";
  private static final int PASSES = 20;

  /** Where a pass's worker is killed. */
  private enum Kill {
    NONE, WHILE_SERVING_A_PAGE, PARKED_IN_LISTENER, RIGHT_AFTER_A_HANDOFF
  }

  @TempDir
  Path directory;

  private GitHubSimulator simulator;
  private StoreTarget.Postgres target;
  private PullRequestStore observer;
  private final AtomicReference<Process> worker = new AtomicReference<>();
  private final AtomicReference<String> currentRun = new AtomicReference<>();
  private final java.util.concurrent.atomic.AtomicBoolean killed = new java.util.concurrent.atomic.AtomicBoolean();
  private BufferedWriter commands;
  private BufferedReader announcements;
  private Path workerLog;

  @AfterEach
  void stop() {
    Process process = worker.get();
    if (process != null) {
      process.destroyForcibly();
    }
    if (observer != null) {
      observer.close();
    }
    if (simulator != null) {
      simulator.close();
    }
    if (target != null) {
      target.close();
    }
  }

  @Test
  void killedWorkers_loseNoChange_storeEachOnce_andRedeliverOnlyChangesInFlight() throws Exception {
    target = StoreTarget.Postgres.create();
    simulator = GitHubSimulator.builder().repositories(3).pullRequestsPerRepository(150).seed(11L)
        .tokens(TOKEN).start();
    Path events = directory.resolve("events.log");
    Files.createFile(events);

    assertThat(runWorker("r0", -1, null).finished()).as("the baseline pass").isTrue();
    observer = JdbcPullRequestStore.create(
        new StoreSettings(target.jdbcUrl(), "postgres", null, 2, Duration.ofSeconds(30), Map.of()));

    RandomMutations mutations = new RandomMutations(simulator, 5L);
    Random random = new Random(2024L);
    Set<String> unsynced = new HashSet<>();
    List<String> expected = new ArrayList<>();
    Map<String, Boolean> killedRuns = new LinkedHashMap<>();
    Map<Kill, Integer> kills = new HashMap<>();
    for (int pass = 1; pass <= PASSES; pass++) {
      List<String> round = mutations.round(2 + random.nextInt(5), unsynced::contains);
      expected.addAll(round);
      round.forEach(change -> unsynced.add(pullRequestOf(change)));
      String run = "r" + pass;
      Kill kill = pass % 3 != 1 ? Kill.NONE : Kill.values()[1 + (pass / 3) % 3];
      Outcome outcome = switch (kill) {
        case NONE -> runWorker(run, -1, null);
        case WHILE_SERVING_A_PAGE -> {
          RepositoryId repository = RepositoryId.parse(pullRequestOf(round.get(random.nextInt(round.size())))
              .replaceAll("#\\d+$", ""));
          simulator.afterPage(repository, 1, () -> killIfStillRunning(run));
          yield runWorker(run, -1, null);
        }
        case PARKED_IN_LISTENER -> runWorker(run, random.nextInt(round.size()), "BLOCKED");
        case RIGHT_AFTER_A_HANDOFF -> runWorker(run, -1, "DELIVERING " + random.nextInt(round.size()));
      };
      killedRuns.put(run, !outcome.finished());
      if (!outcome.finished()) {
        kills.merge(kill, 1, Integer::sum);
      }
      unsynced.removeIf(this::isSynchronized);
    }

    int recovery = 0;
    Outcome last;
    do {
      String run = "c" + (++recovery);
      last = runWorker(run, -1, null);
      killedRuns.put(run, false);
    } while ((!last.report().contains("\"deferred\":[]") || !observer.pendingChanges(0, 1).isEmpty())
        && recovery < 3);

    assertThat(kills).as("kills by point").containsKeys(Kill.WHILE_SERVING_A_PAGE, Kill.PARKED_IN_LISTENER,
        Kill.RIGHT_AFTER_A_HANDOFF);
    assertThat(observer.pendingChanges(0, 1)).as("nothing left pending").isEmpty();
    for (RepositoryId repository : simulator.repositories()) {
      assertThat(observer.allPullRequests(repository)).as("store of %s", repository)
          .containsExactlyElementsOf(simulator.truth(repository));
    }

    List<String[]> outbox = outboxRows();
    assertThat(outbox.stream().map(row -> row[1]).sorted().toList()).as("every mutation's change, once")
        .containsExactlyElementsOf(expected.stream().sorted().toList());
    assertThat(outbox.stream().map(row -> row[0]).distinct().count()).as("unique keys")
        .isEqualTo(outbox.size());

    Map<String, List<String[]>> byKey = Files.readAllLines(events).stream().map(line -> line.split(" ", 3))
        .collect(Collectors.groupingBy(fields -> fields[2], LinkedHashMap::new, Collectors.toList()));
    int redelivered = 0;
    for (String[] row : outbox) {
      String key = row[0];
      List<String[]> history = byKey.getOrDefault(key, List.of());
      List<String> receivedIn = history.stream().filter(e -> e[1].equals("delivering")).map(e -> e[0]).toList();
      Set<String> markedIn = history.stream().filter(e -> e[1].equals("marked")).map(e -> e[0])
          .collect(Collectors.toSet());
      assertThat(receivedIn).as("runs that handed %s to the listener", key).isNotEmpty();
      assertThat(markedIn).as("runs that marked %s delivered", key).hasSize(1)
          .containsExactly(receivedIn.get(receivedIn.size() - 1));
      for (String earlier : receivedIn.subList(0, receivedIn.size() - 1)) {
        assertThat(killedRuns.get(earlier)).as("%s was handed over again after run %s, which must have been "
            + "killed with it in flight", key, earlier).isTrue();
        redelivered++;
      }
    }
    assertThat(redelivered).as("a change parked in a killed listener is handed over again")
        .isGreaterThanOrEqualTo(kills.get(Kill.PARKED_IN_LISTENER));
    System.out.printf("CRASH passes=%d kills=%s recoveryPasses=%d changes=%d redelivered=%d%n", PASSES, kills,
        recovery, outbox.size(), redelivered);
  }

  private static String pullRequestOf(String expectedChange) {
    return expectedChange.substring(0, expectedChange.indexOf(' '));
  }

  private boolean isSynchronized(String pullRequest) {
    int hash = pullRequest.lastIndexOf('#');
    RepositoryId repository = RepositoryId.parse(pullRequest.substring(0, hash));
    int number = Integer.parseInt(pullRequest.substring(hash + 1));
    PullRequest truth = simulator.truth(repository).stream().filter(pr -> pr.number() == number).findFirst()
        .orElseThrow();
    return truth.equals(observer.pullRequests(repository, List.of(number)).get(number));
  }

  private void killIfStillRunning(String run) {
    Process process = worker.get();
    if (run.equals(currentRun.get()) && process != null) {
      killed.set(true);
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** How a worker run ended: finished (with its report line) or killed. */
  private record Outcome(boolean finished, String report) {
  }

  /**
   * Runs one pass in the worker (starting a worker JVM first if none is alive) and reads its
   * announcements until the pass finishes or the worker announces {@code killOn}, which kills it.
   */
  private Outcome runWorker(String run, int blockAt, String killOn) throws IOException, InterruptedException {
    if (worker.get() == null) {
      startWorker(run);
    }
    Process process = worker.get();
    currentRun.set(run);
    commands.write("RUN " + run + " " + blockAt + "\n");
    commands.flush();
    String line;
    while ((line = announcements.readLine()) != null) {
      if (line.startsWith("DONE ")) {
        currentRun.set(null);
        return new Outcome(true, line.substring(5));
      }
      if (line.equals(killOn)) {
        killed.set(true);
        process.destroyForcibly();
        break;
      }
    }
    currentRun.set(null);
    assertThat(killed.getAndSet(false)).as("the worker of %s died without being killed; its log: %s", run,
        Files.readString(workerLog)).isTrue();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("worker killed in %s ended", run).isTrue();
    assertThat(process.exitValue()).as("the worker of %s must have been killed, not failed; its log: %s", run,
        Files.readString(workerLog)).isNotZero();
    worker.set(null);
    return new Outcome(false, null);
  }

  private void startWorker(String run) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    workerLog = directory.resolve("worker-from-" + run + ".log");
    Process process = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), CrashWorker.class.getName(), simulator.baseUrl().toString(), TOKEN,
        target.jdbcUrl(), directory.resolve("events.log").toString(),
        simulator.repositories().stream().map(RepositoryId::fullName).collect(Collectors.joining(",")))
        .redirectError(workerLog.toFile())
        .start();
    worker.set(process);
    commands = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    announcements = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    assertThat(announcements.readLine()).as("worker start; its log: %s", workerLog).isEqualTo("READY");
  }

  private List<String[]> outboxRows() throws SQLException {
    try (Connection c = DriverManager.getConnection(target.jdbcUrl(), "postgres", null);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT change_key, owner, name, number, kind FROM prmonitor_outbox")) {
      List<String[]> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(new String[] {rs.getString(1),
            rs.getString(2) + "/" + rs.getString(3) + "#" + rs.getInt(4) + " " + rs.getString(5)});
      }
      return rows;
    }
  }
}
