package io.prmonitor.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.spi.RepositoryId;
import java.util.List;
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
}
