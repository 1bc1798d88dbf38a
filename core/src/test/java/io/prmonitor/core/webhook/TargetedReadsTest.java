package io.prmonitor.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.spi.RepositoryId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TargetedReadsTest {

  private static final RepositoryId REPO = RepositoryId.parse("o/r");

  private static WebhookEvent naming(int... numbers) {
    return new WebhookEvent(REPO, WebhookEvent.Kind.PULL_REQUEST,
        IntStream.of(numbers).mapToObj(n -> new WebhookEvent.Hint(n, null, null)).toList());
  }

  @Test
  void firstPageSize_reviewAndCiEventsAlone_keepTheFullPageForA304() {
    assertThat(TargetedReads.firstPageSize(List.of(new WebhookEvent(REPO, WebhookEvent.Kind.CI, List.of()),
        new WebhookEvent(REPO, WebhookEvent.Kind.REVIEW, List.of(new WebhookEvent.Hint(3, null, null)))))).isNull();
  }

  @Test
  void firstPageSize_isTwiceTheNamedPullRequestsBetween10And100() {
    assertThat(TargetedReads.firstPageSize(List.of(naming(1)))).isEqualTo(10);
    assertThat(TargetedReads.firstPageSize(List.of(naming(4), new WebhookEvent(REPO, WebhookEvent.Kind.CI,
        List.of())))).isEqualTo(10);
    assertThat(TargetedReads.firstPageSize(List.of(naming(1, 2, 3), naming(3, 4, 5, 6, 7, 8)))).isEqualTo(16);
    assertThat(TargetedReads.firstPageSize(List.of(naming(IntStream.rangeClosed(1, 80).toArray())))).isEqualTo(100);
  }

  @Test
  void refreshEnrichment_statusBesideAReview_refreshesTheNamedPullRequestAndEveryOpenOnesChecks() {
    List<Set<Integer>> calls = new ArrayList<>();
    EnrichmentHook hook = (repository, numbers) -> calls.add(Set.copyOf(numbers));

    boolean handled = TargetedReads.refreshEnrichment(hook, REPO, List.of(
        new WebhookEvent(REPO, WebhookEvent.Kind.REVIEW, List.of(new WebhookEvent.Hint(5, null, null))),
        new WebhookEvent(REPO, WebhookEvent.Kind.CI, List.of())));

    assertThat(handled).isTrue();
    // a commit status names no pull request: the CI of every open one is read again, not only #5's
    assertThat(calls).containsExactly(Set.of(5), Set.of());
  }

  @Test
  void refreshEnrichment_namedPullRequestNotStored_handsBackToTheListWithoutTheSecondRead() {
    List<Set<Integer>> calls = new ArrayList<>();
    EnrichmentHook hook = (repository, numbers) -> {
      calls.add(Set.copyOf(numbers));
      return false;
    };

    boolean handled = TargetedReads.refreshEnrichment(hook, REPO, List.of(
        new WebhookEvent(REPO, WebhookEvent.Kind.CI, List.of(new WebhookEvent.Hint(7, null, null))),
        new WebhookEvent(REPO, WebhookEvent.Kind.CI, List.of())));

    assertThat(handled).isFalse();
    assertThat(calls).containsExactly(Set.of(7));
  }

  @Test
  void refreshEnrichment_reviewEventsAlone_readOnlyTheirPullRequests() {
    List<Set<Integer>> calls = new ArrayList<>();
    EnrichmentHook hook = (repository, numbers) -> calls.add(Set.copyOf(numbers));

    assertThat(TargetedReads.refreshEnrichment(hook, REPO, List.of(
        new WebhookEvent(REPO, WebhookEvent.Kind.REVIEW, List.of(new WebhookEvent.Hint(2, null, null))),
        new WebhookEvent(REPO, WebhookEvent.Kind.REVIEW, List.of(new WebhookEvent.Hint(3, null, null)))))).isTrue();
    assertThat(calls).containsExactly(Set.of(2, 3));
  }
}
