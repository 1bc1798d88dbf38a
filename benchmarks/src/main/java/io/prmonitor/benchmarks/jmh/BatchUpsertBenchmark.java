package io.prmonitor.benchmarks.jmh;

import io.prmonitor.jdbc.JdbcPullRequestStore;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.StoreSettings;
import io.prmonitor.spi.SyncBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * One batch write of the JDBC store on an H2 file database: {@link JdbcPullRequestStore#apply} of a page of
 * 100 pull request snapshots (each an update of a stored row, as in a re-read page), without changes
 * ({@code upsert100}) and with one outbox change per pull request ({@code upsert100With100Changes}, as when
 * every pull request of a page changed). {@code urlOptions} is appended to the JDBC URL, to compare H2
 * settings. Time per batch.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
@State(Scope.Benchmark)
public class BatchUpsertBenchmark {

  @Param({""})
  public String urlOptions;

  private Path directory;
  private JdbcPullRequestStore store;
  private RepositoryId repository;
  private final List<List<PullRequest>> versions = new ArrayList<>();
  private long round;

  /** Opens a store in a fresh H2 file and stores 100 simulated pull requests. */
  @Setup
  public void open() throws IOException {
    try (GitHubSimulator simulator = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(100)
        .seed(42L).start()) {
      repository = simulator.repositories().get(0);
      List<PullRequest> truth = simulator.truth(repository);
      for (int v = 0; v < 2; v++) {
        List<PullRequest> version = new ArrayList<>();
        for (PullRequest pr : truth) {
          version.add(new PullRequest(pr.id(), pr.number(), pr.title() + " v" + v, pr.body(), pr.state(),
              pr.draft(), pr.author(), pr.headSha(), pr.headRef(), pr.baseRef(), pr.labels(), pr.assignees(),
              pr.requestedReviewers(), pr.createdAt(), pr.updatedAt().plusSeconds(v), pr.closedAt(),
              pr.mergedAt()));
        }
        versions.add(version);
      }
    }
    directory = Files.createTempDirectory("prmonitor-upsert-bench");
    store = JdbcPullRequestStore.create(new StoreSettings("jdbc:h2:file:" + directory.resolve("db") + urlOptions,
        null, null, 4, Duration.ofSeconds(60), Map.of()));
    store.apply(new SyncBatch(repository, versions.get(0), List.of()));
  }

  @TearDown
  public void close() throws IOException {
    store.close();
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public void upsert100() {
    store.apply(new SyncBatch(repository, versions.get((int) (++round & 1)), List.of()));
  }

  @Benchmark
  public void upsert100With100Changes() {
    List<PullRequest> upserts = versions.get((int) (++round & 1));
    List<PullRequestChange> changes = new ArrayList<>(upserts.size());
    Instant at = Instant.ofEpochSecond(1_700_000_000L + round);
    for (PullRequest pr : upserts) {
      changes.add(PullRequestChange.of(repository, pr.number(), ChangeKind.EDITED, "title", "old", pr.title(), at));
    }
    store.apply(new SyncBatch(repository, upserts, changes));
  }
}
