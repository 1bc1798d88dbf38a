package io.prmonitor.core.sync;

import static io.prmonitor.spi.contract.PullRequestFixtures.builder;
import static io.prmonitor.spi.contract.PullRequestFixtures.pullRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.spi.PullRequest;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which copy of a pull request listed twice in one page the synchronizer uses. */
class OncePerNumberTest {

  private static final Instant T = Instant.parse("2026-11-01T00:00:00Z");
  private static final Instant TRUSTED_UNTIL = T.plusSeconds(3_600);

  @Test
  void oncePerNumber_noRepeat_returnsThePageAsIs() {
    List<PullRequest> page = List.of(pullRequest(1), pullRequest(2));

    assertThat(PageApplier.oncePerNumber(page, TRUSTED_UNTIL)).isSameAs(page);
  }

  @Test
  void oncePerNumber_laterUpdatedAtWins_inThePlaceOfTheFirstCopy() {
    PullRequest older = builder(1).title("older").updatedAt(T).build();
    PullRequest newer = builder(1).title("newer").updatedAt(T.plusSeconds(5)).build();

    assertThat(PageApplier.oncePerNumber(List.of(older, pullRequest(2), newer), TRUSTED_UNTIL))
        .containsExactly(newer, pullRequest(2));
  }

  @Test
  void oncePerNumber_equalUpdatedAt_firstCopyWins() {
    PullRequest first = builder(1).title("first").updatedAt(T).build();
    PullRequest second = builder(1).title("second").updatedAt(T).build();

    assertThat(PageApplier.oncePerNumber(List.of(first, second), TRUSTED_UNTIL)).containsExactly(first);
  }

  @Test
  void oncePerNumber_untrustedFutureUpdatedAt_losesToATrustedOne() {
    PullRequest glitch = builder(1).title("year 9999").updatedAt(Instant.parse("9999-12-31T23:59:59Z")).build();
    PullRequest honest = builder(1).title("honest").updatedAt(T).build();

    assertThat(PageApplier.oncePerNumber(List.of(glitch, honest), TRUSTED_UNTIL))
        .containsExactly(honest);
  }
}
