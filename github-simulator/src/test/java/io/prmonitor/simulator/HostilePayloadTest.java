package io.prmonitor.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.prmonitor.spi.RepositoryId;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hostile payloads for bad-input tests: broken items within a valid page, HTML, deep nesting. */
class HostilePayloadTest {

  @AutoClose
  GitHubSimulator sim;
  RepositoryId repo;
  String path;

  @BeforeEach
  void start() {
    sim = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(20).start();
    repo = sim.repositories().get(0);
    path = "/repos/" + repo.fullName() + "/pulls?state=all&sort=created&direction=asc";
  }

  @Test
  void missingFields_leaveOnlyTheIdentityOfTheItem() {
    sim.corruptPullRequest(repo, 3, Corruption.MISSING_FIELDS);

    JsonNode page = Http.json(Http.get(sim, path));

    assertThat(page.get(2).has("state")).isFalse();
    assertThat(page.get(2).has("head")).isFalse();
    assertThat(page.get(2).get("number").asInt()).isEqualTo(3);
    assertThat(page.get(3).has("head")).isTrue();
  }

  @Test
  void wrongTypes_keepTheFieldsWithTheWrongJsonTypes() {
    sim.corruptPullRequest(repo, 4, Corruption.WRONG_TYPES);

    JsonNode item = Http.json(Http.get(sim, path)).get(3);

    assertThat(item.get("number").isTextual()).isTrue();
    assertThat(item.get("labels").isObject()).isTrue();
    assertThat(item.get("draft").isNumber()).isTrue();
    assertThat(item.get("created_at").asText()).isEqualTo("yesterday");
  }

  @Test
  void repair_servesTheItemIntactWithANewEtag() {
    sim.corruptPullRequest(repo, 4, Corruption.WRONG_TYPES);
    String brokenEtag = Http.header(Http.get(sim, path), "ETag");
    sim.repairPullRequest(repo, 4);

    HttpResponse<byte[]> response = Http.get(sim, path, "If-None-Match", brokenEtag);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Http.json(response).get(3).get("number").isInt()).isTrue();
  }

  @Test
  void unexpectedContentType_answersHtmlWith200() {
    sim.faults().failNext(Fault.UNEXPECTED_CONTENT_TYPE, 1);

    HttpResponse<byte[]> response = Http.get(sim, path);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Http.header(response, "Content-Type")).startsWith("text/html");
  }

  @Test
  void deeplyNestedJson_nestsOneHundredThousandArrays() {
    sim.faults().failNext(Fault.DEEPLY_NESTED_JSON, 1);

    byte[] body = Http.get(sim, path).body();

    assertThat(body).hasSize(200_000);
    assertThat(body[99_999]).isEqualTo((byte) '[');
    assertThat(body[100_000]).isEqualTo((byte) ']');
  }
}
