package io.prmonitor.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestState;
import io.prmonitor.spi.RepositoryId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The generated world has the mix of real repositories, in roughly the advertised proportions. */
class VarietyTest {

  static GitHubSimulator sim;
  static List<PullRequest> truth = new ArrayList<>();
  static List<JsonNode> items = new ArrayList<>();
  static long listBytes;

  @BeforeAll
  static void start() {
    sim = GitHubSimulator.builder().repositories(4).pullRequestsPerRepository(500).seed(5).start();
    for (RepositoryId repo : sim.repositories()) {
      truth.addAll(sim.truth(repo));
      for (int page = 1; page <= 5; page++) {
        java.net.http.HttpResponse<byte[]> response =
            Http.get(sim, "/repos/" + repo.fullName() + "/pulls?state=all&per_page=100&page=" + page);
        listBytes += response.body().length;
        Http.json(response).forEach(items::add);
      }
    }
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static double share(Predicate<PullRequest> predicate) {
    return truth.stream().filter(predicate).count() / (double) truth.size();
  }

  @Test
  void aboutOneInFiveBodies_isNull() {
    assertThat(share(pr -> pr.body() == null)).isBetween(0.15, 0.25);
  }

  @Test
  void aboutThreePercentOfAuthors_areGhosts() {
    assertThat(share(pr -> pr.author() == null)).isBetween(0.015, 0.05);
  }

  @Test
  void states_mixOpenClosedMergedAndDrafts() {
    assertThat(share(pr -> pr.state() == PullRequestState.OPEN)).isBetween(0.25, 0.45);
    assertThat(share(pr -> pr.state() == PullRequestState.CLOSED)).isBetween(0.15, 0.35);
    assertThat(share(pr -> pr.state() == PullRequestState.MERGED)).isBetween(0.3, 0.5);
    assertThat(share(PullRequest::draft)).isBetween(0.05, 0.2);
  }

  @Test
  void someBodies_areSeveralKilobytesOfUnicode() {
    assertThat(truth).anySatisfy(pr -> assertThat(pr.body()).hasSizeGreaterThan(4_000).contains("日本語"));
  }

  @Test
  void listItems_averageAboutTwentyKilobytes() {
    double average = listBytes / (double) items.size();

    assertThat(average).isBetween(17_000.0, 26_000.0);
  }

  @Test
  void labelsAssigneesReviewersAndTeams_spanTheirRanges() {
    assertThat(truth.stream().mapToInt(pr -> pr.labels().size()).max().orElseThrow()).isEqualTo(5);
    assertThat(truth.stream().mapToInt(pr -> pr.assignees().size()).max().orElseThrow()).isEqualTo(3);
    assertThat(share(pr -> pr.requestedReviewers().stream().anyMatch(r -> r.startsWith("team:")))).isBetween(0.15, 0.35);
    assertThat(share(pr -> pr.labels().isEmpty())).isBetween(0.1, 0.3);
  }

  @Test
  void aboutTwoPercentOfHeads_areDeletedForks() {
    double deleted = items.stream().filter(item -> item.at("/head/repo").isNull()).count() / (double) items.size();

    assertThat(deleted).isBetween(0.005, 0.04);
  }
}
