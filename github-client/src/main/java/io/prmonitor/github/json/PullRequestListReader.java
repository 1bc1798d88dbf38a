package io.prmonitor.github.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestState;
import io.prmonitor.spi.SkippedPullRequest;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads a page of GitHub's pull request list ({@code pull-request-simple} items) straight from the
 * response stream, keeping only the fields of {@link PullRequest} and skipping the rest unread.
 *
 * <p>Memory is bounded by the kept fields: no tree and no string of the whole body is ever built. An
 * item with a missing or mistyped required field becomes a {@link SkippedPullRequest} and the rest of
 * the page is still read; malformed or truncated JSON fails the whole page with an {@link IOException}
 * (a {@link com.fasterxml.jackson.core.JsonProcessingException} or {@link EOFException}), which the
 * caller treats as retryable. Thread-safe.
 */
public final class PullRequestListReader {

  private final GitHubJson json;

  /** Creates a reader whose parsers have {@code json}'s limits. */
  public PullRequestListReader(GitHubJson json) {
    this.json = Objects.requireNonNull(json, "null json");
  }

  /**
   * The readable pull requests of a page, in the server's order, and the items that were not.
   *
   * @param pullRequests the pull requests read
   * @param skipped the items that could not be read, with the reason
   */
  public record Page(List<PullRequest> pullRequests, List<SkippedPullRequest> skipped) {
    public Page {
      pullRequests = List.copyOf(pullRequests);
      skipped = List.copyOf(skipped);
    }
  }

