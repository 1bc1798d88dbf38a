package io.prmonitor.github.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.prmonitor.github.json.GitHubJson;
import io.prmonitor.spi.ChecksState;
import io.prmonitor.spi.ReviewDecision;
import io.prmonitor.spi.ReviewState;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The REST side of enrichment: streaming readers of the reviews, check runs and combined status of a pull
 * request, the rules that roll them up as GraphQL's {@code reviewDecision} and {@code statusCheckRollup} do,
 * and the entity tags kept with an enrichment ({@link io.prmonitor.spi.PullRequestEnrichment#etags()}).
 *
 * <p>Rollup: no check run and no status is {@link ChecksState#NONE}; otherwise {@code FAILURE} if anything
 * failed (a check concluded failure, timed_out, cancelled, action_required, startup_failure or stale; a status
 * failure), else {@code ERROR} if a status errored, else {@code PENDING} if anything is queued, running or
 * pending, else {@code SUCCESS}. Review decision: REST does not say whether the base branch requires reviews;
 * the decision is derived as for a branch requiring one approving review: {@code CHANGES_REQUESTED} when a
 * reviewer's latest opinionated review (approval, change request or dismissal) requests changes, else
 * {@code APPROVED} when one approves, else {@code REVIEW_REQUIRED}.
 */
final class RestEnrichment {

  private static final Set<String> FAILED_CONCLUSIONS =
      Set.of("failure", "timed_out", "cancelled", "action_required", "startup_failure", "stale");

  private final GitHubJson json;

  RestEnrichment(GitHubJson json) {
    this.json = json;
  }

  /** One review: its author's login (null for a deleted user) and state. */
  record Review(String login, String state) {}

  List<Review> reviews(InputStream in) throws IOException {
    List<Review> reviews = new ArrayList<>();
    try (JsonParser p = json.parser(in)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw new IOException("reviews: expected an array");
      }
      while (p.nextToken() == JsonToken.START_OBJECT) {
        String[] review = new String[2];
        GitHubJson.forEachField(p, (name, v) -> {
          if (name.equals("state")) {
            review[1] = GitHubJson.stringOrNull(p, v);
          } else if (name.equals("user") && v == JsonToken.START_OBJECT) {
            GitHubJson.forEachField(p, (n, u) -> {
              if (n.equals("login")) {
                review[0] = GitHubJson.stringOrNull(p, u);
              } else {
                GitHubJson.skip(p);
              }
            });
          } else {
            GitHubJson.skip(p);
          }
        });
        reviews.add(new Review(review[0], review[1]));
      }
    }
    return reviews;
  }

  /** The rollup of the check runs of {@code GET .../commits/{ref}/check-runs}. */
  ChecksState checkRuns(InputStream in) throws IOException {
    ChecksState[] rollup = {ChecksState.NONE};
    try (JsonParser p = json.parser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("check runs: expected an object");
      }
      GitHubJson.forEachField(p, (field, token) -> {
        if (field.equals("check_runs") && token == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            String[] run = new String[2];
            GitHubJson.forEachField(p, (name, v) -> {
              if (name.equals("status")) {
                run[0] = GitHubJson.stringOrNull(p, v);
              } else if (name.equals("conclusion")) {
                run[1] = GitHubJson.stringOrNull(p, v);
              } else {
                GitHubJson.skip(p);
              }
            });
            ChecksState state = !"completed".equals(run[0]) ? ChecksState.PENDING
                : FAILED_CONCLUSIONS.contains(run[1]) ? ChecksState.FAILURE : ChecksState.SUCCESS;
            rollup[0] = worst(rollup[0], state);
          }
        } else {
          GitHubJson.skip(p);
        }
      });
    }
    return rollup[0];
  }

  /** The rollup of the statuses of {@code GET .../commits/{ref}/status} (its own {@code state} folds error into failure). */
  ChecksState statuses(InputStream in) throws IOException {
    ChecksState[] rollup = {ChecksState.NONE};
    try (JsonParser p = json.parser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("combined status: expected an object");
      }
      GitHubJson.forEachField(p, (field, token) -> {
        if (field.equals("statuses") && token == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            String[] state = new String[1];
            GitHubJson.forEachField(p, (name, v) -> {
              if (name.equals("state")) {
                state[0] = GitHubJson.stringOrNull(p, v);
              } else {
                GitHubJson.skip(p);
              }
            });
            rollup[0] = worst(rollup[0], switch (String.valueOf(state[0])) {
              case "success" -> ChecksState.SUCCESS;
              case "failure" -> ChecksState.FAILURE;
              case "error" -> ChecksState.ERROR;
              default -> ChecksState.PENDING;
            });
          }
        } else {
          GitHubJson.skip(p);
        }
      });
    }
    return rollup[0];
  }

  /** The worse of two rollups: FAILURE, then ERROR, then PENDING, then SUCCESS; NONE adds nothing. */
  static ChecksState worst(ChecksState a, ChecksState b) {
    return rank(a) >= rank(b) ? a : b;
  }

  private static int rank(ChecksState state) {
    return switch (state) {
      case NONE -> 0;
      case SUCCESS -> 1;
      case PENDING -> 2;
      case ERROR -> 3;
      case FAILURE -> 4;
    };
  }

  /** Each reviewer's latest submitted review (pending drafts and deleted users left out). */
  static Map<String, ReviewState> latest(List<Review> reviews) {
    Map<String, ReviewState> latest = new TreeMap<>();
    for (Review review : reviews) {
      if (review.login() != null && review.state() != null && !review.state().equals("PENDING")) {
        latest.put(review.login(), ReviewState.valueOf(review.state()));
      }
    }
    return latest;
  }

  static ReviewDecision decision(List<Review> reviews) {
    Map<String, String> opinion = new TreeMap<>();
    for (Review review : reviews) {
      if (review.login() != null && review.state() != null && !review.state().equals("COMMENTED")
          && !review.state().equals("PENDING")) {
        opinion.put(review.login(), review.state());
      }
    }
    if (opinion.containsValue("CHANGES_REQUESTED")) {
      return ReviewDecision.CHANGES_REQUESTED;
    }
    return opinion.containsValue("APPROVED") ? ReviewDecision.APPROVED : ReviewDecision.REVIEW_REQUIRED;
  }

  /**
   * The entity tags kept with an enrichment, by response ({@code pull}, {@code reviews}, {@code runs},
   * {@code status}); {@code runs} and {@code status} carry the partial rollup they answered, so that a
   * {@code 304} for one and a {@code 200} for the other still roll up. One {@code name=STATE etag} or
   * {@code name=etag} per line.
   */
  record Tags(Map<String, String> etags, Map<String, ChecksState> partial) {

    static Tags parse(String text) {
      Map<String, String> etags = new LinkedHashMap<>();
      Map<String, ChecksState> partial = new LinkedHashMap<>();
      if (text != null) {
        for (String line : text.split("\n")) {
          int eq = line.indexOf('=');
          if (eq <= 0) {
            continue;
          }
          String name = line.substring(0, eq);
          String value = line.substring(eq + 1);
          int space = value.indexOf(' ');
          if ((name.equals("runs") || name.equals("status")) && space > 0) {
            try {
              partial.put(name, ChecksState.valueOf(value.substring(0, space)));
              value = value.substring(space + 1);
            } catch (IllegalArgumentException e) {
              continue;
            }
          }
          etags.put(name, value);
        }
      }
      return new Tags(etags, partial);
    }

    String text() {
      StringBuilder text = new StringBuilder();
      etags.forEach((name, etag) -> {
        if (etag == null) {
          return;
        }
        if (!text.isEmpty()) {
          text.append('\n');
        }
        text.append(name).append('=');
        ChecksState state = partial.get(name);
        if (state != null) {
          text.append(state.name()).append(' ');
        }
        text.append(etag);
      });
      return text.isEmpty() ? null : text.toString();
    }
  }
}
