package io.prmonitor.github.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SecondaryLimitGateTest {

  private final FakeTime time = new FakeTime();
  private final SecondaryLimitGate gate = new SecondaryLimitGate(Duration.ofSeconds(60), time, time);

  @Test
  void trip_withRetryAfter_pausesExactlyThatLong() throws InterruptedException {
    assertThat(gate.trip(Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(7));

    gate.awaitOpen();

    assertThat(time.slept()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void trip_withoutRetryAfter_pausesAtLeastTheMinimumAndDoubles() throws InterruptedException {
    assertThat(gate.trip(null)).isEqualTo(Duration.ofSeconds(60));
    gate.awaitOpen();
    assertThat(gate.trip(null)).isEqualTo(Duration.ofSeconds(120));
    gate.awaitOpen();
    assertThat(gate.trip(null)).isEqualTo(Duration.ofSeconds(240));
  }

  @Test
  void trip_whilePauseRuns_doesNotEscalate() {
    gate.trip(null);

    assertThat(gate.trip(null)).isEqualTo(Duration.ofSeconds(60));
    assertThat(gate.remaining()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void succeeded_resetsTheEscalation() throws InterruptedException {
    gate.trip(null);
    gate.awaitOpen();
    gate.succeeded();

    assertThat(gate.trip(null)).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void trip_withoutRetryAfter_isCapped() throws InterruptedException {
    for (int i = 0; i < 10; i++) {
      gate.trip(null);
      gate.awaitOpen();
    }

    assertThat(gate.trip(null)).isEqualTo(SecondaryLimitGate.MAX_PAUSE);
  }

  @Test
  void awaitOpen_withoutPause_doesNotWait() throws InterruptedException {
    gate.awaitOpen();

    assertThat(time.sleeps()).isEmpty();
  }
}
