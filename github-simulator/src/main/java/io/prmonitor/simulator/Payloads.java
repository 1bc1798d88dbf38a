package io.prmonitor.simulator;

import io.prmonitor.spi.PullRequestState;
import java.time.Instant;
import java.util.List;

/**
 * Serializes pull requests and the other REST resources by splicing per-object fields between precomputed
 * byte templates, in GitHub's field order. Callers hold the world's read lock.
 */
final class Payloads {

  /** GitHub's placeholder for deleted accounts. */
  static final String GHOST = "ghost";

  private final World world;

  Payloads(World world) {
    this.world = world;
  }

  /** One {@code pull-request-simple} item as in a list response. */
  void listItem(ByteSink out, SimRepository repo, SimPullRequest pr) {
    if (pr.corruption == Corruption.MISSING_FIELDS) {
      out.ascii("{\"url\":\"").raw(repo.apiPrefix).ascii("/pulls/").num(pr.number).ch('"');
      out.ascii(",\"id\":").num(pr.id).ascii(",\"number\":").num(pr.number).ascii(",\"title\":").str(pr.title)
          .ch('}');
      return;
    }
    if (pr.corruption == Corruption.WRONG_TYPES) {
      ByteSink item = new ByteSink(24_000);
      common(item, repo, pr, false);
      item.ascii(",\"draft\":").bool(pr.draft).ch('}');
      String json = new String(item.array(), 0, item.size(), java.nio.charset.StandardCharsets.UTF_8)
          .replaceFirst("\"number\":(\\d+)", "\"number\":\"$1\"")
          .replaceFirst("\"labels\":\\[[^\\]]*\\]", "\"labels\":{\"name\":\"bug\"}")
          .replaceFirst("\"created_at\":\"[^\"]*\"", "\"created_at\":\"yesterday\"");
      int draftAt = json.lastIndexOf(",\"draft\":");
      out.raw(ByteSink.utf8(json.substring(0, draftAt) + ",\"draft\":1}"));
      return;
    }
    common(out, repo, pr, false);
    out.ascii(",\"draft\":").bool(pr.draft).ch('}');
  }

  /** The full {@code pull-request} of {@code GET /repos/{owner}/{repo}/pulls/{number}}. */
  void full(ByteSink out, SimRepository repo, SimPullRequest pr) {
    common(out, repo, pr, true);
    boolean merged = pr.state == PullRequestState.MERGED;
    boolean open = pr.state == PullRequestState.OPEN;
    out.ascii(",\"draft\":").bool(pr.draft);
    out.ascii(",\"merged\":").bool(merged);
    io.prmonitor.spi.Mergeability mergeable = Activity.mergeable(pr, world.now());
    out.ascii(",\"mergeable\":");
    if (mergeable == io.prmonitor.spi.Mergeability.UNKNOWN) {
      out.nul();
    } else {
      out.bool(mergeable == io.prmonitor.spi.Mergeability.MERGEABLE);
    }
    out.ascii(",\"rebaseable\":");
    if (open) {
      out.bool(pr.number % 5 != 0);
    } else {
      out.nul();
    }
    out.ascii(",\"mergeable_state\":").str(mergeable == io.prmonitor.spi.Mergeability.UNKNOWN ? "unknown"
        : pr.draft ? "draft" : pr.conflicting ? "dirty" : "clean");
    out.ascii(",\"merged_by\":");
    if (merged && pr.mergedBy != null) {
      out.template(world.user(pr.mergedBy));
    } else {
      out.nul();
    }
    out.ascii(",\"comments\":").num(pr.comments);
    out.ascii(",\"review_comments\":").num(pr.reviewComments);
    out.ascii(",\"maintainer_can_modify\":").bool(pr.headKind == SimPullRequest.HeadKind.FORK);
    out.ascii(",\"commits\":").num(pr.commits);
    out.ascii(",\"additions\":").num(pr.additions);
    out.ascii(",\"deletions\":").num(pr.deletions);
    out.ascii(",\"changed_files\":").num(pr.changedFiles);
    out.ch('}');
  }

