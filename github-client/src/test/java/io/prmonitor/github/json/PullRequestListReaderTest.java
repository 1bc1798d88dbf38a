package io.prmonitor.github.json;

import static io.prmonitor.github.Payloads.array;
import static io.prmonitor.github.Payloads.exampleItem;
import static io.prmonitor.github.Payloads.item;
import static io.prmonitor.github.Payloads.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestState;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PullRequestListReaderTest {

  private final PullRequestListReader reader = new PullRequestListReader(new GitHubJson(64));

  private PullRequestListReader.Page read(byte[] body) throws IOException {
    return reader.read(stream(body));
  }

  @Test
  void read_githubExample_extractsEveryTrackedField() throws IOException {
    byte[] body = getClass().getResourceAsStream("/github-reference/example-pulls-list.json").readAllBytes();

    PullRequestListReader.Page page = read(body);

    assertThat(page.skipped()).isEmpty();
    Instant at = Instant.parse("2011-01-26T19:01:12Z");
    assertThat(page.pullRequests()).containsExactly(new PullRequest(1L, 1347, "Amazing new feature",
        "Please pull these awesome changes in!", PullRequestState.OPEN, false, "octocat",
        "6dcb09b5b57875f334f61aebed695e2e4193db5e", "new-topic", "master", List.of("bug"),
        List.of("hubot", "octocat"), List.of("other_user", "team:justice-league"), at, at, at, at));
  }

  @Test
  void read_closedWithMergedAt_isMerged() throws IOException {
    ObjectNode merged = item(1).put("state", "closed");
    ObjectNode closed = item(2).put("state", "closed").putNull("merged_at");

    List<PullRequest> prs = read(array(List.of(merged, closed))).pullRequests();

    assertThat(prs).extracting(PullRequest::state).containsExactly(PullRequestState.MERGED, PullRequestState.CLOSED);
  }

  @Test
  void read_nullsRealAnswersCarry_areTolerated() throws IOException {
    ObjectNode ghost = item(7);
    ghost.putNull("user");
    ghost.putNull("body");
    ghost.putNull("milestone");
    ghost.putNull("closed_at");
    ghost.putNull("merged_at");
    ((ObjectNode) ghost.get("head")).putNull("repo");
    ((ObjectNode) ghost.get("head")).putNull("user");
    ((ObjectNode) ghost.get("labels").get(0)).putNull("description");

    PullRequestListReader.Page page = read(array(List.of(ghost)));

    assertThat(page.skipped()).isEmpty();
    PullRequest pr = page.pullRequests().get(0);
    assertThat(pr.author()).isNull();
    assertThat(pr.body()).isNull();
    assertThat(pr.closedAt()).isNull();
    assertThat(pr.mergedAt()).isNull();
    assertThat(pr.labels()).containsExactly("bug");
    assertThat(pr.headSha()).isEqualTo("6dcb09b5b57875f334f61aebed695e2e4193db5e");
  }

  @Test
  void read_unicodeTitleAndDraft_arePreserved() throws IOException {
    ObjectNode item = item(3).put("title", "Fix für Ümläute 🚀 日本語").put("draft", true);

    PullRequest pr = read(array(List.of(item))).pullRequests().get(0);

    assertThat(pr.title()).isEqualTo("Fix für Ümläute 🚀 日本語");
    assertThat(pr.draft()).isTrue();
  }

  @Test
  void read_itemMissingRequiredField_isSkippedAndRestOfPageParsed() throws IOException {
    ObjectNode missingTitle = item(2);
    missingTitle.remove("title");

    PullRequestListReader.Page page = read(array(List.of(item(1), missingTitle, item(3))));

    assertThat(page.pullRequests()).extracting(PullRequest::number).containsExactly(1, 3);
    assertThat(page.skipped()).singleElement().satisfies(s -> {
      assertThat(s.index()).isEqualTo(1);
      assertThat(s.number()).isEqualTo(2);
      assertThat(s.reason()).contains("missing title");
    });
  }

  @Test
  void read_itemWithWronglyTypedFields_isSkippedWithEachReason() throws IOException {
    ObjectNode wrong = item(5);
    wrong.put("created_at", 12345);
    wrong.putArray("title").add("not a string");
    wrong.put("labels", "bug");

    PullRequestListReader.Page page = read(array(List.of(wrong, item(6))));

    assertThat(page.pullRequests()).extracting(PullRequest::number).containsExactly(6);
    assertThat(page.skipped()).singleElement().satisfies(s -> {
      assertThat(s.number()).isEqualTo(5);
      assertThat(s.reason()).contains("title has the wrong type", "labels has the wrong type", "created_at");
    });
  }

  @Test
  void read_badTimestampAndUnknownState_areSkipped() throws IOException {
    ObjectNode badTime = item(1).put("updated_at", "yesterday");
    ObjectNode badState = item(2).put("state", "exploded");

    PullRequestListReader.Page page = read(array(List.of(badTime, badState)));

    assertThat(page.pullRequests()).isEmpty();
    assertThat(page.skipped()).extracting(s -> s.reason())
        .containsExactly("updated_at is not an ISO-8601 timestamp: 'yesterday'", "unknown state 'exploded'");
  }

  @Test
  void read_nonObjectItem_isSkipped() throws IOException {
    byte[] body = ("[42, " + new String(array(List.of(item(1))), StandardCharsets.UTF_8).substring(1))
        .getBytes(StandardCharsets.UTF_8);

    PullRequestListReader.Page page = read(body);

    assertThat(page.pullRequests()).hasSize(1);
    assertThat(page.skipped()).singleElement().satisfies(s -> assertThat(s.index()).isZero());
  }

  @Test
  void read_emptyArray_isAnEmptyPage() throws IOException {
    PullRequestListReader.Page page = read("[]".getBytes(StandardCharsets.UTF_8));

    assertThat(page.pullRequests()).isEmpty();
    assertThat(page.skipped()).isEmpty();
  }

  @Test
  void read_truncatedBody_failsWithEof() {
    byte[] whole = array(List.of(item(1), item(2)));
    byte[] truncated = Arrays.copyOf(whole, whole.length / 2);

    assertThatThrownBy(() -> read(truncated)).isInstanceOfAny(EOFException.class, JsonProcessingException.class);
  }

  @Test
  void read_malformedJson_failsWithParseError() {
    byte[] malformed = "[{\"number\": 1, \"title\": }]".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> read(malformed)).isInstanceOf(JsonProcessingException.class);
  }

  @Test
  void read_objectInsteadOfArray_fails() {
    byte[] body = "{\"message\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> read(body)).isInstanceOf(JsonProcessingException.class)
        .hasMessageContaining("array of pull requests");
  }

  @Test
  void read_deeplyNestedPayload_failsOnTheNestingLimit() {
    String deep = "[{\"number\":1,\"extra\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}]";

    assertThatThrownBy(() -> read(deep.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(StreamConstraintsException.class);
  }

  @Test
  void read_unknownFieldsOfEveryShape_areSkipped() throws IOException {
    ObjectNode item = exampleItem();
    item.putObject("future_field").putArray("nested").addObject().put("deep", true);

    assertThat(read(array(List.of(item))).pullRequests()).hasSize(1);
  }
}
