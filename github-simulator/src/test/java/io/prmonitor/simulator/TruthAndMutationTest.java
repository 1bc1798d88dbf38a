package io.prmonitor.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestState;
import io.prmonitor.spi.RepositoryId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** truth() is exactly what the list payload says, and every mutation shows up in both. */
class TruthAndMutationTest {

  @AutoClose
  GitHubSimulator sim;
  RepositoryId repo;

  @BeforeEach
  void start() {
    sim = GitHubSimulator.builder().repositories(2).pullRequestsPerRepository(120).seed(3).start();
    repo = sim.repositories().get(0);
  }

  /** The SPI mapping of a list item, as the simulator's brief defines it. */
  static PullRequest fromItem(JsonNode item) {
    List<String> reviewers = new ArrayList<>();
    item.get("requested_reviewers").forEach(u -> reviewers.add(u.get("login").asText()));
    item.get("requested_teams").forEach(t -> reviewers.add("team:" + t.get("slug").asText()));
    List<String> labels = new ArrayList<>();
    item.get("labels").forEach(l -> labels.add(l.get("name").asText()));
    List<String> assignees = new ArrayList<>();
    item.get("assignees").forEach(u -> assignees.add(u.get("login").asText()));
    PullRequestState state = item.get("state").asText().equals("open") ? PullRequestState.OPEN
        : item.get("merged_at").isNull() ? PullRequestState.CLOSED : PullRequestState.MERGED;
    return new PullRequest(item.get("id").asLong(), item.get("number").asInt(), item.get("title").asText(),
        item.get("body").isNull() ? null : item.get("body").asText(), state, item.get("draft").asBoolean(),
        item.get("user").isNull() ? null : item.get("user").get("login").asText(),
        item.at("/head/sha").asText(), item.at("/head/ref").asText(), item.at("/base/ref").asText(), labels,
        assignees, reviewers, instant(item.get("created_at")), instant(item.get("updated_at")),
        instant(item.get("closed_at")), instant(item.get("merged_at")));
  }

  private static Instant instant(JsonNode node) {
    return node.isNull() ? null : Instant.parse(node.asText());
  }

  private List<PullRequest> listed() {
    List<PullRequest> all = new ArrayList<>();
    for (int page = 1; page <= 2; page++) {
      Http.json(Http.get(sim, "/repos/" + repo.fullName() + "/pulls?state=all&per_page=100&page=" + page))
          .forEach(item -> all.add(fromItem(item)));
    }
    all.sort(Comparator.comparingInt(PullRequest::number));
    return all;
  }

  @Test
  void truth_equalsWhatTheListPayloadSays() {
    assertThat(listed()).isEqualTo(sim.truth(repo));
  }

  @Test
  void everyMutationKind_isReflectedInPayloadAndTruth() {
    int n = sim.openPullRequest(repo);
    sim.editTitle(repo, n, "Ünïcödé 🚀 title");
    sim.editBody(repo, n, null);
    sim.changeBase(repo, n, "develop");
    sim.pushCommits(repo, n);
    sim.addLabel(repo, n, "brand new label");
    sim.addLabel(repo, n, "bug");
    sim.removeLabel(repo, n, "bug");
    sim.convertToDraft(repo, n);
    sim.markReadyForReview(repo, n);
    sim.requestReview(repo, n, "alice");
    sim.requestReview(repo, n, "carol");
    sim.removeReviewRequest(repo, n, "carol");
    sim.requestTeamReview(repo, n, "core-team");
    sim.assign(repo, n, "bob");
    sim.close(repo, n);
    sim.reopen(repo, n);
    sim.merge(repo, n);

    PullRequest pr = sim.truth(repo).get(n - 1);
    assertThat(pr.title()).isEqualTo("Ünïcödé 🚀 title");
    assertThat(pr.body()).isNull();
    assertThat(pr.baseRef()).isEqualTo("develop");
    assertThat(pr.labels()).contains("brand new label").doesNotContain("bug");
    assertThat(pr.requestedReviewers()).containsExactly("alice", "team:core-team");
    assertThat(pr.assignees()).containsExactly("bob");
    assertThat(pr.state()).isEqualTo(PullRequestState.MERGED);
    assertThat(pr.mergedAt()).isEqualTo(pr.updatedAt()).isEqualTo(pr.closedAt());
    assertThat(listed()).isEqualTo(sim.truth(repo));
  }

  @Test
  void mutations_stampStrictlyIncreasingUpdatedAtAboveEverything() {
    Instant maxBefore = sim.repositories().stream().flatMap(r -> sim.truth(r).stream())
        .map(PullRequest::updatedAt).max(Comparator.naturalOrder()).orElseThrow();
    sim.editTitle(repo, 1, "a");
    Instant first = sim.truth(repo).get(0).updatedAt();
    sim.editTitle(sim.repositories().get(1), 2, "b");
    Instant second = sim.truth(sim.repositories().get(1)).get(1).updatedAt();

    assertThat(first).isAfter(maxBefore);
    assertThat(second).isAfter(first);
  }

  @Test
  void noOpMutation_leavesUpdatedAtAlone() {
    PullRequest before = sim.truth(repo).get(4);
    sim.editTitle(repo, 5, before.title());

    assertThat(sim.truth(repo).get(4)).isEqualTo(before);
  }

  @Test
  void generatedUpdatedAt_isDistinctWithinARepositoryAndInThePast() {
    List<PullRequest> truth = sim.truth(repo);

    assertThat(truth.stream().map(PullRequest::updatedAt).distinct().count()).isEqualTo(truth.size());
    assertThat(truth).allSatisfy(pr -> assertThat(pr.updatedAt()).isBefore(Instant.now()));
  }

  @Test
  void mergingAClosedPullRequest_throwsNamingIt() {
    int n = sim.openPullRequest(repo);
    sim.close(repo, n);

    assertThatThrownBy(() -> sim.merge(repo, n)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(repo + "#" + n);
  }

  @Test
  void reopeningAMergedPullRequest_throws() {
    int n = sim.openPullRequest(repo);
    sim.merge(repo, n);

    assertThatThrownBy(() -> sim.reopen(repo, n)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("merged");
  }

  @Test
  void unknownRepository_isRejected() {
    assertThatThrownBy(() -> sim.truth(new RepositoryId("nobody", "nothing")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nobody/nothing");
  }

  @Test
  void sameSeed_generatesTheSameWorld() {
    try (GitHubSimulator twin = GitHubSimulator.builder().repositories(2).pullRequestsPerRepository(120).seed(3)
        .clock(java.time.Clock.fixed(sim.truth(repo).get(0).createdAt().plusSeconds(400L * 86_400),
            java.time.ZoneOffset.UTC)).start();
        GitHubSimulator same = GitHubSimulator.builder().repositories(2).pullRequestsPerRepository(120).seed(3)
        .clock(java.time.Clock.fixed(sim.truth(repo).get(0).createdAt().plusSeconds(400L * 86_400),
            java.time.ZoneOffset.UTC)).start()) {
      assertThat(twin.truth(repo)).isEqualTo(same.truth(repo));
    }
  }
}
