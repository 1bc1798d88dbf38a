package io.prmonitor.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestState;
import io.prmonitor.spi.RepositoryId;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The single pull request, reviews, combined status, repository and repository-list endpoints. */
class OtherEndpointsTest {

  static GitHubSimulator sim;
  static RepositoryId repo;

  @BeforeAll
  static void start() {
    sim = GitHubSimulator.builder().repositories(9).pullRequestsPerRepository(40).start();
    repo = sim.repositories().get(0);
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static PullRequest first(PullRequestState state) {
    return sim.truth(repo).stream().filter(pr -> pr.state() == state).findFirst().orElseThrow();
  }

  @Test
  void pull_ofMergedPullRequest_hasMergedByAndSizes() {
    PullRequest merged = first(PullRequestState.MERGED);

    JsonNode pr = Http.json(Http.get(sim, "/repos/" + repo.fullName() + "/pulls/" + merged.number()));

    assertThat(pr.get("merged").asBoolean()).isTrue();
    assertThat(pr.get("merged_by").get("login").asText()).isNotEmpty();
    assertThat(pr.get("mergeable").isNull()).isTrue();
    for (String field : new String[] {"commits", "additions", "deletions", "changed_files", "comments"}) {
      assertThat(pr.get(field).isInt()).as(field).isTrue();
    }
    assertThat(pr.get("merged_at").asText()).isEqualTo(merged.mergedAt().toString());
  }

  @Test
  void pull_ofOpenPullRequest_isMergeableAndNotMerged() {
    PullRequest open = first(PullRequestState.OPEN);

    JsonNode pr = Http.json(Http.get(sim, "/repos/" + repo.fullName() + "/pulls/" + open.number()));

    assertThat(pr.get("merged").asBoolean()).isFalse();
    assertThat(pr.get("mergeable").isBoolean()).isTrue();
    assertThat(pr.get("merged_by").isNull()).isTrue();
  }

  @Test
  void reviews_isAnArrayOfReviewsOfTheHeadCommit() {
    PullRequest pr = sim.truth(repo).get(3);

    JsonNode reviews = Http.json(Http.get(sim, "/repos/" + repo.fullName() + "/pulls/" + pr.number() + "/reviews"));

    assertThat(reviews.isArray()).isTrue();
    reviews.forEach(review -> {
      assertThat(review.get("state").asText()).isIn("APPROVED", "CHANGES_REQUESTED", "COMMENTED");
      assertThat(review.get("commit_id").asText()).isEqualTo(pr.headSha());
    });
  }

  @Test
  void combinedStatus_ofAHeadSha_reportsStateAndSha() {
    PullRequest pr = sim.truth(repo).get(0);

    JsonNode status = Http.json(Http.get(sim, "/repos/" + repo.fullName() + "/commits/" + pr.headSha() + "/status"));

    assertThat(status.get("sha").asText()).isEqualTo(pr.headSha());
    assertThat(status.get("state").asText()).isIn("success", "pending", "failure");
    assertThat(status.get("total_count").asInt()).isEqualTo(status.get("statuses").size());
  }

  @Test
  void combinedStatus_ofABranchName_resolvesItsHead() {
    PullRequest pr = sim.truth(repo).get(1);

    JsonNode status = Http.json(Http.get(sim, "/repos/" + repo.fullName() + "/commits/" + pr.headRef() + "/status"));

    assertThat(status.get("sha").asText()).isEqualTo(pr.headSha());
  }

  @Test
  void repository_describesItself() {
    JsonNode json = Http.json(Http.get(sim, "/repos/" + repo.fullName()));

    assertThat(json.get("full_name").asText()).isEqualTo(repo.fullName());
    assertThat(json.get("archived").asBoolean()).isFalse();
    assertThat(json.get("owner").get("type").asText()).isEqualTo("Organization");
  }

  @Test
  void orgRepos_listsTheOrganizationsRepositoriesWithPagination() {
    HttpResponse<byte[]> response = Http.get(sim, "/orgs/org-0/repos?per_page=2");

    assertThat(Http.json(response)).hasSize(2);
    assertThat(Http.header(response, "Link")).contains("rel=\"next\"").contains("page=2>; rel=\"last\"");
  }

  @Test
  void userRepos_ofAnUnknownUser_answers404() {
    assertThat(Http.get(sim, "/users/nobody-here/repos").statusCode()).isEqualTo(404);
  }

  @Test
  void installationRepositories_listsEveryRepositoryWithTotalCount() {
    JsonNode json = Http.json(Http.get(sim, "/installation/repositories?per_page=100"));

    assertThat(json.get("total_count").asInt()).isEqualTo(9);
    assertThat(json.get("repositories")).hasSize(9);
  }

  @Test
  void setArchived_isReportedInTheRepositoryObject() {
    RepositoryId last = sim.repositories().get(8);
    sim.setArchived(last, true);

    assertThat(Http.json(Http.get(sim, "/repos/" + last.fullName())).get("archived").asBoolean()).isTrue();
  }
}
