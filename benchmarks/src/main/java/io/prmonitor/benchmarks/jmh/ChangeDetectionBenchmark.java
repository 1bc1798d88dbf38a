package io.prmonitor.benchmarks.jmh;

import io.prmonitor.core.detect.ChangeDetector;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.RepositoryId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Change detection over one page: core's {@link ChangeDetector} comparing 100 stored snapshots with 100
 * fetched ones, as the synchronizer does per page. {@code unchanged}: every pair equal (a re-read page);
 * {@code changed}: every pull request had its title edited, a commit pushed and a label added (three
 * changes each). Time per page of 100.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
@State(Scope.Benchmark)
public class ChangeDetectionBenchmark {

  private final ChangeDetector detector = new ChangeDetector();
  private RepositoryId repository;
  private List<PullRequest> before;
  private List<PullRequest> same;
  private List<PullRequest> changed;

  /** Takes 100 pull requests of a simulated repository, and a changed copy of each. */
  @Setup
  public void snapshots() {
    try (GitHubSimulator simulator = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(100)
        .seed(42L).start()) {
      repository = simulator.repositories().get(0);
      before = simulator.truth(repository);
      same = new ArrayList<>();
      for (PullRequest pr : before) {
        same.add(copy(pr, pr.title(), pr.headSha(), pr.labels()));
      }
      for (PullRequest pr : before) {
        simulator.editTitle(repository, pr.number(), pr.title() + " (edited)");
        simulator.pushCommits(repository, pr.number());
        simulator.addLabel(repository, pr.number(), "benchmark");
      }
      changed = simulator.truth(repository);
    }
  }

  private static PullRequest copy(PullRequest pr, String title, String headSha, List<String> labels) {
    return new PullRequest(pr.id(), pr.number(), title, pr.body(), pr.state(), pr.draft(), pr.author(),
        headSha, pr.headRef(), pr.baseRef(), labels, pr.assignees(), pr.requestedReviewers(), pr.createdAt(),
        pr.updatedAt(), pr.closedAt(), pr.mergedAt());
  }

  @Benchmark
  public void unchanged(Blackhole hole) {
    detectAll(same, hole);
  }

  @Benchmark
  public void changed(Blackhole hole) {
    detectAll(changed, hole);
  }

  private void detectAll(List<PullRequest> after, Blackhole hole) {
    for (int i = 0; i < after.size(); i++) {
      List<PullRequestChange> changes = detector.detect(repository, before.get(i), after.get(i), true);
      hole.consume(changes);
    }
  }
}
