package io.prmonitor.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.spi.RepositoryId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Offset pagination over the live sorted list: a PR updated between pages moves to page 1. */
class MidPassMutationTest {

  private static List<Integer> page(GitHubSimulator sim, RepositoryId repo, int page) {
    List<Integer> numbers = new ArrayList<>();
    Http.json(Http.get(sim, "/repos/" + repo.fullName() + "/pulls?state=all&sort=updated&direction=desc&per_page=10"
        + "&page=" + page)).forEach(item -> numbers.add(item.get("number").asInt()));
    return numbers;
  }

  @Test
  void afterPage_mutationShiftsLaterPagesAndPutsThePullRequestOnPageOne() {
    try (GitHubSimulator sim = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(30).start()) {
      RepositoryId repo = sim.repositories().get(0);
      List<Integer> before2 = page(sim, repo, 2);
      List<Integer> before3 = page(sim, repo, 3);
      int moved = before3.get(5);
      sim.afterPage(repo, 1, () -> sim.editTitle(repo, moved, "touched mid-pass"));

      List<Integer> page1 = page(sim, repo, 1);
      List<Integer> page2 = page(sim, repo, 2);
      List<Integer> page3 = page(sim, repo, 3);

      assertThat(page1).doesNotContain(moved);
      // everything after the first page slid down by one: page 2 now starts with page 1's old last item
      assertThat(page2.subList(1, 10)).isEqualTo(before2.subList(0, 9));
      assertThat(page3).doesNotContain(moved).contains(before2.get(9));
      assertThat(page(sim, repo, 1).get(0)).isEqualTo(moved);
    }
  }

  @Test
  void afterPage_isOneShot() {
    try (GitHubSimulator sim = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(30).start()) {
      RepositoryId repo = sim.repositories().get(0);
      int[] runs = {0};
      sim.afterPage(repo, 1, () -> runs[0]++);

      page(sim, repo, 1);
      page(sim, repo, 1);

      assertThat(runs[0]).isEqualTo(1);
    }
  }
}
