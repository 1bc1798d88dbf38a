package io.prmonitor.simulator;

import io.prmonitor.spi.PullRequestState;
import java.time.Instant;
import java.util.SplittableRandom;

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
    out.ascii(",\"mergeable\":");
    if (open) {
      out.bool(pr.number % 7 != 0);
    } else {
      out.nul();
    }
    out.ascii(",\"rebaseable\":");
    if (open) {
      out.bool(pr.number % 5 != 0);
    } else {
      out.nul();
    }
    out.ascii(",\"mergeable_state\":").str(open ? (pr.draft ? "draft" : pr.number % 7 == 0 ? "dirty" : "clean")
        : "unknown");
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
    SplittableRandom random = new SplittableRandom(pr.id * 31 + pr.reviewCount);
    String[] states = {"APPROVED", "CHANGES_REQUESTED", "COMMENTED"};
    out.ch('[');
    for (int i = 0; i < pr.reviewCount; i++) {
      long id = pr.id * 10 + i;
      String reviewer = world.randomUser(id);
      Instant submitted = pr.createdAt.plusSeconds(3_600L * (i + 1));
      if (i > 0) {
        out.ch(',');
      }
      out.ascii("{\"id\":").num(id);
      out.ascii(",\"node_id\":").str(Templates.nodeId("PRR_", id));
      out.ascii(",\"user\":").raw(world.user(reviewer));
      out.ascii(",\"body\":").str(i % 2 == 0 ? "Looks good to me 👍" : "Please add a test for the edge case.");
      out.ascii(",\"state\":\"").ascii(states[random.nextInt(states.length)]).ch('"');
      out.ascii(",\"html_url\":\"").raw(repo.htmlPrefix).ascii("/pull/").num(pr.number)
          .ascii("#pullrequestreview-").num(id).ch('"');
      out.ascii(",\"pull_request_url\":\"").raw(repo.apiPrefix).ascii("/pulls/").num(pr.number).ch('"');
      out.ascii(",\"_links\":{\"html\":{\"href\":\"").raw(repo.htmlPrefix).ascii("/pull/").num(pr.number)
          .ascii("#pullrequestreview-").num(id).ascii("\"},\"pull_request\":{\"href\":\"").raw(repo.apiPrefix)
          .ascii("/pulls/").num(pr.number).ascii("\"}}");
      out.ascii(",\"submitted_at\":").time(submitted);
      out.ascii(",\"commit_id\":\"").ascii(pr.headSha).ch('"');
      out.ascii(",\"author_association\":\"MEMBER\"}");
    }
    out.ch(']');
  }

  /** {@code GET /repos/{owner}/{repo}/commits/{ref}/status}: the combined status of a ref. */
  void combinedStatus(ByteSink out, SimRepository repo, String ref, String sha) {
    int h = sha.hashCode();
    String[] states = {"success", "success", "success", "pending", "failure"};
    String state = states[Math.floorMod(h, states.length)];
    int count = Math.floorMod(h >> 4, 3);
    out.ascii("{\"state\":\"").ascii(count == 0 ? "pending" : state).ascii("\",\"statuses\":[");
    for (int i = 0; i < count; i++) {
      long id = Math.floorMod((long) h * 7 + i, 1_000_000_000L);
      if (i > 0) {
        out.ch(',');
      }
      out.ascii("{\"url\":\"").raw(repo.apiPrefix).ascii("/statuses/").ascii(sha).ch('"');
      out.ascii(",\"avatar_url\":\"https://avatars.githubusercontent.com/oa/4808?v=4\"");
      out.ascii(",\"id\":").num(id);
      out.ascii(",\"node_id\":").str(Templates.nodeId("SC_", id));
      out.ascii(",\"state\":\"").ascii(state).ch('"');
      out.ascii(",\"description\":").str(i == 0 ? "Build " + state : null);
      out.ascii(",\"target_url\":\"https://ci.example.com/builds/").num(id).ch('"');
      out.ascii(",\"context\":\"").ascii(i == 0 ? "ci/build" : "ci/lint").ch('"');
      out.ascii(",\"created_at\":\"2024-01-01T00:00:00Z\",\"updated_at\":\"2024-01-01T00:05:00Z\"}");
    }
    out.ascii("],\"sha\":\"").ascii(sha).ascii("\",\"total_count\":").num(count);
    out.ascii(",\"repository\":").raw(repo.repoJson);
    out.ascii(",\"commit_url\":\"").raw(repo.apiPrefix).ascii("/commits/").ascii(sha).ch('"');
    out.ascii(",\"url\":\"").raw(repo.apiPrefix).ascii("/commits/").strContent(ref).ascii("/status\"}");
  }
}
