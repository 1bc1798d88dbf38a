package io.prmonitor.core.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.ChecksState;
import io.prmonitor.spi.Mergeability;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.ReviewDecision;
import io.prmonitor.spi.ReviewState;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnrichmentDetectorTest {

  private static final RepositoryId REPO = RepositoryId.parse("octo/hello");
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

  private final EnrichmentDetector detector = new EnrichmentDetector();

  private static PullRequestEnrichment e(long revision, Map<String, ReviewState> reviews, ReviewDecision decision,
      ChecksState checks, Mergeability mergeable, int comments) {
    return new PullRequestEnrichment(7, revision, "sha1", decision, reviews, checks, mergeable, comments);
  }

  private static PullRequestEnrichment base() {
    return e(4, Map.of("bob", ReviewState.COMMENTED), ReviewDecision.REVIEW_REQUIRED, ChecksState.PENDING,
        Mergeability.MERGEABLE, 2);
  }

  @Test
  void detect_firstEnrichment_isStoredAsRevisionOneWithoutChanges() {
    EnrichmentDetector.Result result = detector.detect(REPO, null, base(), T0);

    assertThat(result.store()).isEqualTo(base().withRevision(1));
    assertThat(result.changes()).isEmpty();
  }

  @Test
  void detect_sameState_storesNothing() {
    EnrichmentDetector.Result result = detector.detect(REPO, base(), base().withRevision(0), T0);

    assertThat(result.unchanged()).isTrue();
    assertThat(result.changes()).isEmpty();
  }

  @Test
  void detect_approvalAndDecision_reportedWithNextRevision() {
    PullRequestEnrichment after = e(0, Map.of("bob", ReviewState.APPROVED, "eve", ReviewState.CHANGES_REQUESTED),
        ReviewDecision.CHANGES_REQUESTED, ChecksState.PENDING, Mergeability.MERGEABLE, 2);

    EnrichmentDetector.Result result = detector.detect(REPO, base(), after, T0);

    assertThat(result.store().revision()).isEqualTo(5);
    assertThat(result.changes()).extracting(PullRequestChange::kind, PullRequestChange::before,
            PullRequestChange::after)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(ChangeKind.REVIEW_SUBMITTED, "bob:COMMENTED", "bob:APPROVED"),
            org.assertj.core.groups.Tuple.tuple(ChangeKind.REVIEW_SUBMITTED, null, "eve:CHANGES_REQUESTED"),
            org.assertj.core.groups.Tuple.tuple(ChangeKind.REVIEW_DECISION_CHANGED, "REVIEW_REQUIRED",
                "CHANGES_REQUESTED"));
    assertThat(result.changes().get(0).key()).isEqualTo(PullRequestChange.keyOf(REPO, 7,
        ChangeKind.REVIEW_SUBMITTED, "reviews", "bob:COMMENTED", "bob:APPROVED", T0, 5));
  }

  @Test
  void detect_dismissal_isReviewDismissed() {
    PullRequestEnrichment after = e(0, Map.of("bob", ReviewState.DISMISSED), ReviewDecision.REVIEW_REQUIRED,
        ChecksState.PENDING, Mergeability.MERGEABLE, 2);

    assertThat(detector.detect(REPO, base(), after, T0).changes()).singleElement()
        .satisfies(c -> assertThat(c.kind()).isEqualTo(ChangeKind.REVIEW_DISMISSED));
  }

  @Test
  void detect_checksFlipBackAndForthUnderOneUpdatedAt_distinctKeys() {
    PullRequestEnrichment failed = e(0, base().latestReviews(), ReviewDecision.REVIEW_REQUIRED, ChecksState.FAILURE,
        Mergeability.MERGEABLE, 2);
    EnrichmentDetector.Result first = detector.detect(REPO, base(), failed, T0);
    EnrichmentDetector.Result back = detector.detect(REPO, first.store(), base(), T0);
    EnrichmentDetector.Result again = detector.detect(REPO, back.store(), failed, T0);

    assertThat(first.changes()).singleElement().satisfies(c -> {
      assertThat(c.kind()).isEqualTo(ChangeKind.CHECKS_CHANGED);
      assertThat(c.before()).isEqualTo("PENDING");
      assertThat(c.after()).isEqualTo("FAILURE");
    });
    assertThat(again.changes().get(0).key()).isNotEqualTo(first.changes().get(0).key());
    assertThat(again.store().revision()).isEqualTo(7);
  }

  @Test
  void detect_sameComparisonTwice_sameKeys() {
    PullRequestEnrichment failed = e(0, base().latestReviews(), ReviewDecision.REVIEW_REQUIRED, ChecksState.FAILURE,
        Mergeability.CONFLICTING, 5);

    assertThat(detector.detect(REPO, base(), failed, T0).changes())
        .isEqualTo(detector.detect(REPO, base(), failed, T0).changes());
  }

  @Test
  void detect_mergeabilityUnknown_keepsKnownValueAndReportsNothing() {
    PullRequestEnrichment computing = e(0, base().latestReviews(), ReviewDecision.REVIEW_REQUIRED,
        ChecksState.PENDING, Mergeability.UNKNOWN, 2);

    assertThat(detector.detect(REPO, base(), computing, T0).unchanged()).isTrue();
  }

  @Test
  void detect_mergeabilityKnownToKnown_reported_unknownToKnown_storedSilently() {
    PullRequestEnrichment conflicting = e(0, base().latestReviews(), ReviewDecision.REVIEW_REQUIRED,
        ChecksState.PENDING, Mergeability.CONFLICTING, 2);
    PullRequestEnrichment unknown = e(3, base().latestReviews(), ReviewDecision.REVIEW_REQUIRED,
        ChecksState.PENDING, Mergeability.UNKNOWN, 2);

    assertThat(detector.detect(REPO, base(), conflicting, T0).changes()).singleElement()
        .satisfies(c -> assertThat(c.after()).isEqualTo("CONFLICTING"));
    EnrichmentDetector.Result fromUnknown = detector.detect(REPO, unknown, conflicting, T0);
    assertThat(fromUnknown.store().mergeable()).isEqualTo(Mergeability.CONFLICTING);
    assertThat(fromUnknown.changes()).isEmpty();
  }

  @Test
  void detect_moreComments_commented_fewer_storedSilently() {
    PullRequestEnrichment more = e(0, base().latestReviews(), ReviewDecision.REVIEW_REQUIRED, ChecksState.PENDING,
        Mergeability.MERGEABLE, 4);
    PullRequestEnrichment fewer = e(0, base().latestReviews(), ReviewDecision.REVIEW_REQUIRED, ChecksState.PENDING,
        Mergeability.MERGEABLE, 1);

    assertThat(detector.detect(REPO, base(), more, T0).changes()).singleElement().satisfies(c -> {
      assertThat(c.kind()).isEqualTo(ChangeKind.COMMENTED);
      assertThat(c.before()).isEqualTo("2");
      assertThat(c.after()).isEqualTo("4");
    });
    EnrichmentDetector.Result deleted = detector.detect(REPO, base(), fewer, T0);
    assertThat(deleted.store().comments()).isEqualTo(1);
    assertThat(deleted.changes()).isEmpty();
  }

  @Test
  void detect_otherNumber_rejected() {
    PullRequestEnrichment other = new PullRequestEnrichment(8, 0, "sha1", null, Map.of(), ChecksState.NONE,
        Mergeability.MERGEABLE, 0);

    assertThatThrownBy(() -> detector.detect(REPO, base(), other, T0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("#7").hasMessageContaining("#8");
  }
}
