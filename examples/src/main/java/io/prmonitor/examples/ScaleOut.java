package io.prmonitor.examples;

import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.RunReport;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.simulator.Latency;
import io.prmonitor.spi.GitHubCredentials;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

/**
 * The scale-out example: one simulated GitHub, one PostgreSQL database and several monitors ("workers")
 * that share the repositories through leases in the database and a pool of tokens. Each worker is a
 * {@link PRMonitor} of its own with {@code leases(true)}, its own connection pool and its own GitHub
 * client, as it would be in a process of its own; here they run side by side in one JVM so that one
 * command shows the whole fleet. Every worker runs one cold pass; the example prints each worker's
 * report and the fleet's wall time, and with {@code --compare} first times a single worker on the same
 * simulator. {@code --concurrency} is each worker's {@code maxConcurrentRepositories}.
 *
 * <pre>
 * ./dev scaleout [--workers 3] [--repos 300] [--prs 200] [--latency-ms 500] [--tokens 3] [--compare]
 *                [--concurrency 10] [--db jdbc:postgresql://127.0.0.1:5432/test] [--db-user postgres]
 * </pre>
 *
 * Each run works in a schema of its own ({@code prmonitor_scaleout_*}), dropped at the end. Bad arguments
 * exit with status 2 and a message naming the bad value.
 */
public final class ScaleOut {

  private ScaleOut() {
  }

  /** What the command line asked for. */
  record Options(int workers, int repositories, int pullRequests, int latencyMillis, int tokens, int concurrency,
      boolean compare, String database, String user) {

    static Options parse(String[] args) {
      Map<String, String> values = new LinkedHashMap<>(Map.of("--workers", "3", "--repos", "300", "--prs", "200",
          "--latency-ms", "500", "--tokens", "3", "--concurrency", "10", "--db", "jdbc:postgresql://127.0.0.1:5432/test",
          "--db-user", "postgres"));
      boolean compare = false;
      for (int i = 0; i < args.length; i++) {
        if (args[i].equals("--compare")) {
          compare = true;
        } else if (values.containsKey(args[i]) && i + 1 < args.length) {
          values.put(args[i], args[++i]);
        } else {
          throw new IllegalArgumentException("unknown option or missing value: " + args[i]);
        }
      }
      if (!values.get("--db").startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException("--db must be a jdbc:postgresql: URL: " + values.get("--db"));
      }
      return new Options(number(values, "--workers", 1, 50), number(values, "--repos", 1, 10_000),
          number(values, "--prs", 0, 10_000), number(values, "--latency-ms", 0, 60_000),
          number(values, "--tokens", 1, 20), number(values, "--concurrency", 1, 100), compare, values.get("--db"),
          values.get("--db-user"));
    }

    private static int number(Map<String, String> values, String name, int min, int max) {
      String text = values.get(name);
      int value;
      try {
        value = Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be a number: " + text);
      }
      if (value < min || value > max) {
        throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ": " + value);
      }
      return value;
    }
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("scaleout: " + e.getMessage());
      System.exit(2);
      return;
    }
    PrintStream out = System.out;
    List<String> tokens = IntStream.range(0, options.tokens())
        .mapToObj(i -> String.format(Locale.ROOT, "scaleout-not-a-secret-%04d", i)).toList();
    try (GitHubSimulator simulator = GitHubSimulator.builder()
        .repositories(options.repositories()).pullRequestsPerRepository(options.pullRequests()).seed(9L)
        .tokens(tokens.toArray(String[]::new))
        .latency(Latency.of(Duration.ofMillis(options.latencyMillis()), Duration.ZERO, Duration.ZERO))
        .start()) {
      out.printf("simulated GitHub at %s: %d repositories x %d pull requests, %d ms per request, %d tokens%n",
          simulator.baseUrl(), options.repositories(), options.pullRequests(), options.latencyMillis(),
          options.tokens());
      Duration single = null;
      if (options.compare() && options.workers() > 1) {
        single = coldPass(options, simulator, tokens, 1, out);
      }
      Duration fleet = coldPass(options, simulator, tokens, options.workers(), out);
      if (single != null) {
        out.printf(Locale.ROOT, "1 worker: %.1f s; %d workers: %.1f s; speed-up %.2fx%n",
            single.toMillis() / 1000.0, options.workers(), fleet.toMillis() / 1000.0,
            (double) single.toMillis() / Math.max(1, fleet.toMillis()));
      }
    }
  }

  /** Runs one cold pass of {@code workers} monitors sharing a fresh schema; returns the fleet's wall time. */
  static Duration coldPass(Options options, GitHubSimulator simulator, List<String> tokens, int workers,
      PrintStream out) throws Exception {
    String schema = "prmonitor_scaleout_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    execute(options, "CREATE SCHEMA " + schema);
    GitHubCredentials credentials = tokens.size() == 1 ? new GitHubCredentials.Token(tokens.get(0))
        : new GitHubCredentials.Pool(tokens.stream().<GitHubCredentials>map(GitHubCredentials.Token::new).toList());
    String url = options.database() + (options.database().contains("?") ? "&" : "?") + "currentSchema=" + schema;
    List<PRMonitor> monitors = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(workers);
    try {
      for (int i = 1; i <= workers; i++) {
        monitors.add(PRMonitor.builder().config(ProcessorConfig.builder()
            .repositories(simulator.repositories())
            .githubBaseUrl(simulator.baseUrl())
            .githubCredentials(credentials)
            // the simulator enforces no server-time budget here; GitHub does, so keep the default there
            .serverTimeBudget(null, Duration.ofSeconds(60))
            .jdbcUrl(url)
            .databaseCredentials(options.user(), null)
            .maxConcurrentRepositories(options.concurrency())
            .leases(true)
            .workerId("scaleout-worker-" + i)
            .leaseDuration(Duration.ofSeconds(30))
            .monitorName("worker-" + i)
            .build()).build());
      }
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<RunReport>> passes = monitors.stream()
          .map(monitor -> CompletableFuture.supplyAsync(() -> {
            try {
              go.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException("interrupted before the pass", e);
            }
            return monitor.run();
          }, threads)).toList();
      long start = System.nanoTime();
      go.countDown();
      CompletableFuture.allOf(passes.toArray(CompletableFuture[]::new)).join();
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      int done = 0;
      for (CompletableFuture<RunReport> pass : passes) {
        RunReport report = pass.join();
        done += report.repositoriesDone();
        out.println(report.toJson());
      }
      out.printf(Locale.ROOT, "%d worker(s): cold pass over %d repositories (%d done) in %.1f s%n", workers,
          simulator.repositories().size(), done, took.toMillis() / 1000.0);
      return took;
    } finally {
      threads.shutdownNow();
      monitors.forEach(PRMonitor::close);
      execute(options, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  private static void execute(Options options, String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(options.database(), options.user(), null);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
