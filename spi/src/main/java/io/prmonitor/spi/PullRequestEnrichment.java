package io.prmonitor.spi;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The part of a pull request's tracked state that GitHub's list endpoint does not show, read per pull
 * request ("enrichment"): the review decision, the latest review of each reviewer, the CI state of the
 * head commit, mergeability, and the number of comments. Immutable.
 *
 * <p>A store keeps one per pull request, beside its {@link PullRequest} snapshot, and replaces it with
 * each {@link SyncBatch} that carries a newer one. {@link #revision()} counts the replacements that changed
 * something: changes detected on enrichment carry it in their keys ({@link PullRequestChange#keyOf(
 * RepositoryId, int, ChangeKind, String, String, String, java.time.Instant, long)}), because CI state can
 * change back and forth while the pull request's {@code updated_at} stands still. The same stored
 * enrichment compared with the same observation (after a crash, by another worker) yields the same
 * revision and so the same keys.
 *
 * @param number the pull request's number, positive
 * @param revision how many times the stored enrichment changed, starting at 1 for the first one stored
 * @param headSha the head commit whose CI state {@link #checks()} is, never null
 * @param reviewDecision the review decision; null when the base branch requires no review
 * @param latestReviews each reviewer's (login's) latest submitted review state, sorted by login
 * @param checks the CI rollup of {@link #headSha()}, never null
 * @param mergeable never null; {@link Mergeability#UNKNOWN} only until GitHub first computed it
 * @param comments the number of comments, conversation and review comments together (GraphQL's
 *     {@code totalCommentsCount}; REST's {@code comments + review_comments}), not negative
 * @param etags the entity tags of the REST responses it was read from, for conditional re-reads (REST
 *     enrichment keeps them with the enrichment, so they outlive the process); null when read otherwise.
 *     Not part of the tracked state ({@link #sameState})
 */
public record PullRequestEnrichment(
    int number,
    long revision,
    String headSha,
    ReviewDecision reviewDecision,
    Map<String, ReviewState> latestReviews,
    ChecksState checks,
    Mergeability mergeable,
    int comments,
    String etags) {

  /** An enrichment without entity tags (read through GraphQL, or made by hand). */
  public PullRequestEnrichment(int number, long revision, String headSha, ReviewDecision reviewDecision,
      Map<String, ReviewState> latestReviews, ChecksState checks, Mergeability mergeable, int comments) {
    this(number, revision, headSha, reviewDecision, latestReviews, checks, mergeable, comments, null);
  }

  public PullRequestEnrichment {
    if (number <= 0) {
      throw new IllegalArgumentException("pull request number must be positive: " + number);
    }
    if (revision < 0) {
      throw new IllegalArgumentException("revision must not be negative: " + revision);
    }
    if (comments < 0) {
      throw new IllegalArgumentException("comments must not be negative: " + comments);
    }
    Objects.requireNonNull(headSha, "null headSha");
    Objects.requireNonNull(checks, "null checks");
    Objects.requireNonNull(mergeable, "null mergeable");
    Objects.requireNonNull(latestReviews, "null latestReviews");
    if (latestReviews.isEmpty()) {
      latestReviews = Map.of();
    } else {
      TreeMap<String, ReviewState> sorted = new TreeMap<>();
      latestReviews.forEach((login, state) -> {
        Objects.requireNonNull(login, "null reviewer login");
        if (login.isEmpty() || login.indexOf(PullRequestChange.SET_SEPARATOR) >= 0 || login.indexOf(':') >= 0) {
          throw new IllegalArgumentException("bad reviewer login: " + login);
        }
        sorted.put(login, Objects.requireNonNull(state, () -> "null review state of " + login));
      });
      latestReviews = Collections.unmodifiableSortedMap(sorted);
    }
  }

  /** This enrichment with another revision. */
  public PullRequestEnrichment withRevision(long newRevision) {
    return new PullRequestEnrichment(number, newRevision, headSha, reviewDecision, latestReviews, checks,
        mergeable, comments, etags);
  }

  /** Whether the tracked values (all but {@link #revision()}) equal those of {@code other}. */
  public boolean sameState(PullRequestEnrichment other) {
    return other != null && number == other.number && comments == other.comments
        && headSha.equals(other.headSha) && reviewDecision == other.reviewDecision
        && latestReviews.equals(other.latestReviews) && checks == other.checks && mergeable == other.mergeable;
  }

  /**
   * The latest reviews as a store or a change holds them: {@code login:STATE} entries sorted by login,
   * joined by {@link PullRequestChange#SET_SEPARATOR}.
   */
  public String latestReviewsText() {
    StringBuilder text = new StringBuilder();
    latestReviews.forEach((login, state) -> {
      if (!text.isEmpty()) {
        text.append(PullRequestChange.SET_SEPARATOR);
      }
      text.append(login).append(':').append(state.name());
    });
    return text.toString();
  }

  /**
   * Reads {@link #latestReviewsText()} back.
   *
   * @throws IllegalArgumentException naming the entry that is not {@code login:STATE}
   */
  public static Map<String, ReviewState> parseLatestReviews(String text) {
    if (text == null || text.isEmpty()) {
      return Map.of();
    }
    TreeMap<String, ReviewState> reviews = new TreeMap<>();
    for (String entry : text.split(String.valueOf(PullRequestChange.SET_SEPARATOR))) {
      int colon = entry.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("not a login:STATE review entry: " + entry);
      }
      reviews.put(entry.substring(0, colon), ReviewState.valueOf(entry.substring(colon + 1)));
    }
    return reviews;
  }
}
