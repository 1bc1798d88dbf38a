package io.prmonitor.simulator;

import io.prmonitor.spi.PullRequestState;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.ReviewState;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The changes a test makes to pull requests through {@link GitHubSimulator}: each checks its arguments, then
 * applies itself to the {@link World} under its write lock, as GitHub would (the same transitions refused, the
 * same fields moved). A change that changes nothing returns false from its mutation and leaves
 * {@code updated_at} alone; check runs, commit statuses and conflicts change quietly, as on GitHub.
 * Thread-safe, as the world is.
 */
final class PullRequestMutations {

  private final World world;

  PullRequestMutations(World world) {
    this.world = world;
  }

  void editTitle(RepositoryId repository, int number, String title) {
    Objects.requireNonNull(title, "null title");
    world.mutate(repository, number, pr -> change(pr.title, title, () -> pr.title = title));
  }

  void editBody(RepositoryId repository, int number, String body) {
    world.mutate(repository, number, pr -> change(pr.body(), body, () -> {
      pr.bodyGenerated = false;
      pr.body = body;
    }));
  }

  void changeBase(RepositoryId repository, int number, String baseRef) {
    Objects.requireNonNull(baseRef, "null baseRef");
    world.mutate(repository, number, pr -> change(pr.baseRef, baseRef, () -> pr.baseRef = baseRef));
  }

  void pushCommits(RepositoryId repository, int number) {
    world.mutate(repository, number, pr -> {
      SplittableRandom random = new SplittableRandom(pr.id * 31 + pr.revision);
      pr.headSha = Texts.sha(random);
      pr.commits += 1 + random.nextInt(3);
      pr.additions += random.nextInt(200);
      pr.deletions += random.nextInt(80);
      pr.changedFiles += random.nextInt(3);
      Activity.recompute(pr, world.now(), world.mergeableDelay);
      return true;
    });
  }

  void addLabel(RepositoryId repository, int number, String label) {
    requireText(label, "label");
    world.mutate(repository, number, pr -> addTo(pr.labels, label));
  }

  void removeLabel(RepositoryId repository, int number, String label) {
    world.mutate(repository, number, pr -> pr.labels.remove(label));
  }

  void convertToDraft(RepositoryId repository, int number) {
    setDraft(repository, number, true, "convert to draft");
  }

  void markReadyForReview(RepositoryId repository, int number) {
    setDraft(repository, number, false, "mark ready for review");
  }

  private void setDraft(RepositoryId repository, int number, boolean draft, String action) {
    world.mutate(repository, number, pr -> {
      requireOpen(repository, pr, action);
      return change(pr.draft, draft, () -> pr.draft = draft);
    });
  }

  void requestReview(RepositoryId repository, int number, String login) {
    requireText(login, "login");
    world.mutate(repository, number, pr -> addTo(pr.reviewers, login));
  }

  void removeReviewRequest(RepositoryId repository, int number, String login) {
    world.mutate(repository, number, pr -> pr.reviewers.remove(login));
  }

  void requestTeamReview(RepositoryId repository, int number, String teamSlug) {
    requireText(teamSlug, "teamSlug");
    world.mutate(repository, number, pr -> addTo(pr.teams, teamSlug));
  }

  void removeTeamReviewRequest(RepositoryId repository, int number, String teamSlug) {
    world.mutate(repository, number, pr -> pr.teams.remove(teamSlug));
  }

  void assign(RepositoryId repository, int number, String login) {
    requireText(login, "login");
    world.mutate(repository, number, pr -> addTo(pr.assignees, login));
  }

  void unassign(RepositoryId repository, int number, String login) {
    world.mutate(repository, number, pr -> pr.assignees.remove(login));
  }

  void close(RepositoryId repository, int number) {
    world.mutate(repository, number, pr -> {
      requireOpen(repository, pr, "close");
      pr.state = PullRequestState.CLOSED;
      pr.closedAt = world.pendingTimestamp();
      return true;
    });
  }

  void merge(RepositoryId repository, int number) {
    world.mutate(repository, number, pr -> {
      requireOpen(repository, pr, "merge");
      if (pr.draft) {
        throw new IllegalStateException("cannot merge draft pull request " + repository + "#" + pr.number);
      }
      pr.state = PullRequestState.MERGED;
      pr.closedAt = world.pendingTimestamp();
      pr.mergedAt = pr.closedAt;
      pr.mergeCommitSha = Texts.sha(new SplittableRandom(pr.id ^ pr.revision));
      pr.mergedBy = world.randomUser(pr.id);
      return true;
    });
  }

