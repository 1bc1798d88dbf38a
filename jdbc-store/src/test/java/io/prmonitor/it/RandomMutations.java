package io.prmonitor.it;

import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestState;
import io.prmonitor.spi.RepositoryId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Applies random mutations of every kind to a simulated GitHub and says which changes prmonitor must
 * report for them. Each round touches distinct pull requests, so the expected changes of a round are
 * exactly the mutations of the round (reopen-then-merge counts as one compound mutation).
 */
final class RandomMutations {

  /** A change prmonitor must report: {@code owner/name#number KIND}. */
  static String expected(RepositoryId repository, int number, ChangeKind kind) {
    return repository.fullName() + "#" + number + " " + kind;
  }

  private final GitHubSimulator simulator;
  private final Random random;
  private int serial;

  RandomMutations(GitHubSimulator simulator, long seed) {
    this.simulator = simulator;
    this.random = new Random(seed);
  }

  /**
   * Applies {@code count} mutations to distinct pull requests.
   *
   * @return the expected changes, as {@link #expected} strings
   */
  List<String> round(int count) {
    return round(count, pullRequest -> false);
  }

  /**
   * Applies {@code count} mutations to distinct pull requests, leaving alone those {@code excluded}
   * names ({@code owner/name#number}): a test excludes pull requests whose previous mutation may not
   * have been synchronized yet, since two mutations of one field between passes yield one change.
   *
   * @return the expected changes, as {@link #expected} strings
   */
  List<String> round(int count, java.util.function.Predicate<String> excluded) {
    List<String> expected = new ArrayList<>();
    Set<String> touched = new HashSet<>();
    List<RepositoryId> repositories = simulator.repositories();
    int guard = 0;
    while (touched.size() < count && guard++ < count * 50) {
      RepositoryId repository = repositories.get(random.nextInt(repositories.size()));
      if (random.nextInt(20) == 0) {
        int number = simulator.openPullRequest(repository);
        touched.add(repository + "#" + number);
        expected.add(expected(repository, number, ChangeKind.OPENED));
        continue;
      }
      List<PullRequest> truth = simulator.truth(repository);
      PullRequest pr = truth.get(random.nextInt(truth.size()));
      if (excluded.test(repository.fullName() + "#" + pr.number())) {
        continue;
      }
      if (!touched.add(repository + "#" + pr.number())) {
        continue;
      }
      ChangeKind[] kinds = mutate(repository, pr);
      if (kinds.length == 0) {
        touched.remove(repository + "#" + pr.number());
        continue;
      }
      for (ChangeKind kind : kinds) {
        expected.add(expected(repository, pr.number(), kind));
      }
    }
    return expected;
  }

  /** Applies one mutation that fits the pull request's state; returns the changes it must yield. */
  private ChangeKind[] mutate(RepositoryId r, PullRequest pr) {
    int n = pr.number();
    String unique = "m" + (++serial);
    if (pr.state() == PullRequestState.CLOSED) {
      if (pr.draft() || random.nextBoolean()) {
        simulator.reopen(r, n);
        return new ChangeKind[] {ChangeKind.REOPENED};
      }
      simulator.reopen(r, n);
      simulator.merge(r, n);
      return new ChangeKind[] {ChangeKind.REOPENED, ChangeKind.MERGED};
    }
    if (pr.state() == PullRequestState.MERGED) {
      simulator.editTitle(r, n, "merged and renamed " + unique);
      return new ChangeKind[] {ChangeKind.EDITED};
    }
    switch (random.nextInt(14)) {
      case 0 -> simulator.editTitle(r, n, "Title ✨ " + unique);
      case 1 -> simulator.editBody(r, n, pr.body() != null && random.nextBoolean() ? null : "Body " + unique + " ü".repeat(50));
      case 2 -> simulator.changeBase(r, n, "release-" + unique);
      case 3 -> {
        simulator.pushCommits(r, n);
        return new ChangeKind[] {ChangeKind.COMMITS_PUSHED};
      }
      case 4 -> {
        if (!pr.labels().isEmpty() && random.nextBoolean()) {
          simulator.removeLabel(r, n, pr.labels().get(0));
        } else {
          simulator.addLabel(r, n, "label-" + unique);
        }
        return new ChangeKind[] {ChangeKind.LABELS_CHANGED};
      }
      case 5 -> {
        if (pr.draft()) {
          simulator.markReadyForReview(r, n);
          return new ChangeKind[] {ChangeKind.READY_FOR_REVIEW};
        }
        simulator.convertToDraft(r, n);
        return new ChangeKind[] {ChangeKind.CONVERTED_TO_DRAFT};
      }
      case 6 -> {
        simulator.requestReview(r, n, "reviewer-" + unique);
        return new ChangeKind[] {ChangeKind.REVIEW_REQUESTED};
      }
      case 7 -> {
        if (pr.requestedReviewers().isEmpty()) {
          simulator.requestTeamReview(r, n, "team-" + unique);
          return new ChangeKind[] {ChangeKind.REVIEW_REQUESTED};
        }
        String reviewer = pr.requestedReviewers().get(0);
        if (reviewer.startsWith("team:")) {
          return new ChangeKind[0];
        }
        simulator.removeReviewRequest(r, n, reviewer);
        return new ChangeKind[] {ChangeKind.REVIEW_REQUEST_REMOVED};
      }
      case 8 -> {
        if (!pr.assignees().isEmpty() && random.nextBoolean()) {
          simulator.unassign(r, n, pr.assignees().get(0));
        } else {
          simulator.assign(r, n, "assignee-" + unique);
        }
        return new ChangeKind[] {ChangeKind.ASSIGNEES_CHANGED};
      }
      case 9, 10 -> {
        simulator.close(r, n);
        return new ChangeKind[] {ChangeKind.CLOSED};
      }
      default -> {
        if (pr.draft()) {
          simulator.close(r, n);
          return new ChangeKind[] {ChangeKind.CLOSED};
        }
        simulator.merge(r, n);
        return new ChangeKind[] {ChangeKind.MERGED};
      }
    }
    return new ChangeKind[] {ChangeKind.EDITED};
  }
}
