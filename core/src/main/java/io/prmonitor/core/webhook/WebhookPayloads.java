package io.prmonitor.core.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.prmonitor.spi.RepositoryId;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the few fields of a GitHub webhook payload a re-read needs, streaming, without building a tree:
 * {@code repository.full_name}, and per event the pull requests it names.
 *
 * <table>
 *   <caption>What is read per event</caption>
 *   <tr><th>event</th><th>pull requests</th></tr>
 *   <tr><td>{@code pull_request}</td><td>{@code pull_request.number}, {@code .updated_at}, {@code .head.sha}</td></tr>
 *   <tr><td>{@code pull_request_review}, {@code pull_request_review_comment},
 *       {@code pull_request_review_thread}</td><td>{@code pull_request.number}</td></tr>
 *   <tr><td>{@code issue_comment}</td><td>{@code issue.number} if {@code issue.pull_request} is present
 *       (else the comment is on an issue: ignored)</td></tr>
 *   <tr><td>{@code check_run}, {@code check_suite}</td><td>{@code check_run.pull_requests[].number}
 *       ({@code check_suite...}); often empty for forks</td></tr>
 *   <tr><td>{@code status}</td><td>none (a commit status names a SHA, not a pull request)</td></tr>
 * </table>
 * Other events are not parsed at all. Stateless and thread-safe.
 */
final class WebhookPayloads {

  /** The events a monitor acts on. */
  static final Set<String> HANDLED = Set.of("pull_request", "pull_request_review", "pull_request_review_comment",
      "pull_request_review_thread", "issue_comment", "check_run", "check_suite", "status");

  private static final JsonFactory JSON = new JsonFactory();

  private WebhookPayloads() {
  }

  /**
   * Reads a payload of a handled event.
   *
   * @return the event, or null if it names no repository it could be about (an issue comment on an issue)
   * @throws IllegalArgumentException if the body is not JSON, or lacks {@code repository.full_name}, or a
   *     field read has the wrong type
   */
  static WebhookEvent parse(String event, byte[] body, int offset, int length) {
    Map<String, String> scalars = new LinkedHashMap<>();
    List<Integer> listed = new ArrayList<>();
    String listPath = switch (event) {
      case "check_run" -> "check_run/pull_requests/*/number";
      case "check_suite" -> "check_suite/pull_requests/*/number";
      default -> null;
    };
    try (JsonParser parser = JSON.createParser(body, offset, length)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("payload is not a JSON object");
      }
      Deque<String> path = new ArrayDeque<>();
      String field = null;
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        switch (token) {
          case FIELD_NAME -> field = parser.currentName();
          case START_OBJECT, START_ARRAY -> {
            String name = field != null ? field : "*";
            path.addLast(name);
            String here = String.join("/", path);
            if (path.size() > 4 || !wanted(here)) {
              parser.skipChildren();
              path.removeLast();
            } else if (here.equals("issue/pull_request")) {
              scalars.put(here, "present");
            }
            field = null;
          }
          case END_OBJECT, END_ARRAY -> {
            path.pollLast();
            field = null;
          }
          default -> {
            String name = field != null ? field : "*";
            String here = path.isEmpty() ? name : String.join("/", path) + "/" + name;
            if (here.equals(listPath)) {
              if (token != JsonToken.VALUE_NUMBER_INT) {
                throw new IllegalArgumentException(here + " is not a number");
              }
              listed.add(parser.getIntValue());
            } else if (wanted(here)) {
              scalars.put(here, token == JsonToken.VALUE_NULL ? null : parser.getText());
            }
            field = null;
          }
        }
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("payload is not readable JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("payload is not readable JSON: " + e.getMessage(), e);
    }
    String fullName = scalars.get("repository/full_name");
    if (fullName == null) {
      throw new IllegalArgumentException("payload has no repository.full_name");
    }
    RepositoryId repository = RepositoryId.parse(fullName);
    return switch (event) {
      case "pull_request" -> new WebhookEvent(repository, WebhookEvent.Kind.PULL_REQUEST,
          List.of(new WebhookEvent.Hint(number(scalars, "pull_request/number"),
              instant(scalars.get("pull_request/updated_at")), scalars.get("pull_request/head/sha"))));
      case "pull_request_review", "pull_request_review_comment", "pull_request_review_thread" ->
          new WebhookEvent(repository, WebhookEvent.Kind.REVIEW,
              List.of(new WebhookEvent.Hint(number(scalars, "pull_request/number"), null, null)));
      case "issue_comment" -> scalars.containsKey("issue/pull_request")
          ? new WebhookEvent(repository, WebhookEvent.Kind.REVIEW,
              List.of(new WebhookEvent.Hint(number(scalars, "issue/number"), null, null)))
          : null;
      case "check_run", "check_suite" -> new WebhookEvent(repository, WebhookEvent.Kind.CI,
          listed.stream().distinct().map(n -> new WebhookEvent.Hint(n, null, null)).toList());
      case "status" -> new WebhookEvent(repository, WebhookEvent.Kind.CI, List.of());
      default -> throw new IllegalArgumentException("not a handled event: " + event);
    };
  }

  /** Whether a path is, or leads to, a field this reader keeps. */
  private static boolean wanted(String path) {
    return switch (path) {
      case "repository", "repository/full_name", "pull_request", "pull_request/number", "pull_request/updated_at",
          "pull_request/head", "pull_request/head/sha", "issue", "issue/number", "issue/pull_request",
          "check_run", "check_run/pull_requests", "check_run/pull_requests/*", "check_run/pull_requests/*/number",
          "check_suite", "check_suite/pull_requests", "check_suite/pull_requests/*",
          "check_suite/pull_requests/*/number" -> true;
      default -> false;
    };
  }

  private static int number(Map<String, String> scalars, String path) {
    String text = scalars.get(path);
    try {
      int number = Integer.parseInt(text);
      if (number <= 0) {
        throw new NumberFormatException();
      }
      return number;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("payload's " + path.replace('/', '.') + " is not a pull request number: "
          + text);
    }
  }

  private static Instant instant(String text) {
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("payload's pull_request.updated_at is not a timestamp: " + text);
    }
  }
}
