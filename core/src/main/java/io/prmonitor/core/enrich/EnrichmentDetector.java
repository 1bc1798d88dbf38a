package io.prmonitor.core.enrich;

import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.Mergeability;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.ReviewState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Compares a freshly read enrichment of a pull request with the stored one and names every change between
 * them, as {@code ChangeDetector} does for the list fields.
 *
 * <p>The rules, each a fact of GitHub's:
 * <ul>
 *   <li>{@link Mergeability#UNKNOWN} means GitHub is still computing mergeability (after a push or a change
 *   of the base): it never replaces a known value and is never reported; the next pass reads it again.
 *   The first known value after {@code UNKNOWN} is stored but not reported either (nothing was known to
 *   change from).</li>
 *   <li>The first enrichment of a pull request is its baseline: stored, nothing reported.</li>
 *   <li>A reviewer whose latest review changed yields {@link ChangeKind#REVIEW_SUBMITTED}, or
 *   {@link ChangeKind#REVIEW_DISMISSED} when it is now dismissed (values {@code login:STATE}). A reviewer
 *   submitting the same state again is not seen: only the latest state per reviewer is tracked.</li>
 *   <li>More comments than before yield {@link ChangeKind#COMMENTED}; fewer (a deletion) is stored
 *   silently.</li>
 * </ul>
 *
 * <p>Every change is keyed with the new stored revision ({@link PullRequestChange#keyOf(RepositoryId, int,
 * ChangeKind, String, String, String, Instant, long)}), so a CI state that flips back and forth under one
 * {@code updated_at} yields distinct keys, and the same comparison made again yields the same ones.
 * Stateless and thread-safe.
 */
public final class EnrichmentDetector {

  /** What to store and what to report for one pull request. */
  public record Result(PullRequestEnrichment store, List<PullRequestChange> changes) {

    /** Nothing to store, nothing to report. */
    static final Result NONE = new Result(null, List.of());

    /** Whether there is nothing to store. */
    public boolean unchanged() {
      return store == null;
    }
  }

  /**
   * Compares one pull request's enrichments.
   *
   * @param before the stored enrichment, or null
   * @param observed the enrichment just read (its revision is ignored)
   * @param updatedAt the pull request's {@code updated_at} as stored, which the changes carry
   */
  public Result detect(RepositoryId repository, PullRequestEnrichment before, PullRequestEnrichment observed,
      Instant updatedAt) {
    Objects.requireNonNull(observed, "null observed");
    Objects.requireNonNull(updatedAt, "null updatedAt");
    if (before != null && before.number() != observed.number()) {
      throw new IllegalArgumentException(
          "cannot compare the enrichment of #" + before.number() + " with #" + observed.number());
    }
    PullRequestEnrichment merged = observed;
    if (before != null && observed.mergeable() == Mergeability.UNKNOWN) {
      merged = new PullRequestEnrichment(observed.number(), observed.revision(), observed.headSha(),
          observed.reviewDecision(), observed.latestReviews(), observed.checks(), before.mergeable(),
          observed.comments(), observed.etags());
    }
    if (before == null) {
      return new Result(merged.withRevision(1), List.of());
    }
    if (before.sameState(merged)) {
      // new entity tags for the same state are kept, so that the next conditional read is answered 304
      return java.util.Objects.equals(before.etags(), merged.etags()) ? Result.NONE
          : new Result(merged.withRevision(before.revision()), List.of());
    }
    long revision = before.revision() + 1;
    PullRequestEnrichment stored = merged.withRevision(revision);
    List<PullRequestChange> changes = new ArrayList<>(2);
    int number = observed.number();

    TreeSet<String> reviewers = new TreeSet<>(before.latestReviews().keySet());
    reviewers.addAll(stored.latestReviews().keySet());
    Map<String, ReviewState> was = before.latestReviews();
    for (String login : reviewers) {
      ReviewState from = was.get(login);
      ReviewState to = stored.latestReviews().get(login);
      if (to != null && to != from) {
        changes.add(PullRequestChange.of(repository, number,
            to == ReviewState.DISMISSED ? ChangeKind.REVIEW_DISMISSED : ChangeKind.REVIEW_SUBMITTED, "reviews",
            from == null ? null : login + ':' + from.name(), login + ':' + to.name(), updatedAt, revision));
      }
    }
    if (before.reviewDecision() != stored.reviewDecision()) {
      changes.add(PullRequestChange.of(repository, number, ChangeKind.REVIEW_DECISION_CHANGED, "review_decision",
          name(before.reviewDecision()), name(stored.reviewDecision()), updatedAt, revision));
    }
    if (before.checks() != stored.checks()) {
      changes.add(PullRequestChange.of(repository, number, ChangeKind.CHECKS_CHANGED, "checks",
          before.checks().name(), stored.checks().name(), updatedAt, revision));
    }
    if (before.mergeable() != stored.mergeable() && before.mergeable() != Mergeability.UNKNOWN) {
      changes.add(PullRequestChange.of(repository, number, ChangeKind.MERGEABILITY_CHANGED, "mergeable",
          before.mergeable().name(), stored.mergeable().name(), updatedAt, revision));
    }
    if (stored.comments() > before.comments()) {
      changes.add(PullRequestChange.of(repository, number, ChangeKind.COMMENTED, "comments",
          Integer.toString(before.comments()), Integer.toString(stored.comments()), updatedAt, revision));
    }
    return new Result(stored, List.copyOf(changes));
  }

  private static String name(Enum<?> value) {
    return value == null ? null : value.name();
  }
}
