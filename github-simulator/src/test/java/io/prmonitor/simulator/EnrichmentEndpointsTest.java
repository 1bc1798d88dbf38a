package io.prmonitor.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.prmonitor.spi.ChecksState;
import io.prmonitor.spi.Mergeability;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.ReviewDecision;
import io.prmonitor.spi.ReviewState;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.testing.MutableClock;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reviews, comments, check runs, statuses and mergeability over REST: state from the control mutations,
 * GitHub's timestamp rules (a review or comment moves {@code updated_at}, CI does not), entity tags.
 */
class EnrichmentEndpointsTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));
  @AutoClose
  private GitHubSimulator sim;
  private RepositoryId repo;
  private int number;

  @BeforeEach
  void start() {
    sim = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(30).clock(clock)
        .mergeableDelay(Duration.ofSeconds(5)).start();
    repo = sim.repositories().get(0);
    number = sim.openPullRequest(repo);
  }

  private PullRequest truth() {
    return sim.truth(repo).stream().filter(pr -> pr.number() == number).findFirst().orElseThrow();
  }

  private String path(String tail) {
    return "/repos/" + repo.fullName() + tail;
  }

  @Test
  void newPullRequest_hasNoReviewsNoChecksAndIsMergeable() {
    PullRequestEnrichment truth = sim.enrichmentTruth(repo).get(number);

    assertThat(truth.latestReviews()).isEmpty();
    assertThat(truth.checks()).isEqualTo(ChecksState.NONE);
    assertThat(truth.reviewDecision()).isEqualTo(ReviewDecision.REVIEW_REQUIRED);
    assertThat(truth.comments()).isZero();
    JsonNode runs = Http.json(Http.get(sim, path("/commits/" + truth().headSha() + "/check-runs")));
    assertThat(runs.get("total_count").asInt()).isZero();
    JsonNode status = Http.json(Http.get(sim, path("/commits/" + truth().headSha() + "/status")));
    assertThat(status.get("state").asText()).isEqualTo("pending");
    assertThat(status.get("total_count").asInt()).isZero();
  }

  @Test
  void submitReview_movesUpdatedAt_andShowsInReviewsAndDecision() {
    sim.requestReview(repo, number, "carol");
    clock.advance(Duration.ofSeconds(3));
    Instant before = truth().updatedAt();

    clock.advance(Duration.ofSeconds(3));
    sim.submitReview(repo, number, "carol", ReviewState.CHANGES_REQUESTED);

    assertThat(truth().updatedAt()).isAfter(before);
    assertThat(truth().requestedReviewers()).doesNotContain("carol");
    JsonNode reviews = Http.json(Http.get(sim, path("/pulls/" + number + "/reviews")));
    assertThat(reviews).hasSize(1);
    assertThat(reviews.get(0).get("user").get("login").asText()).isEqualTo("carol");
    assertThat(reviews.get(0).get("state").asText()).isEqualTo("CHANGES_REQUESTED");
    assertThat(sim.enrichmentTruth(repo).get(number).reviewDecision()).isEqualTo(ReviewDecision.CHANGES_REQUESTED);
  }

  @Test
  void dismissReview_makesTheLatestReviewDismissed() {
    sim.submitReview(repo, number, "carol", ReviewState.APPROVED);
    assertThat(sim.enrichmentTruth(repo).get(number).reviewDecision()).isEqualTo(ReviewDecision.APPROVED);

    sim.dismissReview(repo, number, "carol");

    PullRequestEnrichment truth = sim.enrichmentTruth(repo).get(number);
    assertThat(truth.latestReviews()).containsEntry("carol", ReviewState.DISMISSED);
    assertThat(truth.reviewDecision()).isEqualTo(ReviewDecision.REVIEW_REQUIRED);
    assertThatThrownBy(() -> sim.dismissReview(repo, number, "nobody"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nobody");
  }

  @Test
  void checkRunsAndStatuses_leaveUpdatedAtAndTheListAlone_andRollUp() {
    Instant updatedAt = truth().updatedAt();
    HttpResponse<byte[]> list = Http.get(sim, path("/pulls?state=all&sort=updated&direction=desc&per_page=100"));
    clock.advance(Duration.ofSeconds(10));

    sim.setCheckRun(repo, number, "build", "in_progress", null);
    sim.setCommitStatus(repo, number, "ci/lint", "success");

    assertThat(truth().updatedAt()).isEqualTo(updatedAt);
    HttpResponse<byte[]> again = Http.get(sim, path("/pulls?state=all&sort=updated&direction=desc&per_page=100"),
        "If-None-Match", Http.header(list, "ETag"));
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(sim.enrichmentTruth(repo).get(number).checks()).isEqualTo(ChecksState.PENDING);
    JsonNode runs = Http.json(Http.get(sim, path("/commits/" + truth().headSha() + "/check-runs")));
    assertThat(runs.get("check_runs").get(0).get("status").asText()).isEqualTo("in_progress");
    assertThat(runs.get("check_runs").get(0).get("conclusion").isNull()).isTrue();

    sim.setCheckRun(repo, number, "build", "completed", "timed_out");
    assertThat(sim.enrichmentTruth(repo).get(number).checks()).isEqualTo(ChecksState.FAILURE);
    sim.setCheckRun(repo, number, "build", "completed", "neutral");
    sim.setCommitStatus(repo, number, "ci/lint", "error");
    assertThat(sim.enrichmentTruth(repo).get(number).checks()).isEqualTo(ChecksState.ERROR);
    JsonNode status = Http.json(Http.get(sim, path("/commits/" + truth().headSha() + "/status")));
    assertThat(status.get("state").asText()).isEqualTo("failure");
    assertThat(status.get("statuses").get(0).get("context").asText()).isEqualTo("ci/lint");
  }

  @Test
  void checkRuns_answerNotModifiedUntilTheyChange() {
    String url = path("/commits/" + truth().headSha() + "/check-runs");
    sim.setCheckRun(repo, number, "build", "queued", null);
    HttpResponse<byte[]> first = Http.get(sim, url);

    assertThat(Http.get(sim, url, "If-None-Match", Http.header(first, "ETag")).statusCode()).isEqualTo(304);
    sim.setCheckRun(repo, number, "build", "completed", "success");
    assertThat(Http.get(sim, url, "If-None-Match", Http.header(first, "ETag")).statusCode()).isEqualTo(200);
  }

  @Test
  void push_leavesTheNewHeadWithoutChecks_andMergeabilityUnknownUntilComputed() {
    sim.setCheckRun(repo, number, "build", "completed", "success");
    sim.setConflicting(repo, number, true);
    String oldHead = truth().headSha();

    sim.pushCommits(repo, number);

    assertThat(sim.enrichmentTruth(repo).get(number).checks()).isEqualTo(ChecksState.NONE);
    JsonNode old = Http.json(Http.get(sim, path("/commits/" + oldHead + "/check-runs")));
    assertThat(old.get("total_count").asInt()).isEqualTo(1);
    JsonNode pr = Http.json(Http.get(sim, path("/pulls/" + number)));
    assertThat(pr.get("mergeable").isNull()).isTrue();
    assertThat(pr.get("mergeable_state").asText()).isEqualTo("unknown");
    clock.advance(Duration.ofSeconds(5));
    JsonNode computed = Http.json(Http.get(sim, path("/pulls/" + number)));
    assertThat(computed.get("mergeable").asBoolean()).isFalse();
    assertThat(sim.enrichmentTruth(repo).get(number).mergeable()).isEqualTo(Mergeability.CONFLICTING);
  }

  @Test
  void addComment_countsAndMovesUpdatedAt() {
    Instant before = truth().updatedAt();
    clock.advance(Duration.ofSeconds(2));

    sim.addComment(repo, number);
    sim.addComment(repo, number);

    assertThat(truth().updatedAt()).isAfter(before);
    assertThat(Http.json(Http.get(sim, path("/pulls/" + number))).get("comments").asInt()).isEqualTo(2);
    assertThat(sim.enrichmentTruth(repo).get(number).comments()).isEqualTo(2);
  }

  @Test
  void badCheckValues_rejectedNamingTheValue() {
    assertThatThrownBy(() -> sim.setCheckRun(repo, number, "build", "done", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("done");
    assertThatThrownBy(() -> sim.setCheckRun(repo, number, "build", "completed", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conclusion");
    assertThatThrownBy(() -> sim.setCommitStatus(repo, number, "ci", "green"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("green");
    assertThatThrownBy(() -> sim.submitReview(repo, number, "carol", ReviewState.DISMISSED))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DISMISSED");
  }

  @Test
  void controlApi_drivesEnrichmentMutations() {
    String base = "{\"repo\":\"" + repo.fullName() + "\",\"number\":" + number;
    Http.post(sim, "/_sim/mutate", base + ",\"op\":\"submitReview\",\"login\":\"dave\",\"value\":\"APPROVED\"}");
    Http.post(sim, "/_sim/mutate", base + ",\"op\":\"setCheckRun\",\"name\":\"test\",\"value\":\"completed\","
        + "\"conclusion\":\"failure\"}");
    Http.post(sim, "/_sim/mutate", base + ",\"op\":\"addComment\"}");
    Http.post(sim, "/_sim/mutate", base + ",\"op\":\"setConflicting\",\"value\":\"true\"}");

    JsonNode truth = Http.json(Http.get(sim, "/_sim/enrichment-truth/" + repo.fullName())).get(
        Integer.toString(number));
    assertThat(truth.get("latestReviews").asText()).isEqualTo("dave:APPROVED");
    assertThat(truth.get("checks").asText()).isEqualTo("FAILURE");
    assertThat(truth.get("comments").asInt()).isEqualTo(1);
    assertThat(truth.get("mergeable").asText()).isEqualTo("CONFLICTING");
  }
}