  /**
   * Reads a whole page; the stream is read to its end but not closed.
   *
   * @throws IOException if the body is not a JSON array of objects, is malformed or ends early
   */
  public Page read(InputStream in) throws IOException {
    List<PullRequest> pullRequests = new ArrayList<>(100);
    List<SkippedPullRequest> skipped = new ArrayList<>(0);
    try (JsonParser p = json.parser(in)) {
      JsonToken token = p.nextToken();
      if (token != JsonToken.START_ARRAY) {
        throw GitHubJson.eofOrUnexpected(p, token, "a JSON array of pull requests");
      }
      int index = 0;
      while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
        if (token == null) {
          throw new EOFException("JSON input ended inside the pull request list after " + index + " items");
        }
        if (token != JsonToken.START_OBJECT) {
          p.skipChildren();
          skipped.add(new SkippedPullRequest(index, 0, "list item is " + token + ", not an object"));
        } else {
          Item item = new Item();
          GitHubJson.forEachField(p, (name, value) -> item.field(p, name, value));
          item.finish(index, pullRequests, skipped);
        }
        index++;
      }
      JsonToken trailing = p.nextToken();
      if (trailing != null) {
        throw GitHubJson.eofOrUnexpected(p, trailing, "the end of input");
      }
    }
    return new Page(pullRequests, skipped);
  }

  /** The kept fields of one list item while it is read, and what was wrong with it. */
  private static final class Item {
    private Long id;
    private Integer number;
    private String title;
    private String body;
    private String state;
    private boolean draft;
    private String author;
    private String headSha;
    private String headRef;
    private String baseRef;
    private final List<String> labels = new ArrayList<>(4);
    private final List<String> assignees = new ArrayList<>(4);
    private final List<String> reviewers = new ArrayList<>(4);
    private String createdAt;
    private String updatedAt;
    private String closedAt;
    private String mergedAt;
    private List<String> problems;

    void field(JsonParser p, String name, JsonToken token) throws IOException {
      switch (name) {
        case "id" -> id = longValue(p, token, name);
        case "number" -> number = intValue(p, token, name);
        case "title" -> title = string(p, token, name, false);
        case "body" -> body = string(p, token, name, true);
        case "state" -> state = string(p, token, name, false);
        case "draft" -> draft = booleanValue(p, token, name);
        case "user" -> author = user(p, token);
        case "labels" -> names(p, token, name, "name", "", labels);
        case "assignees" -> names(p, token, name, "login", "", assignees);
        case "requested_reviewers" -> names(p, token, name, "login", "", reviewers);
        case "requested_teams" -> names(p, token, name, "slug", "team:", reviewers);
        case "head" -> head(p, token);
        case "base" -> base(p, token);
        case "created_at" -> createdAt = string(p, token, name, false);
        case "updated_at" -> updatedAt = string(p, token, name, false);
        case "closed_at" -> closedAt = string(p, token, name, true);
        case "merged_at" -> mergedAt = string(p, token, name, true);
        default -> p.skipChildren();
      }
    }

    void finish(int index, List<PullRequest> pullRequests, List<SkippedPullRequest> skipped) {
      require(id, "id");
      require(title, "title");
      require(state, "state");
      require(headSha, "head.sha");
      require(headRef, "head.ref");
      require(baseRef, "base.ref");
      Instant created = instant(createdAt, "created_at", true);
      Instant updated = instant(updatedAt, "updated_at", true);
      Instant closed = instant(closedAt, "closed_at", false);
      Instant merged = instant(mergedAt, "merged_at", false);
      if (number == null || number <= 0) {
        problem(number == null ? "missing number" : "number is not positive: " + number);
      }
      PullRequestState prState = null;
      if ("open".equals(state)) {
        prState = PullRequestState.OPEN;
      } else if ("closed".equals(state)) {
        prState = merged != null ? PullRequestState.MERGED : PullRequestState.CLOSED;
      } else if (state != null) {
        problem("unknown state '" + state + "'");
      }
      int known = number != null && number > 0 ? number : 0;
      if (problems != null) {
        skipped.add(new SkippedPullRequest(index, known, String.join("; ", problems)));
        return;
      }
      try {
        pullRequests.add(new PullRequest(id, number, title, body, prState, draft, author, headSha, headRef,
            baseRef, labels, assignees, reviewers, created, updated, closed, merged));
      } catch (IllegalArgumentException | NullPointerException e) {
        skipped.add(new SkippedPullRequest(index, known, e.getMessage()));
      }
    }

    private void require(Object value, String name) {
      if (value == null) {
        problem("missing " + name);
      }
    }

    private Instant instant(String text, String name, boolean required) {
      if (text == null) {
        if (required) {
          problem("missing " + name);
        }
        return null;
      }
      Instant parsed = GitHubJson.instantOrNull(text);
      if (parsed == null) {
        problem(name + " is not an ISO-8601 timestamp: '" + abbreviate(text) + "'");
      }
      return parsed;
    }

    private void problem(String problem) {
      if (problems == null) {
        problems = new ArrayList<>(2);
      }
      problems.add(problem);
    }

    private void wrongType(JsonParser p, String name, JsonToken token) throws IOException {
      problem(name + " has the wrong type " + token);
      p.skipChildren();
    }

    private String string(JsonParser p, JsonToken token, String name, boolean nullable) throws IOException {
      if (token == JsonToken.VALUE_STRING) {
        return p.getText();
      }
      if (token == JsonToken.VALUE_NULL) {
        if (!nullable) {
          problem(name + " is null");
        }
        return null;
      }
      wrongType(p, name, token);
      return null;
    }

    private Long longValue(JsonParser p, JsonToken token, String name) throws IOException {
      if (token == JsonToken.VALUE_NUMBER_INT) {
        try {
          return p.getLongValue();
        } catch (InputCoercionException e) {
          problem(name + " is out of range");
          return null;
        }
      }
      wrongType(p, name, token);
      return null;
    }

    private Integer intValue(JsonParser p, JsonToken token, String name) throws IOException {
      if (token == JsonToken.VALUE_NUMBER_INT) {
        try {
          return p.getIntValue();
        } catch (InputCoercionException e) {
          problem(name + " is out of range");
          return null;
        }
      }
      wrongType(p, name, token);
      return null;
    }

    private boolean booleanValue(JsonParser p, JsonToken token, String name) throws IOException {
      if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
        return token == JsonToken.VALUE_TRUE;
      }
      if (token != JsonToken.VALUE_NULL) {
        wrongType(p, name, token);
      }
      return false;
    }

    /** The login of a user object; null for a ghost ({@code "user": null}). */
    private String user(JsonParser p, JsonToken token) throws IOException {
      if (token == JsonToken.VALUE_NULL) {
        return null;
      }
      if (token != JsonToken.START_OBJECT) {
        wrongType(p, "user", token);
        return null;
      }
      String[] login = new String[1];
      GitHubJson.forEachField(p, (name, value) -> {
        if (name.equals("login")) {
          login[0] = string(p, value, "user.login", false);
        } else {
          p.skipChildren();
        }
      });
      return login[0];
    }

    /** Collects {@code prefix + element[key]} of an array of objects into {@code into}. */
    private void names(JsonParser p, JsonToken token, String name, String key, String prefix, List<String> into)
        throws IOException {
      if (token == JsonToken.VALUE_NULL) {
        return;
      }
      if (token != JsonToken.START_ARRAY) {
        wrongType(p, name, token);
        return;
      }
      int i = 0;
      JsonToken element;
      while ((element = p.nextToken()) != JsonToken.END_ARRAY) {
        if (element == null) {
          throw new EOFException("JSON input ended inside " + name);
        }
        int index = i;
        if (element != JsonToken.START_OBJECT) {
          wrongType(p, name + "[" + index + "]", element);
        } else {
          String[] found = new String[1];
          GitHubJson.forEachField(p, (field, value) -> {
            if (field.equals(key)) {
              // the field's path is spelled out only for a problem report
              found[0] = value == JsonToken.VALUE_STRING ? p.getText()
                  : string(p, value, name + "[" + index + "]." + key, false);
            } else {
              p.skipChildren();
            }
          });
          if (found[0] != null) {
            into.add(prefix.isEmpty() ? found[0] : prefix + found[0]);
          } else {
            problem("missing " + name + "[" + index + "]." + key);
          }
        }
        i++;
      }
    }

    private void head(JsonParser p, JsonToken token) throws IOException {
      if (token != JsonToken.START_OBJECT) {
        wrongType(p, "head", token);
        return;
      }
      GitHubJson.forEachField(p, (name, value) -> {
        switch (name) {
          case "sha" -> headSha = string(p, value, "head.sha", false);
          case "ref" -> headRef = string(p, value, "head.ref", false);
          default -> p.skipChildren();
        }
      });
    }

    private void base(JsonParser p, JsonToken token) throws IOException {
      if (token != JsonToken.START_OBJECT) {
        wrongType(p, "base", token);
        return;
      }
      GitHubJson.forEachField(p, (name, value) -> {
        if (name.equals("ref")) {
          baseRef = string(p, value, "base.ref", false);
        } else {
          p.skipChildren();
        }
      });
    }

    private static String abbreviate(String text) {
      return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
  }
}
