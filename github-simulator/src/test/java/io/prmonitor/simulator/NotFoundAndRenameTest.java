package io.prmonitor.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.spi.RepositoryId;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Unknown repositories answer 404 with GitHub's body; renamed ones 301 to their new location. */
class NotFoundAndRenameTest {

  @AutoClose
  GitHubSimulator sim;

  @BeforeEach
  void start() {
    sim = GitHubSimulator.builder().repositories(2).pullRequestsPerRepository(3).start();
  }

  @Test
  void unknownRepository_answers404WithGitHubsBody() {
    HttpResponse<byte[]> response = Http.get(sim, "/repos/org-0/missing/pulls");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(Http.json(response).get("message").asText()).isEqualTo("Not Found");
    assertThat(Http.json(response).get("documentation_url").asText()).startsWith("https://docs.github.com/");
    assertThat(sim.stats().charged()).isEqualTo(1);
  }

  @Test
  void unknownPullRequest_answers404() {
    assertThat(Http.get(sim, "/repos/org-0/repo-0/pulls/999").statusCode()).isEqualTo(404);
  }

  @Test
  void renamedRepository_answers301WithLocationOfTheNewName() {
    RepositoryId old = sim.repositories().get(0);
    sim.renameRepository(old, "renamed");

    HttpResponse<byte[]> response = Http.get(sim, "/repos/" + old.fullName() + "/pulls?state=all&per_page=2");

    assertThat(response.statusCode()).isEqualTo(301);
    assertThat(Http.header(response, "Location"))
        .isEqualTo(sim.baseUrl() + "/repos/org-0/renamed/pulls?state=all&per_page=2");
    HttpResponse<byte[]> moved = Http.getUrl(Http.header(response, "Location"));
    assertThat(moved.statusCode()).isEqualTo(200);
    assertThat(Http.json(moved).get(0).at("/base/repo/full_name").asText()).isEqualTo("org-0/renamed");
    assertThat(sim.repositories()).contains(new RepositoryId("org-0", "renamed")).doesNotContain(old);
  }
}
