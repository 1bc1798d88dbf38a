package io.prmonitor.spi.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.spi.RepositoryId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contract of the quarantine ({@link PullRequestStoreContract}); a store keeping the SPI's default keeps no record. */
interface QuarantineContract extends StoreContractArea {

  @Test
  default void quarantine_isListedUntilCleared() {
    var first = new io.prmonitor.spi.QuarantinedPullRequest(7, T0, "store refused it: " + HOSTILE, T0, 1);
    var other = new io.prmonitor.spi.QuarantinedPullRequest(3, null, "unreadable list item", T0, 2);
    store().quarantine(REPO, List.of(first, other));
    var again = new io.prmonitor.spi.QuarantinedPullRequest(7, T0.plusSeconds(5), "refused again", T0, 2);
    store().quarantine(new RepositoryId("Fixture", "ALPHA"), List.of(again));
    if (!overrides("quarantined", RepositoryId.class)) {
      // the SPI's default keeps no record, and says so: the processor still never loses the pull request
      assertThat(store().quarantined(REPO)).isEmpty();
      return;
    }

    assertThat(store().quarantined(REPO)).containsExactly(other, again);
    assertThat(store().quarantined(OTHER)).isEmpty();

    store().clearQuarantine(REPO, List.of(3, 99));

    assertThat(store().quarantined(REPO)).containsExactly(again);
  }
}
