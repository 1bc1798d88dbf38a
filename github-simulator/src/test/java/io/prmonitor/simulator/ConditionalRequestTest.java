package io.prmonitor.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.spi.RepositoryId;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Weak ETags on 200s, free 304s with empty bodies, and ETags that change with the content. */
class ConditionalRequestTest {

  @AutoClose
  GitHubSimulator sim;
  RepositoryId repo;
  String path;

  @BeforeEach
  void start() {
    sim = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(150).tokens("t").start();
    repo = sim.repositories().get(0);
    path = "/repos/" + repo.fullName() + "/pulls?state=all&sort=updated&direction=desc&per_page=100";
  }

  @Test
  void ok_carriesWeakEtag() {
    assertThat(Http.header(Http.get(sim, path, "Authorization", "token t"), "ETag")).matches("W/\"[0-9a-f]{64}\"");
  }

  @Test
  void matchingIfNoneMatch_answers304WithEmptyBodyAndCostsNothing() {
    String etag = Http.header(Http.get(sim, path, "Authorization", "token t"), "ETag");
    sim.resetStats();

    HttpResponse<byte[]> response = Http.get(sim, path, "Authorization", "token t", "If-None-Match", etag);

    assertThat(response.statusCode()).isEqualTo(304);
    assertThat(response.body()).isEmpty();
    assertThat(Http.header(response, "X-RateLimit-Remaining")).isEqualTo("4999");
    assertThat(sim.stats().charged()).isZero();
    assertThat(sim.stats().notModified()).isEqualTo(1);
  }

  @Test
  void strongFormOfTheEtag_alsoMatches() {
    String etag = Http.header(Http.get(sim, path, "Authorization", "token t"), "ETag");

    assertThat(Http.get(sim, path, "Authorization", "token t", "If-None-Match", etag.substring(2)).statusCode())
        .isEqualTo(304);
  }

  @Test
  void mutation_changesTheEtagOfTheFirstPage() {
    String etag = Http.header(Http.get(sim, path, "Authorization", "token t"), "ETag");
    sim.editTitle(repo, 3, "changed");

    HttpResponse<byte[]> response = Http.get(sim, path, "Authorization", "token t", "If-None-Match", etag);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Http.header(response, "ETag")).isNotEqualTo(etag);
    assertThat(Http.json(response).get(0).get("title").asText()).isEqualTo("changed");
  }

  @Test
  void singlePullRequest_supportsConditionalRequests() {
    String single = "/repos/" + repo.fullName() + "/pulls/5";
    String etag = Http.header(Http.get(sim, single, "Authorization", "token t"), "ETag");

    assertThat(Http.get(sim, single, "Authorization", "token t", "If-None-Match", etag).statusCode()).isEqualTo(304);
  }
}