  /**
   * The fields both forms share. The full form's schema has a non-null {@code user}: there GitHub shows a
   * deleted author as its placeholder account {@code ghost}, while list items may carry null.
   */
  private void common(ByteSink out, SimRepository repo, SimPullRequest pr, boolean fullForm) {
    byte[] api = repo.apiPrefix;
    byte[] html = repo.htmlPrefix;
    int n = pr.number;
    out.ascii("{\"url\":\"").raw(api).ascii("/pulls/").num(n).ch('"');
    out.ascii(",\"id\":").num(pr.id);
    out.ascii(",\"node_id\":").str(Templates.nodeId("PR_", pr.id));
    out.ascii(",\"html_url\":\"").raw(html).ascii("/pull/").num(n).ch('"');
    out.ascii(",\"diff_url\":\"").raw(html).ascii("/pull/").num(n).ascii(".diff\"");
    out.ascii(",\"patch_url\":\"").raw(html).ascii("/pull/").num(n).ascii(".patch\"");
    out.ascii(",\"issue_url\":\"").raw(api).ascii("/issues/").num(n).ch('"');
    out.ascii(",\"commits_url\":\"").raw(api).ascii("/pulls/").num(n).ascii("/commits\"");
    out.ascii(",\"review_comments_url\":\"").raw(api).ascii("/pulls/").num(n).ascii("/comments\"");
    out.ascii(",\"review_comment_url\":\"").raw(api).ascii("/pulls/comments{/number}\"");
    out.ascii(",\"comments_url\":\"").raw(api).ascii("/issues/").num(n).ascii("/comments\"");
    out.ascii(",\"statuses_url\":\"").raw(api).ascii("/statuses/").ascii(pr.headSha).ch('"');
    out.ascii(",\"number\":").num(n);
    out.ascii(",\"state\":").ascii(pr.state == PullRequestState.OPEN ? "\"open\"" : "\"closed\"");
    out.ascii(",\"locked\":").bool(pr.locked);
    out.ascii(",\"title\":").str(pr.title);
    out.ascii(",\"user\":");
    userOrNull(out, pr.author == null && fullForm ? GHOST : pr.author);
    out.ascii(",\"body\":");
    if (pr.bodyGenerated && pr.generatedBodyChars > 0) {
      out.str(pr.body());
    } else if (pr.bodyGenerated) {
      Texts.writeBody(out, pr.bodySeed);
    } else {
      out.str(pr.body);
    }
    out.ascii(",\"labels\":[");
    for (int i = 0; i < pr.labels.size(); i++) {
      if (i > 0) {
        out.ch(',');
      }
      out.template(world.labelJson(repo, pr.labels.get(i)));
    }
    out.ascii("],\"milestone\":");
    if (pr.milestone >= 0) {
      out.template(repo.milestoneJson[pr.milestone]);
    } else {
      out.nul();
    }
    out.ascii(",\"active_lock_reason\":").str(pr.locked ? "too heated" : null);
    out.ascii(",\"created_at\":").time(pr.createdAt);
    out.ascii(",\"updated_at\":").time(pr.updatedAt);
    out.ascii(",\"closed_at\":").time(pr.closedAt);
    out.ascii(",\"merged_at\":").time(pr.mergedAt);
    out.ascii(",\"merge_commit_sha\":").str(pr.mergeCommitSha);
    out.ascii(",\"assignee\":");
    userOrNull(out, pr.assignees.isEmpty() ? null : pr.assignees.get(0));
    out.ascii(",\"assignees\":[");
    users(out, pr.assignees);
    out.ascii("],\"requested_reviewers\":[");
    users(out, pr.reviewers);
    out.ascii("],\"requested_teams\":[");
    for (int i = 0; i < pr.teams.size(); i++) {
      if (i > 0) {
        out.ch(',');
      }
      out.template(world.teamJson(repo, pr.teams.get(i)));
    }
    out.ascii("],\"head\":{\"label\":");
    String headOwner = switch (pr.headKind) {
      case SAME_REPOSITORY -> repo.repositoryId.owner();
      case FORK, DELETED_FORK -> pr.forkOwner;
    };
    out.str(headOwner == null ? null : headOwner + ":" + pr.headRef);
    out.ascii(",\"ref\":").str(pr.headRef);
    out.ascii(",\"sha\":\"").ascii(pr.headSha).ch('"');
    out.ascii(",\"user\":");
    userOrNull(out, headOwner);
    out.ascii(",\"repo\":");
    switch (pr.headKind) {
      case SAME_REPOSITORY -> out.template(repo.repoJson);
      case FORK -> out.template(world.forkRepoJson(repo, pr.forkOwner));
      case DELETED_FORK -> out.nul();
    }
    String baseOwner = repo.repositoryId.owner();
    out.ascii("},\"base\":{\"label\":").str(baseOwner + ":" + pr.baseRef);
    out.ascii(",\"ref\":").str(pr.baseRef);
    out.ascii(",\"sha\":\"").ascii(pr.baseSha).ch('"');
    out.ascii(",\"user\":").template(world.user(baseOwner));
    out.ascii(",\"repo\":").template(repo.repoJson);
    out.ascii("},\"_links\":{\"self\":{\"href\":\"").raw(api).ascii("/pulls/").num(n);
    out.ascii("\"},\"html\":{\"href\":\"").raw(html).ascii("/pull/").num(n);
    out.ascii("\"},\"issue\":{\"href\":\"").raw(api).ascii("/issues/").num(n);
    out.ascii("\"},\"comments\":{\"href\":\"").raw(api).ascii("/issues/").num(n).ascii("/comments");
    out.ascii("\"},\"review_comments\":{\"href\":\"").raw(api).ascii("/pulls/").num(n).ascii("/comments");
    out.ascii("\"},\"review_comment\":{\"href\":\"").raw(api).ascii("/pulls/comments{/number}");
    out.ascii("\"},\"commits\":{\"href\":\"").raw(api).ascii("/pulls/").num(n).ascii("/commits");
    out.ascii("\"},\"statuses\":{\"href\":\"").raw(api).ascii("/statuses/").ascii(pr.headSha).ascii("\"}}");
    out.ascii(",\"author_association\":\"").ascii(pr.authorAssociation).ch('"');
    out.ascii(",\"auto_merge\":null");
  }

