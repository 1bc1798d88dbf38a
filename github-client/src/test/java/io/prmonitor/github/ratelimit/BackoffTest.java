package io.prmonitor.github.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void delay_withoutJitter_growsByTheFactor() {
    Backoff backoff = new Backoff(Duration.ofMillis(500), 2.0, 0.0, () -> 0.5);

    assertThat(backoff.delay(1)).isEqualTo(Duration.ofMillis(500));
    assertThat(backoff.delay(2)).isEqualTo(Duration.ofMillis(1000));
    assertThat(backoff.delay(3)).isEqualTo(Duration.ofMillis(2000));
  }

  @Test
  void delay_jitterStaysWithinItsBounds() {
    Backoff low = new Backoff(Duration.ofMillis(1000), 3.0, 0.2, () -> 0.0);
    Backoff high = new Backoff(Duration.ofMillis(1000), 3.0, 0.2, () -> 0.999999);

    assertThat(low.delay(2)).isEqualTo(Duration.ofMillis(2400));
    assertThat(high.delay(2)).isBetween(Duration.ofMillis(3599), Duration.ofMillis(3600));
  }

  @Test
  void delay_isCapped() {
    Backoff backoff = new Backoff(Duration.ofSeconds(10), 10.0, 0.0, () -> 0.5);

    assertThat(backoff.delay(30)).isEqualTo(Backoff.MAX_DELAY);
  }

  @Test
  void delay_retryBelowOne_isRejected() {
    Backoff backoff = Backoff.withJitter(Duration.ofMillis(1), 2.0);

    assertThatThrownBy(() -> backoff.delay(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
  }

  @Test
  void constructor_badValues_areRejectedByName() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, 2.0, 0.1, () -> 0.5))
        .hasMessageContaining("initialDelay");
    assertThatThrownBy(() -> new Backoff(Duration.ofMillis(1), 0.5, 0.1, () -> 0.5))
        .hasMessageContaining("factor must be a finite number >= 1: 0.5");
    assertThatThrownBy(() -> new Backoff(Duration.ofMillis(1), 2.0, 1.5, () -> 0.5))
        .hasMessageContaining("jitter must be between 0 and 1: 1.5");
  }
}