  void reopen(RepositoryId repository, int number) {
    world.mutate(repository, number, pr -> {
      if (pr.state != PullRequestState.CLOSED) {
        throw new IllegalStateException("cannot reopen " + pr.state.name().toLowerCase(Locale.ROOT)
            + " pull request " + repository + "#" + pr.number);
      }
      pr.state = PullRequestState.OPEN;
      pr.closedAt = null;
      return true;
    });
  }

  void submitReview(RepositoryId repository, int number, String login, ReviewState state) {
    requireText(login, "login");
    Objects.requireNonNull(state, "null state");
    if (state == ReviewState.DISMISSED) {
      throw new IllegalArgumentException("a review is submitted approved, changes requested or commented: " + state);
    }
    world.mutate(repository, number, pr -> {
      pr.reviewList.add(new SimPullRequest.SimReview(pr.id * 10 + 1_000 + pr.reviewList.size(), login, state,
          world.pendingTimestamp()));
      pr.reviewers.remove(login);
      return true;
    });
  }

  void dismissReview(RepositoryId repository, int number, String login) {
    world.mutate(repository, number, pr -> {
      for (int i = pr.reviewList.size() - 1; i >= 0; i--) {
        SimPullRequest.SimReview review = pr.reviewList.get(i);
        if (review.login().equals(login) && (review.state() == ReviewState.APPROVED
            || review.state() == ReviewState.CHANGES_REQUESTED)) {
          pr.reviewList.set(i, new SimPullRequest.SimReview(review.id(), login,
              ReviewState.DISMISSED, review.submittedAt()));
          return true;
        }
      }
      throw new IllegalArgumentException("no approving or changes-requesting review by " + login + " on "
          + repository + "#" + pr.number);
    });
  }

  void addComment(RepositoryId repository, int number) {
    world.mutate(repository, number, pr -> {
      pr.comments++;
      return true;
    });
  }

  void setCheckRun(RepositoryId repository, int number, String name, String status, String conclusion) {
    requireText(name, "name");
    if (!Set.of("queued", "in_progress", "completed").contains(status)) {
      throw new IllegalArgumentException("check run status must be queued, in_progress or completed: " + status);
    }
    if (status.equals("completed") != (conclusion != null)) {
      throw new IllegalArgumentException("a conclusion is given exactly when completed: status=" + status
          + ", conclusion=" + conclusion);
    }
    if (conclusion != null && !Set.of("success", "failure", "neutral", "cancelled", "skipped", "timed_out",
        "action_required", "stale", "startup_failure").contains(conclusion)) {
      throw new IllegalArgumentException("unknown check run conclusion: " + conclusion);
    }
    setCheck(repository, number, true, name, status, conclusion);
  }

  void setCommitStatus(RepositoryId repository, int number, String context, String state) {
    requireText(context, "context");
    if (!Set.of("pending", "success", "failure", "error").contains(state)) {
      throw new IllegalArgumentException("commit status state must be pending, success, failure or error: "
          + state);
    }
    setCheck(repository, number, false, context, state, null);
  }

  void setConflicting(RepositoryId repository, int number, boolean conflicting) {
    world.mutateQuietly(repository, number, pr -> pr.conflicting = conflicting);
  }

  private void setCheck(RepositoryId repository, int number, boolean checkRun, String name, String status,
      String conclusion) {
    world.mutateQuietly(repository, number, pr -> {
      if (!pr.headSha.equals(pr.ciSha)) {
        pr.checks.clear();
        pr.ciSha = pr.headSha;
      }
      pr.checks.removeIf(c -> c.checkRun() == checkRun && c.name().equals(name));
      pr.checks.add(new SimPullRequest.SimCheck(checkRun, pr.id * 10 + 100 + pr.checks.size(), name, status,
          conclusion));
    });
  }

  private static void requireOpen(RepositoryId repository, SimPullRequest pr, String action) {
    if (pr.state != PullRequestState.OPEN) {
      throw new IllegalStateException("cannot " + action + " " + pr.state.name().toLowerCase(Locale.ROOT)
          + " pull request " + repository + "#" + pr.number);
    }
  }

  /** Runs {@code set} unless the value is already {@code value}; a mutation's answer to "changed anything?". */
  private static <T> boolean change(T current, T value, Runnable set) {
    if (Objects.equals(current, value)) {
      return false;
    }
    set.run();
    return true;
  }

  private static boolean addTo(List<String> list, String value) {
    if (list.contains(value)) {
      return false;
    }
    list.add(value);
    return true;
  }

  /** Refuses a null or blank {@code value}, naming it {@code what}. */
  static void requireText(String value, String what) {
    Objects.requireNonNull(value, "null " + what);
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " cannot be blank: '" + value + "'");
    }
  }
}
