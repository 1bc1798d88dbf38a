package io.prmonitor.benchmarks.jmh;

import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.RunReport;
import io.prmonitor.simulator.GitHubSimulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole pass, end to end: the simulator (in this JVM, no latency, realistic ~21 KB list items), the HTTP
 * client, change detection and the JDBC store on an H2 file, through {@link PRMonitor#run()}, client pacing
 * off. {@code coldPass} synchronizes {@code repos} x {@code prs} pull requests into an empty store (a fresh
 * database per invocation); {@code warmPass} repeats a pass in which nothing changed (one free 304 per
 * repository). Time per pass.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@State(Scope.Benchmark)
public class EndToEndPassBenchmark {

  private static final String TOKEN = "jmh-token-not-a-secret";

  @Param({"10"})
  public int repos;

  @Param({"1000"})
  public int prs;

  private GitHubSimulator simulator;
  private Path directory;
  private PRMonitor monitor;

  @Setup(Level.Trial)
  public void startSimulator() {
    simulator = GitHubSimulator.builder().repositories(repos).pullRequestsPerRepository(prs).seed(42L)
        .tokens(TOKEN).start();
  }

  @TearDown(Level.Trial)
  public void stopSimulator() {
    simulator.close();
  }

  /** A monitor on a fresh, empty H2 file database. */
  @Setup(Level.Iteration)
  public void openMonitor() throws IOException {
    directory = Files.createTempDirectory("prmonitor-e2e-bench");
    monitor = PRMonitor.builder().config(ProcessorConfig.builder()
        .repositories(simulator.repositories())
        .githubBaseUrl(simulator.baseUrl())
        .githubToken(TOKEN)
        .jdbcUrl("jdbc:h2:file:" + directory.resolve("prmonitor"))
        .serverTimeBudget(null, ProcessorConfig.DEFAULT_SERVER_TIME_WINDOW)
        .build()).build();
  }

  @TearDown(Level.Iteration)
  public void closeMonitor() throws IOException {
    monitor.close();
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  @Warmup(iterations = 2)
  @Measurement(iterations = 5)
  public RunReport coldPass() {
    return check(monitor.run(), (long) repos * ((prs + 99) / 100));
  }

  @Benchmark
  @Warmup(iterations = 3, batchSize = 1)
  @Measurement(iterations = 10)
  public RunReport warmPass(WarmStore warm) {
    return check(warm.monitor.run(), repos);
  }

  private static RunReport check(RunReport report, long requests) {
    if (!report.isComplete() || report.requests() != requests) {
      throw new IllegalStateException("unexpected pass: " + report.toJson());
    }
    return report;
  }

  /** A monitor whose store already holds every pull request, for passes in which nothing changed. */
  @State(Scope.Benchmark)
  public static class WarmStore {
    PRMonitor monitor;
    Path directory;

    @Setup(Level.Trial)
    public void populate(EndToEndPassBenchmark bench) throws IOException {
      directory = Files.createTempDirectory("prmonitor-e2e-warm");
      monitor = PRMonitor.builder().config(ProcessorConfig.builder()
          .repositories(bench.simulator.repositories())
          .githubBaseUrl(bench.simulator.baseUrl())
          .githubToken(TOKEN)
          .jdbcUrl("jdbc:h2:file:" + directory.resolve("prmonitor"))
          .serverTimeBudget(null, ProcessorConfig.DEFAULT_SERVER_TIME_WINDOW)
          .build()).build();
      monitor.run();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      monitor.close();
      try (Stream<Path> files = Files.walk(directory)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
