package io.prmonitor.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.Health;
import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.RunReport;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.simulator.Latency;
import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.RepositoryId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graceful degradation: GitHub answering every request in 2 s with 10% errors, and a pass deadline
 * shorter than one repository's listing (3 pages, 6 s). The pass applies what it can before the
 * deadline, reports the rest as deferred, and health turns DEGRADED; the following passes let the
 * repositories the deadline interrupted run to their end (otherwise they would re-read their first pages
 * in every pass and never complete) and catch up until the store equals the truth, with the change made
 * in between delivered once.
 */
class GracefulDegradationTest {

  private static final String TOKEN = "slow-token-0123456789";
  private static final Duration LATENCY = Duration.ofSeconds(2);
  private static final Duration DEADLINE = Duration.ofSeconds(3);

  @TempDir
  Path directory;

  private GitHubSimulator simulator;
  private PRMonitor monitor;
  private final List<PullRequestChange> received = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void stop() throws Exception {
    SyncStack.closeInOrder(monitor, simulator);
  }

  @Test
  void slowAndFailingGitHub_passDefersWhatTheDeadlineLeaves_healthDegraded_laterPassesCatchUp() {
    simulator = GitHubSimulator.builder().repositories(2).pullRequestsPerRepository(250).seed(21L).tokens(TOKEN)
        .latency(Latency.of(LATENCY, Duration.ZERO, Duration.ZERO)).start();
    simulator.faults().serverErrorRate(0.1);
    monitor = PRMonitor.builder().config(ProcessorConfig.builder()
            .repositories(simulator.repositories())
            .githubBaseUrl(simulator.baseUrl())
            .githubToken(TOKEN)
            .jdbcUrl(new StoreTarget.H2(directory).jdbcUrl())
            .maxConcurrentRepositories(2)
            .passDeadline(DEADLINE)
            .build())
        .listener(received::add).build();

    RunReport first = monitor.run();

    assertThat(first.deferred()).as("the deadline leaves work for later: %s", first.toJson()).isNotEmpty();
    assertThat(first.pullRequestsSeen()).as("applied what it could").isPositive();
    assertThat(first.failed()).isEmpty();
    assertThat(first.duration()).as("ends soon after the deadline: the requests in flight, no new ones")
        .isLessThan(DEADLINE.plus(LATENCY.multipliedBy(2 * 3)).plusSeconds(3));
    Health health = monitor.health();
    assertThat(health.status()).as(health.toJson()).isEqualTo(Health.Status.DEGRADED);
    assertThat(health.checks().get("repositories")).isEqualTo(Health.Status.DEGRADED);
    for (RepositoryId repository : first.deferred()) {
      assertThat(monitor.store().repositoryState(repository).lastCompletedAt())
          .as("%s is deferred, so not marked complete", repository).isNull();
    }
    RepositoryId repository = simulator.repositories().get(0);
    int number = simulator.truth(repository).stream().max(Comparator.comparing(PullRequest::updatedAt))
        .orElseThrow().number();
    assertThat(monitor.store().pullRequests(repository, List.of(number))).as("the newest pull request was applied")
        .containsKey(number);
    simulator.editTitle(repository, number, "edited while degraded");

    RunReport last = first;
    int passes = 1;
    long started = System.nanoTime();
    while (!last.isComplete() && passes < 6) {
      last = monitor.run();
      passes++;
    }
    Duration catchUp = Duration.ofNanos(System.nanoTime() - started);

    assertThat(last.isComplete()).as("caught up after %d passes: %s", passes, last.toJson()).isTrue();
    for (RepositoryId each : simulator.repositories()) {
      assertThat(monitor.store().allPullRequests(each)).as("store of %s", each)
          .containsExactlyElementsOf(simulator.truth(each));
    }
    assertThat(received).singleElement().satisfies(change -> {
      assertThat(change.kind()).isEqualTo(ChangeKind.EDITED);
      assertThat(change.number()).isEqualTo(number);
    });
    assertThat(monitor.health().checks().get("repositories")).isEqualTo(Health.Status.UP);
    System.out.printf("DEGRADED first=%dms deferred=%d passesToCatchUp=%d catchUp=%dms%n",
        first.duration().toMillis(), first.deferred().size(), passes - 1, catchUp.toMillis());
  }
}