  private void userOrNull(ByteSink out, String login) {
    if (login == null) {
      out.nul();
    } else {
      out.template(world.user(login));
    }
  }

  private void users(ByteSink out, java.util.List<String> logins) {
    for (int i = 0; i < logins.size(); i++) {
      if (i > 0) {
        out.ch(',');
      }
      out.template(world.user(logins.get(i)));
    }
  }

  /** {@code GET /repos/{owner}/{repo}/pulls/{number}/reviews}: deterministic per pull request revision. */
  void reviews(ByteSink out, SimRepository repo, SimPullRequest pr) {
    out.ch('[');
    boolean first = true;
    for (SimPullRequest.SimReview review : pr.reviewList) {
      long id = review.id();
      if (!first) {
        out.ch(',');
      }
      first = false;
      out.ascii("{\"id\":").num(id);
      out.ascii(",\"node_id\":").str(Templates.nodeId("PRR_", id));
      out.ascii(",\"user\":").raw(world.user(review.login()));
      out.ascii(",\"body\":").str(review.state() == io.prmonitor.spi.ReviewState.APPROVED ? "Looks good to me 👍"
          : "Please add a test for the edge case.");
      out.ascii(",\"state\":\"").ascii(review.state().name()).ch('"');
      out.ascii(",\"html_url\":\"").raw(repo.htmlPrefix).ascii("/pull/").num(pr.number)
          .ascii("#pullrequestreview-").num(id).ch('"');
      out.ascii(",\"pull_request_url\":\"").raw(repo.apiPrefix).ascii("/pulls/").num(pr.number).ch('"');
      out.ascii(",\"_links\":{\"html\":{\"href\":\"").raw(repo.htmlPrefix).ascii("/pull/").num(pr.number)
          .ascii("#pullrequestreview-").num(id).ascii("\"},\"pull_request\":{\"href\":\"").raw(repo.apiPrefix)
          .ascii("/pulls/").num(pr.number).ascii("\"}}");
      out.ascii(",\"submitted_at\":").time(review.submittedAt());
      out.ascii(",\"commit_id\":\"").ascii(pr.headSha).ch('"');
      out.ascii(",\"author_association\":\"MEMBER\"}");
    }
    out.ch(']');
  }


