package io.prmonitor.github.graphql;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.prmonitor.github.json.GitHubJson;
import io.prmonitor.spi.ChecksState;
import io.prmonitor.spi.EnrichmentTarget;
import io.prmonitor.spi.GitHubException;
import io.prmonitor.spi.Mergeability;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.ReviewDecision;
import io.prmonitor.spi.ReviewState;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The GraphQL side of enrichment: the query for a batch of pull requests of one or more repositories, its cost
 * by GitHub's rule, and the streaming read of the answer. Stateless; the transport (budget, pacing, batch size)
 * is {@link GraphQlTransport}'s.
 *
 * <p>Each repository of a batch is one alias, {@code rK: repository(owner:, name:)}, and each of its pull
 * requests two: {@code pN: pullRequest(number: N)} for mergeability, review decision,
 * {@code totalCommentsCount} and (in a full read) {@code latestReviews(first: 100)}, and {@code cN:
 * object(oid: "<head SHA as listed>")} for the head commit's {@code statusCheckRollup}. Only
 * {@code latestReviews} is a connection, so by GitHub's rule (the requests of every connection, divided by 100
 * and rounded, at least 1) a full read of n pull requests costs {@code round(n / 100)} points (at least 1) and a
 * checks-only read of any number, from any number of repositories, costs 1: the cost follows the number of
 * queries, not their size, which is why a batch may hold more than 100 pull requests (aliases are not
 * connections; GitHub's bounds are 100 per connection page and 500,000 nodes per query), and why the CI reads
 * of several repositories share one query.
 *
 * <p>The query and its answer's reader stay in one file (a little over 400 lines) because they are the two
 * halves of one wire format: the aliases the query writes are the names the reader maps back.
 */
final class GraphQlEnrichment {

  /**
   * The most pull requests one query reads: a repository's open pull requests fit one query (a fleet's are a
   * few dozen to a few hundred per repository); a 502 or a timeout halves it.
   */
  static final int MAX_BATCH = 250;

  private static final String FULL_FIELDS = "number headRefOid mergeable reviewDecision totalCommentsCount"
      + " latestReviews(first: 100) { nodes { state author { login } } }";
  private static final String CHECKS_FIELDS = "number headRefOid mergeable";
  private static final String COMMIT_FIELDS = "... on Commit { oid statusCheckRollup { state } }";

  private final GitHubJson json;

  GraphQlEnrichment(GitHubJson json) {
    this.json = json;
  }

  /** One pull request of a batch: the repository it is in, and what to read of it. */
  record Item(RepositoryId repository, EnrichmentTarget target) {
  }

  /** What one pull request read: the repository it is in, and its enrichment. */
  record Read(RepositoryId repository, PullRequestEnrichment enrichment) {
  }

  /** The targets of one repository as batch items. */
  static List<Item> items(RepositoryId repository, List<EnrichmentTarget> targets) {
    List<Item> items = new ArrayList<>(targets.size());
    for (EnrichmentTarget target : targets) {
      items.add(new Item(repository, target));
    }
    return items;
  }

  /** The items of a batch by repository, each repository's in the batch's order. */
  static Map<RepositoryId, List<EnrichmentTarget>> byRepository(List<Item> items) {
    Map<RepositoryId, List<EnrichmentTarget>> grouped = new LinkedHashMap<>();
    for (Item item : items) {
      grouped.computeIfAbsent(item.repository(), r -> new ArrayList<>()).add(item.target());
    }
    return grouped;
  }

  /** The repositories of a batch, for messages: one name, or the first and how many more. */
  static String describe(List<Item> batch) {
    Set<RepositoryId> repositories = byRepository(batch).keySet();
    String first = repositories.isEmpty() ? "no repository" : repositories.iterator().next().toString();
    return repositories.size() <= 1 ? first : first + " and " + (repositories.size() - 1) + " more repositories";
  }

  /** The GraphQL endpoint of an API root: {@code /graphql} on github.com, {@code /api/graphql} on GHES. */
  static String endpoint(String base) {
    return base.endsWith("/api/v3") ? base.substring(0, base.length() - "/v3".length()) + "/graphql"
        : base + "/graphql";
  }

  /** The points a batch costs by GitHub's rule: connections / 100, rounded, at least 1. */
  static int cost(List<Item> batch) {
    long connections = 0;
    for (Item item : batch) {
      connections += item.target().checksOnly() ? 0 : 1;
    }
    return (int) Math.max(1, Math.round(connections / 100.0));
  }

  /** The JSON request body ({@code {"query": ...}}) for one batch: a {@code repository} alias per repository. */
  static String requestBody(List<Item> batch) {
    StringBuilder query = new StringBuilder(batch.size() * 260 + 200);
    query.append("query { rateLimit { cost remaining resetAt limit }");
    int alias = 0;
    for (Map.Entry<RepositoryId, List<EnrichmentTarget>> repository : byRepository(batch).entrySet()) {
      query.append(" r").append(alias++).append(": repository(owner: ")
          .append(quote(repository.getKey().owner())).append(", name: ").append(quote(repository.getKey().name()))
          .append(") {");
      for (EnrichmentTarget target : repository.getValue()) {
        query.append(" p").append(target.number()).append(": pullRequest(number: ").append(target.number())
            .append(") { ").append(target.checksOnly() ? CHECKS_FIELDS : FULL_FIELDS).append(" }");
        query.append(" c").append(target.number()).append(": object(oid: ").append(quote(target.headSha()))
            .append(") { ").append(COMMIT_FIELDS).append(" }");
      }
      query.append(" }");
    }
    query.append(" }");
    StringBuilder body = new StringBuilder(query.length() + 16);
    body.append("{\"query\":");
    appendJsonString(body, query.toString());
    return body.append('}').toString();
  }

  /** A GraphQL string literal; owner and repository names hold no quote or backslash, but are escaped anyway. */
  private static String quote(String text) {
    return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private static void appendJsonString(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /** What one answer held: the pull requests read, the rate limit it reported, its errors. */
  record Answer(List<Read> read, Integer remaining, Instant resetAt, Integer cost, List<Error> errors) {

    /** Whether an error says the budget could not pay for the query. */
    boolean rateLimited() {
      return errors.stream().anyMatch(error -> error.type().equals("RATE_LIMITED"));
    }
  }

  /**
   * One error of an answer: its {@code type} and {@code message} (empty when absent), and the repository its
   * {@code path} starts at ({@code ["r1", ...]}), or null when the path names no repository of the batch (an
   * error of the whole query).
   */
  record Error(String type, String message, RepositoryId repository) {

    /** Whether it only says a pull request or repository does not exist (its data is null and left out). */
    boolean notFound() {
      return type.equals("NOT_FOUND");
    }
  }

  /**
   * Reads an answer as it streams in. A pull request that does not exist answers null (and a
   * {@code NOT_FOUND} error) and is left out.
   *
   * @param batch the batch asked for, whose stored enrichments fill what a checks-only read leaves out
   */
  Answer read(InputStream in, List<Item> batch) throws IOException {
    // the aliases r0, r1, ... name the repositories in the order the request listed them
    List<Map.Entry<RepositoryId, List<EnrichmentTarget>>> repositories =
        new ArrayList<>(byRepository(batch).entrySet());
    List<Read> read = new ArrayList<>(batch.size());
    Integer[] rate = new Integer[2];
    Instant[] resetAt = new Instant[1];
    List<Error> errors = new ArrayList<>();
    try (JsonParser p = json.parser(in)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      GitHubJson.forEachField(p, (top, token) -> {
        if (top.equals("data") && token == JsonToken.START_OBJECT) {
          GitHubJson.forEachField(p, (field, t) -> {
            int index = field.startsWith("r") && !field.equals("rateLimit") ? aliasNumber(field) : -1;
            if (field.equals("rateLimit") && t == JsonToken.START_OBJECT) {
              GitHubJson.forEachField(p, (name, v) -> {
                switch (name) {
                  case "cost" -> rate[0] = p.getIntValue();
                  case "remaining" -> rate[1] = p.getIntValue();
                  case "resetAt" -> resetAt[0] = GitHubJson.instantOrNull(GitHubJson.stringOrNull(p, v));
                  default -> GitHubJson.skip(p);
                }
              });
            } else if (index >= 0 && index < repositories.size() && t == JsonToken.START_OBJECT) {
              Map.Entry<RepositoryId, List<EnrichmentTarget>> repository = repositories.get(index);
              for (PullRequestEnrichment enrichment : repository(p, repository.getValue())) {
                read.add(new Read(repository.getKey(), enrichment));
              }
            } else {
              GitHubJson.skip(p);
            }
          });
        } else if (top.equals("errors") && token == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            String[] error = new String[3]; // type, message, the path's first element
            GitHubJson.forEachField(p, (name, v) -> {
              if (name.equals("type") && v == JsonToken.VALUE_STRING) {
                error[0] = p.getText();
              } else if (name.equals("message") && v == JsonToken.VALUE_STRING) {
                error[1] = p.getText();
              } else if (name.equals("path") && v == JsonToken.START_ARRAY) {
                for (JsonToken element = p.nextToken(); element != JsonToken.END_ARRAY; element = p.nextToken()) {
                  if (error[2] == null && element == JsonToken.VALUE_STRING) {
                    error[2] = p.getText();
                  } else {
                    GitHubJson.skip(p);
                  }
                }
              } else {
                GitHubJson.skip(p);
              }
            });
            int index = error[2] != null && error[2].startsWith("r") && !error[2].equals("rateLimit")
                ? aliasNumber(error[2]) : -1;
            errors.add(new Error(error[0] == null ? "" : error[0], error[1] == null ? "" : error[1],
                index >= 0 && index < repositories.size() ? repositories.get(index).getKey() : null));
          }
        } else {
          GitHubJson.skip(p);
        }
      });
    }
    return new Answer(read, rate[1], resetAt[0], rate[0], errors);
  }

  /** Reads one aliased repository object (the parser is at its START_OBJECT): its pull requests read. */
  private List<PullRequestEnrichment> repository(JsonParser p, List<EnrichmentTarget> targets) throws IOException {
    Map<Integer, EnrichmentTarget> byNumber = new HashMap<>();
    for (EnrichmentTarget target : targets) {
      byNumber.put(target.number(), target);
    }
    Map<Integer, PullRequestEnrichment> read = new TreeMap<>();
    Map<Integer, String> rollups = new HashMap<>();
    Set<Integer> commitsSeen = new HashSet<>();
    GitHubJson.forEachField(p, (alias, v) -> {
      if (v == JsonToken.START_OBJECT && alias.startsWith("p")) {
        PullRequestEnrichment enrichment = pullRequest(p, byNumber);
        if (enrichment != null) {
          read.put(enrichment.number(), enrichment);
        }
      } else if (v == JsonToken.START_OBJECT && alias.startsWith("c")) {
        int number = aliasNumber(alias);
        commitsSeen.add(number);
        String[] state = new String[1];
        GitHubJson.forEachField(p, (name, c) -> {
          if (name.equals("statusCheckRollup") && c == JsonToken.START_OBJECT) {
            GitHubJson.forEachField(p, (n, st) -> {
              if (n.equals("state")) {
                state[0] = GitHubJson.stringOrNull(p, st);
              } else {
                GitHubJson.skip(p);
              }
            });
          } else {
            GitHubJson.skip(p);
          }
        });
        rollups.put(number, state[0]);
      } else {
        GitHubJson.skip(p);
      }
    });
    // a head commit GitHub no longer has (force-pushed away) leaves the stored CI state as it was
    List<PullRequestEnrichment> combined = new ArrayList<>(read.size());
    read.forEach((number, partial) -> {
      EnrichmentTarget target = byNumber.get(number);
      ChecksState checks = commitsSeen.contains(number) ? checks(rollups.get(number))
          : target.stored() != null ? target.stored().checks() : ChecksState.NONE;
      combined.add(new PullRequestEnrichment(number, 0, target.headSha(), partial.reviewDecision(),
          partial.latestReviews(), checks, partial.mergeable(), partial.comments()));
    });
    return combined;
  }

  private static int aliasNumber(String alias) {
    try {
      return Integer.parseInt(alias.substring(1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Reads one aliased pull request object (the parser is at its START_OBJECT). */
  private PullRequestEnrichment pullRequest(JsonParser p, Map<Integer, EnrichmentTarget> byNumber)
      throws IOException {
    int[] number = {0};
    int[] comments = {-1};
    String[] text = new String[3]; // headRefOid, mergeable, reviewDecision
    Map<String, ReviewState> reviews = new TreeMap<>();
    GitHubJson.forEachField(p, (field, token) -> {
      switch (field) {
        case "number" -> number[0] = p.getIntValue();
        case "headRefOid" -> text[0] = GitHubJson.stringOrNull(p, token);
        case "mergeable" -> text[1] = GitHubJson.stringOrNull(p, token);
        case "reviewDecision" -> text[2] = GitHubJson.stringOrNull(p, token);
        case "totalCommentsCount" -> {
          if (token == JsonToken.VALUE_NUMBER_INT) {
            comments[0] = p.getIntValue();
          } else {
            GitHubJson.skip(p);
          }
        }
        case "latestReviews" -> nodes(p, token, () -> {
          String[] review = new String[2];
          GitHubJson.forEachField(p, (name, v) -> {
            if (name.equals("state")) {
              review[0] = GitHubJson.stringOrNull(p, v);
            } else if (name.equals("author") && v == JsonToken.START_OBJECT) {
              GitHubJson.forEachField(p, (n, a) -> {
                if (n.equals("login")) {
                  review[1] = GitHubJson.stringOrNull(p, a);
                } else {
                  GitHubJson.skip(p);
                }
              });
            } else {
              GitHubJson.skip(p);
            }
          });
          // a deleted author has no login; a pending review is its author's draft
          if (review[1] != null && review[0] != null && !review[0].equals("PENDING")) {
            reviews.put(review[1], ReviewState.valueOf(review[0]));
          }
        });
        default -> GitHubJson.skip(p);
      }
    });
    EnrichmentTarget target = byNumber.get(number[0]);
    if (target == null || text[0] == null) {
      return null;
    }
    ChecksState checks = ChecksState.NONE;
    Mergeability mergeable = text[1] == null ? Mergeability.UNKNOWN : Mergeability.valueOf(text[1]);
    if (target.checksOnly()) {
      PullRequestEnrichment stored = target.stored();
      return new PullRequestEnrichment(number[0], 0, text[0], stored.reviewDecision(), stored.latestReviews(),
          checks, mergeable, stored.comments());
    }
    return new PullRequestEnrichment(number[0], 0, text[0], text[2] == null ? null : ReviewDecision.valueOf(text[2]),
        reviews, checks, mergeable, Math.max(0, comments[0]));
  }

  /** GitHub's {@code StatusState} as a rollup; no rollup is no CI. */
  static ChecksState checks(String state) {
    if (state == null) {
      return ChecksState.NONE;
    }
    return switch (state) {
      case "SUCCESS" -> ChecksState.SUCCESS;
      case "FAILURE" -> ChecksState.FAILURE;
      case "ERROR" -> ChecksState.ERROR;
      case "PENDING", "EXPECTED" -> ChecksState.PENDING;
      default -> throw new GitHubException("unknown statusCheckRollup state: " + state, 200);
    };
  }

  @FunctionalInterface
  private interface NodeReader {
    void read() throws IOException;
  }

  /** Reads {@code { nodes: [ {...}, ... ] }}, calling {@code reader} at each node's START_OBJECT. */
  private static void nodes(JsonParser p, JsonToken token, NodeReader reader) throws IOException {
    if (token != JsonToken.START_OBJECT) {
      GitHubJson.skip(p);
      return;
    }
    GitHubJson.forEachField(p, (name, v) -> {
      if (name.equals("nodes") && v == JsonToken.START_ARRAY) {
        JsonToken item;
        while ((item = p.nextToken()) != JsonToken.END_ARRAY) {
          if (item == JsonToken.START_OBJECT) {
            reader.read();
          } else {
            GitHubJson.skip(p);
          }
        }
      } else {
        GitHubJson.skip(p);
      }
    });
  }

  private static void expect(JsonToken actual, JsonToken expected) throws IOException {
    if (actual != expected) {
      throw new IOException("GraphQL answer: expected " + expected + " but found " + actual);
    }
  }
}
