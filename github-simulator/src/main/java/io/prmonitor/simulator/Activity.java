package io.prmonitor.simulator;

import io.prmonitor.spi.ChecksState;
import io.prmonitor.spi.Mergeability;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.PullRequestState;
import io.prmonitor.spi.ReviewDecision;
import io.prmonitor.spi.ReviewState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * GitHub's rules for what a pull request's reviews, CI and mergeability add up to, applied to a
 * {@link SimPullRequest}; callers hold the world's lock.
 *
 * <ul>
 *   <li>Latest review per reviewer: the last submitted review of each login, whatever its state.</li>
 *   <li>Review decision: every simulated base branch requires one approving review, so the decision is
 *   {@code CHANGES_REQUESTED} when a reviewer's latest opinionated review (approve, request changes, or a
 *   dismissal) requests changes, else {@code APPROVED} when one approves, else {@code REVIEW_REQUIRED}.</li>
 *   <li>CI rollup of a commit: none without check runs or statuses; else {@code FAILURE} if any failed
 *   (check conclusion failure, timed_out, cancelled, action_required, startup_failure or stale; status
 *   failure), else {@code ERROR} if a status errored, else {@code PENDING} if anything is queued, running or
 *   pending, else {@code SUCCESS} (success, neutral and skipped count as success).</li>
 *   <li>Mergeability: unknown for a closed pull request and while being computed after a push.</li>
 * </ul>
 */
final class Activity {

  private static final Set<String> FAILED_CONCLUSIONS =
      Set.of("failure", "timed_out", "cancelled", "action_required", "startup_failure", "stale");
  private static final String[] CHECK_NAMES = {"build", "test"};

  private Activity() {
  }

  /** Generates reviews and the head's CI for a generated pull request (its state already drawn). */
  static void generate(SimPullRequest pr, SplittableRandom random, List<String> users) {
    for (int i = 0; i < pr.reviewCount; i++) {
      int roll = random.nextInt(10);
      ReviewState state = roll < 4 ? ReviewState.APPROVED : roll < 6 ? ReviewState.CHANGES_REQUESTED
          : ReviewState.COMMENTED;
      pr.reviewList.add(new SimPullRequest.SimReview(pr.id * 10 + i, users.get(random.nextInt(users.size())),
          state, pr.createdAt.plusSeconds(3_600L * (i + 1))));
    }
    pr.ciSha = pr.headSha;
    boolean open = pr.state == PullRequestState.OPEN;
    int runs = random.nextInt(3);
    for (int i = 0; i < runs; i++) {
      int roll = random.nextInt(10);
      String status = open && roll == 0 ? "in_progress" : "completed";
      String conclusion = status.equals("completed") ? (roll < 8 ? "success" : "failure") : null;
      pr.checks.add(new SimPullRequest.SimCheck(true, pr.id * 10 + i, CHECK_NAMES[i], status, conclusion));
    }
    if (random.nextInt(3) == 0) {
      int roll = random.nextInt(10);
      String state = open && roll == 0 ? "pending" : roll < 9 ? "success" : "error";
      pr.checks.add(new SimPullRequest.SimCheck(false, pr.id * 10 + 5, "ci/lint", state, null));
    }
    pr.conflicting = pr.number % 7 == 0;
  }

  /** The latest review of each reviewer, by login. */
  static Map<String, ReviewState> latestReviews(SimPullRequest pr) {
    Map<String, ReviewState> latest = new TreeMap<>();
    for (SimPullRequest.SimReview review : pr.reviewList) {
      latest.put(review.login(), review.state());
    }
    return latest;
  }

  static ReviewDecision decision(SimPullRequest pr) {
    Map<String, ReviewState> opinion = new TreeMap<>();
    for (SimPullRequest.SimReview review : pr.reviewList) {
      if (review.state() != ReviewState.COMMENTED) {
        opinion.put(review.login(), review.state());
      }
    }
    if (opinion.containsValue(ReviewState.CHANGES_REQUESTED)) {
      return ReviewDecision.CHANGES_REQUESTED;
    }
    return opinion.containsValue(ReviewState.APPROVED) ? ReviewDecision.APPROVED : ReviewDecision.REVIEW_REQUIRED;
  }

  /** The checks and statuses on a commit: those of the pull request whose CI commit it is. */
  static List<SimPullRequest.SimCheck> checksOn(SimPullRequest pr, String sha) {
    return sha.equals(pr.ciSha) ? pr.checks : List.of();
  }

  static ChecksState rollup(List<SimPullRequest.SimCheck> checks) {
    if (checks.isEmpty()) {
      return ChecksState.NONE;
    }
    boolean failed = false;
    boolean errored = false;
    boolean pending = false;
    for (SimPullRequest.SimCheck check : checks) {
      if (check.checkRun()) {
        if (!check.status().equals("completed")) {
          pending = true;
        } else if (FAILED_CONCLUSIONS.contains(check.conclusion())) {
          failed = true;
        }
      } else {
        switch (check.status()) {
          case "failure" -> failed = true;
          case "error" -> errored = true;
          case "pending" -> pending = true;
          default -> { }
        }
      }
    }
    return failed ? ChecksState.FAILURE : errored ? ChecksState.ERROR : pending ? ChecksState.PENDING
        : ChecksState.SUCCESS;
  }

  /** Mergeability as GitHub answers it now: unknown when closed or still being computed. */
  static Mergeability mergeable(SimPullRequest pr, Instant now) {
    if (pr.state != PullRequestState.OPEN || (pr.mergeableAt != null && now.isBefore(pr.mergeableAt))) {
      return Mergeability.UNKNOWN;
    }
    return pr.conflicting ? Mergeability.CONFLICTING : Mergeability.MERGEABLE;
  }

  /** Starts computing mergeability again, as a push does. */
  static void recompute(SimPullRequest pr, Instant now, Duration delay) {
    pr.mergeableAt = delay.isZero() ? null : now.plus(delay);
  }

  /**
   * What a client that reads the pull request now should end up storing, once mergeability is known:
   * for a closed pull request, the mergeability it last had while open; comments count conversation and
   * review comments, as GraphQL's {@code totalCommentsCount} does.
   */
  static PullRequestEnrichment truth(SimPullRequest pr) {
    return new PullRequestEnrichment(pr.number, 0, pr.headSha, decision(pr), latestReviews(pr),
        rollup(checksOn(pr, pr.headSha)), pr.conflicting ? Mergeability.CONFLICTING : Mergeability.MERGEABLE,
        pr.comments + pr.reviewComments);
  }
}
