package io.prmonitor.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.prmonitor.spi.RepositoryId;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Generated payloads validate against GitHub's OpenAPI schemas (the lenient variants, which admit the nulls
 * real responses carry; see src/test/resources/github-reference/README.md and its licence).
 */
class SchemaTest {

  static GitHubSimulator sim;
  static List<JsonNode> listItems = new ArrayList<>();

  @BeforeAll
  static void start() {
    sim = GitHubSimulator.builder().repositories(12).pullRequestsPerRepository(100).seed(11).start();
    for (RepositoryId repo : sim.repositories()) {
      Http.json(Http.get(sim, "/repos/" + repo.fullName() + "/pulls?state=all&per_page=100"))
          .forEach(listItems::add);
    }
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static JsonSchema schema(String name) throws IOException {
    try (InputStream in = SchemaTest.class.getResourceAsStream("/github-reference/" + name)) {
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(Http.JSON.readTree(in));
    }
  }

  @Test
  void listItems_validateAgainstPullRequestSimple() throws IOException {
    JsonSchema schema = schema("pull-request-simple.lenient.schema.json");
    List<String> failures = new ArrayList<>();
    for (JsonNode item : listItems) {
      Set<ValidationMessage> errors = schema.validate(item);
      if (!errors.isEmpty()) {
        failures.add("#" + item.get("number") + " " + item.at("/base/repo/full_name") + ": " + errors);
      }
    }

    assertThat(listItems).hasSizeGreaterThanOrEqualTo(1_000);
    assertThat(failures).isEmpty();
  }

  @Test
  void fullPullRequests_validateAgainstPullRequest() throws IOException {
    JsonSchema schema = schema("pull-request.lenient.schema.json");
    List<String> failures = new ArrayList<>();
    int validated = 0;
    for (RepositoryId repo : sim.repositories()) {
      for (int n = 1; n <= 100; n++) {
        JsonNode pr = Http.json(Http.get(sim, "/repos/" + repo.fullName() + "/pulls/" + n));
        Set<ValidationMessage> errors = schema.validate(pr);
        validated++;
        if (!errors.isEmpty()) {
          failures.add(repo + "#" + n + ": " + errors);
        }
      }
    }

    assertThat(validated).isGreaterThanOrEqualTo(1_000);
    assertThat(failures).isEmpty();
  }

  @Test
  void sample_carriesTheNullsRealResponsesCarry() {
    assertThat(listItems).anySatisfy(item -> assertThat(item.get("user").isNull()).isTrue());
    assertThat(listItems).anySatisfy(item -> assertThat(item.at("/head/repo").isNull()).isTrue());
    assertThat(listItems).anySatisfy(item -> assertThat(item.get("body").isNull()).isTrue());
    assertThat(listItems).anySatisfy(item -> assertThat(item.get("milestone").isNull()).isTrue());
    assertThat(listItems).anySatisfy(item ->
        assertThat(item.get("labels").findValues("description")).anySatisfy(d -> assertThat(d.isNull()).isTrue()));
  }
}
