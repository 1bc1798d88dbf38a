package io.prmonitor.github.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryInfo;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads a page of a repository listing ({@code /orgs/{org}/repos}, {@code /users/{user}/repos}, or the
 * {@code {"repositories": [...]}} object of {@code /installation/repositories}) from the response
 * stream, keeping {@code full_name}, {@code archived} and {@code fork}. Items without a valid
 * {@code full_name} are counted and left out. Thread-safe.
 */
public final class RepositoryListReader {

  private final GitHubJson json;

  /** Creates a reader whose parsers have {@code json}'s limits. */
  public RepositoryListReader(GitHubJson json) {
    this.json = Objects.requireNonNull(json, "null json");
  }

  /**
   * The repositories of a page and how many items were left out.
   *
   * @param repositories the repositories read, in the server's order
   * @param unreadable items without a valid {@code full_name}
   */
  public record Page(List<RepositoryInfo> repositories, int unreadable) {
    public Page {
      repositories = List.copyOf(repositories);
    }
  }

  /**
   * Reads a whole page; the stream is not closed.
   *
   * @throws IOException if the body is malformed, ends early, or has neither shape
   */
  public Page read(InputStream in) throws IOException {
    List<RepositoryInfo> repositories = new ArrayList<>();
    int[] unreadable = new int[1];
    try (JsonParser p = json.parser(in)) {
      JsonToken token = p.nextToken();
      if (token == JsonToken.START_ARRAY) {
        readArray(p, repositories, unreadable);
      } else if (token == JsonToken.START_OBJECT) {
        boolean[] found = new boolean[1];
        GitHubJson.forEachField(p, (name, value) -> {
          if (name.equals("repositories") && value == JsonToken.START_ARRAY) {
            found[0] = true;
            readArray(p, repositories, unreadable);
          } else {
            p.skipChildren();
          }
        });
        if (!found[0]) {
          throw GitHubJson.eofOrUnexpected(p, JsonToken.END_OBJECT, "a \"repositories\" array");
        }
      } else {
        throw GitHubJson.eofOrUnexpected(p, token, "a JSON array of repositories");
      }
    }
    return new Page(repositories, unreadable[0]);
  }

  private static void readArray(JsonParser p, List<RepositoryInfo> into, int[] unreadable) throws IOException {
    JsonToken token;
    while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
      if (token == null) {
        throw new EOFException("JSON input ended inside the repository list");
      }
      if (token != JsonToken.START_OBJECT) {
        p.skipChildren();
        unreadable[0]++;
        continue;
      }
      String[] fullName = new String[1];
      boolean[] flags = new boolean[2];
      GitHubJson.forEachField(p, (name, value) -> {
        switch (name) {
          case "full_name" -> fullName[0] = GitHubJson.stringOrNull(p, value);
          case "archived" -> flags[0] = value == JsonToken.VALUE_TRUE;
          case "fork" -> flags[1] = value == JsonToken.VALUE_TRUE;
          default -> p.skipChildren();
        }
      });
      RepositoryId id = parse(fullName[0]);
      if (id == null) {
        unreadable[0]++;
      } else {
        into.add(new RepositoryInfo(id, flags[0], flags[1]));
      }
    }
  }

  private static RepositoryId parse(String fullName) {
    if (fullName == null) {
      return null;
    }
    try {
      return RepositoryId.parse(fullName);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