  /** {@code GET /repos/{owner}/{repo}/commits/{ref}/status}: the combined status of a ref. */
  void combinedStatus(ByteSink out, SimRepository repo, String ref, String sha,
      List<SimPullRequest.SimCheck> checks) {
    // GitHub's combined state: failure if any status failed or errored, else pending if any is pending or
    // there is none, else success
    boolean failed = false;
    boolean pending = false;
    int count = 0;
    for (SimPullRequest.SimCheck check : checks) {
      if (!check.checkRun()) {
        count++;
        failed |= check.status().equals("failure") || check.status().equals("error");
        pending |= check.status().equals("pending");
      }
    }
    String combined = failed ? "failure" : pending || count == 0 ? "pending" : "success";
    out.ascii("{\"state\":\"").ascii(combined).ascii("\",\"statuses\":[");
    boolean first = true;
    for (SimPullRequest.SimCheck check : checks) {
      if (check.checkRun()) {
        continue;
      }
      if (!first) {
        out.ch(',');
      }
      first = false;
      out.ascii("{\"url\":\"").raw(repo.apiPrefix).ascii("/statuses/").ascii(sha).ch('"');
      out.ascii(",\"avatar_url\":\"https://avatars.githubusercontent.com/oa/4808?v=4\"");
      out.ascii(",\"id\":").num(check.id());
      out.ascii(",\"node_id\":").str(Templates.nodeId("SC_", check.id()));
      out.ascii(",\"state\":\"").ascii(check.status()).ch('"');
      out.ascii(",\"description\":").str("Build " + check.status());
      out.ascii(",\"target_url\":\"https://ci.example.com/builds/").num(check.id()).ch('"');
      out.ascii(",\"context\":").str(check.name());
      out.ascii(",\"created_at\":\"2024-01-01T00:00:00Z\",\"updated_at\":\"2024-01-01T00:05:00Z\"}");
    }
    out.ascii("],\"sha\":\"").ascii(sha).ascii("\",\"total_count\":").num(count);
    out.ascii(",\"repository\":").raw(repo.repoJson);
    out.ascii(",\"commit_url\":\"").raw(repo.apiPrefix).ascii("/commits/").ascii(sha).ch('"');
    out.ascii(",\"url\":\"").raw(repo.apiPrefix).ascii("/commits/").strContent(ref).ascii("/status\"}");
  }

  /** {@code GET /repos/{owner}/{repo}/commits/{ref}/check-runs}: the check runs of one commit, one page. */
  void checkRuns(ByteSink out, SimRepository repo, String sha, List<SimPullRequest.SimCheck> checks) {
    int count = 0;
    for (SimPullRequest.SimCheck check : checks) {
      count += check.checkRun() ? 1 : 0;
    }
    out.ascii("{\"total_count\":").num(count).ascii(",\"check_runs\":[");
    boolean first = true;
    for (SimPullRequest.SimCheck check : checks) {
      if (!check.checkRun()) {
        continue;
      }
      if (!first) {
        out.ch(',');
      }
      first = false;
      long id = check.id();
      boolean done = check.status().equals("completed");
      out.ascii("{\"id\":").num(id);
      out.ascii(",\"head_sha\":\"").ascii(sha).ch('"');
      out.ascii(",\"node_id\":").str(Templates.nodeId("CR_", id));
      out.ascii(",\"external_id\":\"\"");
      out.ascii(",\"url\":\"").raw(repo.apiPrefix).ascii("/check-runs/").num(id).ch('"');
      out.ascii(",\"html_url\":\"").raw(repo.htmlPrefix).ascii("/runs/").num(id).ch('"');
      out.ascii(",\"details_url\":\"https://ci.example.com/runs/").num(id).ch('"');
      out.ascii(",\"status\":\"").ascii(check.status()).ch('"');
      out.ascii(",\"conclusion\":").str(check.conclusion());
      out.ascii(",\"started_at\":\"2024-01-01T00:00:00Z\"");
      out.ascii(",\"completed_at\":").str(done ? "2024-01-01T00:05:00Z" : null);
      out.ascii(",\"output\":{\"title\":").str(check.name() + " " + check.status())
          .ascii(",\"summary\":\"\",\"text\":null,\"annotations_count\":0,\"annotations_url\":\"")
          .raw(repo.apiPrefix).ascii("/check-runs/").num(id).ascii("/annotations\"}");
      out.ascii(",\"name\":").str(check.name());
      out.ascii(",\"check_suite\":{\"id\":").num(id / 10).ch('}');
      out.ascii(",\"app\":null,\"pull_requests\":[]}");
    }
    out.ascii("]}");
  }

}
