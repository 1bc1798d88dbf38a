package io.prmonitor.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateLimitStatusTest {

  private static final Instant RESET = Instant.parse("2026-01-01T10:00:00Z");

  private static RateLimitStatus status(int remaining, Instant resetAt) {
    return new RateLimitStatus("token:...abcd", 5000, remaining, resetAt);
  }

  @Test
  void supersedes_nothingKnown() {
    assertThat(status(4000, RESET).supersedes(null)).isTrue();
  }

  @Test
  void supersedes_laterReset_evenWithMoreRemaining() {
    assertThat(status(4999, RESET.plusSeconds(3600)).supersedes(status(10, RESET))).isTrue();
    assertThat(status(10, RESET).supersedes(status(4999, RESET.plusSeconds(3600)))).isFalse();
  }

  @Test
  void supersedes_sameWindow_lowerRemainingWins() {
    assertThat(status(3900, RESET).supersedes(status(4000, RESET))).isTrue();
    assertThat(status(4000, RESET).supersedes(status(3900, RESET))).isFalse();
  }

  @Test
  void supersedes_sameObservation_doesNot() {
    assertThat(status(4000, RESET).supersedes(status(4000, RESET))).isFalse();
  }

  @Test
  void supersedes_withoutReset_isRefused() {
    assertThatThrownBy(() -> status(4000, null).supersedes(status(4000, RESET)))
        .isInstanceOf(NullPointerException.class);
  }
}
