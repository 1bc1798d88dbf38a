package io.prmonitor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.core.store.InMemoryPullRequestStore;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestState;
import io.prmonitor.spi.RepositoryId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a repository's first pass reports, as the README documents it: nothing by default; with
 * {@code emitOpenedOnBaseline(true)} every pull request as OPENED, and a closed or merged one also as CLOSED or
 * MERGED right after, so that a listener replaying the changes ends with the store's states.
 */
class FirstPassChangesTest {

  private GitHubSimulator simulator;
  private RepositoryId repository;

  @BeforeEach
  void start() {
    simulator = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(60).seed(7L).start();
    repository = simulator.repositories().get(0);
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  private List<PullRequestChange> firstPass(boolean emitOpenedOnBaseline) {
    List<PullRequestChange> changes = new CopyOnWriteArrayList<>();
    ProcessorConfig config = ProcessorConfig.builder().repositories(repository).githubBaseUrl(simulator.baseUrl())
        .serverTimeBudget(null, Duration.ofSeconds(60)).emitOpenedOnBaseline(emitOpenedOnBaseline).build();
    try (PRMonitor monitor = PRMonitor.builder().config(config).store(new InMemoryPullRequestStore())
        .listener(changes::add).build()) {
      monitor.run();
    }
    return changes;
  }

  @Test
  void firstPass_byDefault_reportsNothing() {
    assertThat(firstPass(false)).isEmpty();
  }

  @Test
  void firstPass_emitOpenedOnBaseline_reportsEveryPullRequestOpenedThenItsClosingOrMerge() {
    List<PullRequest> truth = simulator.truth(repository);
    assertThat(truth).extracting(PullRequest::state)
        .contains(PullRequestState.OPEN, PullRequestState.CLOSED, PullRequestState.MERGED);

    List<PullRequestChange> changes = firstPass(true);

    Map<Integer, List<ChangeKind>> kinds = changes.stream().collect(Collectors.groupingBy(PullRequestChange::number,
        Collectors.mapping(PullRequestChange::kind, Collectors.toList())));
    Map<Integer, PullRequest> byNumber = truth.stream().collect(Collectors.toMap(PullRequest::number,
        Function.identity()));
    assertThat(kinds.keySet()).isEqualTo(byNumber.keySet());
    byNumber.forEach((number, pullRequest) -> assertThat(kinds.get(number)).as("#%d", number).isEqualTo(
        switch (pullRequest.state()) {
          case OPEN -> List.of(ChangeKind.OPENED);
          case CLOSED -> List.of(ChangeKind.OPENED, ChangeKind.CLOSED);
          case MERGED -> List.of(ChangeKind.OPENED, ChangeKind.MERGED);
        }));
  }
}
