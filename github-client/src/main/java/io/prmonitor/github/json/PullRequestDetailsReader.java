package io.prmonitor.github.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.prmonitor.github.PullRequestDetails;
import java.io.IOException;
import java.io.InputStream;

/** Reads {@link PullRequestDetails} from a full pull request, streaming, skipping every other field. */
public final class PullRequestDetailsReader {

  private final GitHubJson json;

  public PullRequestDetailsReader(GitHubJson json) {
    this.json = json;
  }

  public PullRequestDetails read(InputStream in) throws IOException {
    int[] counts = new int[7];
    Boolean[] flags = new Boolean[2];
    try (JsonParser p = json.parser(in)) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw new com.fasterxml.jackson.core.JsonParseException(p, "expected a pull request object, found " + first);
      }
      GitHubJson.forEachField(p, (name, value) -> {
        switch (name) {
          case "number" -> counts[0] = intOrZero(p, value);
          case "commits" -> counts[1] = intOrZero(p, value);
          case "additions" -> counts[2] = intOrZero(p, value);
          case "deletions" -> counts[3] = intOrZero(p, value);
          case "changed_files" -> counts[4] = intOrZero(p, value);
          case "comments" -> counts[5] = intOrZero(p, value);
          case "review_comments" -> counts[6] = intOrZero(p, value);
          case "merged" -> flags[0] = booleanOrNull(p, value);
          case "mergeable" -> flags[1] = booleanOrNull(p, value);
          default -> p.skipChildren();
        }
      });
    }
    return new PullRequestDetails(counts[0], Boolean.TRUE.equals(flags[0]), flags[1], counts[1], counts[2],
        counts[3], counts[4], counts[5], counts[6]);
  }

  private static int intOrZero(JsonParser p, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_NUMBER_INT) {
      return p.getIntValue();
    }
    p.skipChildren();
    return 0;
  }

  private static Boolean booleanOrNull(JsonParser p, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
      return token == JsonToken.VALUE_TRUE;
    }
    p.skipChildren();
    return null;
  }
}
