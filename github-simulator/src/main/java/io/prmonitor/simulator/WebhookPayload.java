package io.prmonitor.simulator;

import io.prmonitor.spi.PullRequestState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The body of one {@code pull_request} webhook delivery and the action it names, as GitHub builds them: the action
 * that the change between the {@link Before before-image} and the pull request now stands for ({@code opened},
 * {@code closed}, {@code synchronize}, {@code labeled}, ..., else {@code edited} with its {@code changes}), then
 * {@code number}, the full {@code pull_request}, {@code repository} and {@code sender}.
 *
 * @param action the webhook action
 * @param body the JSON body, UTF-8
 */
record WebhookPayload(String action, byte[] body) {

  /** Before-images of the fields whose change names a webhook action. */
  record Before(String title, String body, String baseRef, String headSha, List<String> labels,
      List<String> assignees, List<String> reviewers, List<String> teams, boolean draft, PullRequestState state) {
    static Before of(SimPullRequest pr) {
      return new Before(pr.title, pr.body(), pr.baseRef, pr.headSha, List.copyOf(pr.labels),
          List.copyOf(pr.assignees), List.copyOf(pr.reviewers), List.copyOf(pr.teams), pr.draft, pr.state);
    }
  }

  /** Builds payloads from the world; call under its write lock, at the mutation. Thread-safe otherwise. */
  static final class Builder {
    private final World world;
    private final Payloads payloads;

    Builder(World world) {
      this.world = world;
      this.payloads = new Payloads(world);
    }

    /** The delivery of {@code pr} as it is now; {@code before} is null when it was just opened. */
    WebhookPayload of(SimRepository repo, SimPullRequest pr, Before before) {
      ByteSink out = new ByteSink(32_000);
      String action = action(out, pr, before);
      out.ascii(",\"number\":").num(pr.number).ascii(",\"pull_request\":");
      payloads.full(out, repo, pr);
      out.ascii(",\"repository\":").raw(repo.repoJson);
      out.ascii(",\"sender\":").raw(world.user(pr.author == null ? Payloads.GHOST : pr.author)).ch('}');
      return new WebhookPayload(action, out.toByteArray());
    }

    private String action(ByteSink out, SimPullRequest pr, Before before) {
      String action;
      StringBuilder extra = new StringBuilder();
      ListChange labels = before == null ? null : ListChange.between(before.labels(), pr.labels);
      ListChange reviewers = before == null ? null : ListChange.between(before.reviewers(), pr.reviewers);
      ListChange teams = before == null ? null : ListChange.between(before.teams(), pr.teams);
      ListChange assignees = before == null ? null : ListChange.between(before.assignees(), pr.assignees);
      if (before == null) {
        action = "opened";
      } else if (before.state() == PullRequestState.OPEN && pr.state != PullRequestState.OPEN) {
        action = "closed";
      } else if (before.state() != PullRequestState.OPEN && pr.state == PullRequestState.OPEN) {
        action = "reopened";
      } else if (!before.draft() && pr.draft) {
        action = "converted_to_draft";
      } else if (before.draft() && !pr.draft) {
        action = "ready_for_review";
      } else if (!Objects.equals(before.headSha(), pr.headSha)) {
        action = "synchronize";
        extra.append(",\"before\":\"").append(before.headSha()).append("\",\"after\":\"").append(pr.headSha)
            .append('"');
      } else if (labels != null) {
        action = labels.added() ? "labeled" : "unlabeled";
        extra.append(",\"label\":{\"name\":").append(jsonString(labels.value())).append(",\"color\":\"ededed\"}");
      } else if (reviewers != null) {
        action = reviewers.added() ? "review_requested" : "review_request_removed";
        extra.append(",\"requested_reviewer\":").append(userJson(reviewers.value()));
      } else if (teams != null) {
        action = teams.added() ? "review_requested" : "review_request_removed";
        extra.append(",\"requested_team\":{\"name\":").append(jsonString(teams.value())).append(",\"slug\":")
            .append(jsonString(teams.value())).append('}');
      } else if (assignees != null) {
        action = assignees.added() ? "assigned" : "unassigned";
        extra.append(",\"assignee\":").append(userJson(assignees.value()));
      } else {
        action = "edited";
        extra.append(",\"changes\":{");
        String sep = "";
        if (!Objects.equals(before.title(), pr.title)) {
          extra.append("\"title\":{\"from\":").append(jsonString(before.title())).append('}');
          sep = ",";
        }
        if (!Objects.equals(before.body(), pr.body())) {
          extra.append(sep).append("\"body\":{\"from\":").append(jsonString(before.body())).append('}');
          sep = ",";
        }
        if (!Objects.equals(before.baseRef(), pr.baseRef)) {
          extra.append(sep).append("\"base\":{\"ref\":{\"from\":").append(jsonString(before.baseRef()))
              .append("}}");
        }
        extra.append('}');
      }
      out.ascii("{\"action\":\"").ascii(action).ch('"');
      out.raw(extra.toString().getBytes(StandardCharsets.UTF_8));
      return action;
    }

    private String userJson(String login) {
      return new String(world.user(login), StandardCharsets.UTF_8);
    }
  }

  /** The first value added to a list, else the first removed from it. */
  private record ListChange(boolean added, String value) {
    /** Null when {@code after} holds the same values as {@code before}. */
    static ListChange between(List<String> before, List<String> after) {
      List<String> added = minus(after, before);
      if (!added.isEmpty()) {
        return new ListChange(true, added.get(0));
      }
      List<String> removed = minus(before, after);
      return removed.isEmpty() ? null : new ListChange(false, removed.get(0));
    }

    private static List<String> minus(List<String> from, List<String> values) {
      List<String> rest = new ArrayList<>(from);
      rest.removeAll(values);
      return rest;
    }
  }

  private static String jsonString(String s) {
    if (s == null) {
      return "null";
    }
    ByteSink sink = new ByteSink(s.length() + 16);
    sink.str(s);
    return new String(sink.toByteArray(), StandardCharsets.UTF_8);
  }
}
