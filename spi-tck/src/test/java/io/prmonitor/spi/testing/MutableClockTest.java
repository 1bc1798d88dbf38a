package io.prmonitor.spi.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MutableClockTest {

  private static final Instant START = Instant.parse("2026-01-05T10:00:00Z");

  @Test
  void fixedClock_standsStillUntilAdvanced() {
    MutableClock clock = new MutableClock(START);
    assertThat(clock.instant()).isEqualTo(START);
    assertThat(clock.instant()).isEqualTo(START);

    clock.advance(Duration.ofMinutes(5));
    clock.advance(Duration.ofSeconds(-30));

    assertThat(clock.instant()).isEqualTo(START.plusSeconds(270));
    assertThat(clock.millis()).isEqualTo(START.plusSeconds(270).toEpochMilli());
  }

  @Test
  void setOffset_replacesEarlierMoves() {
    MutableClock clock = new MutableClock(START);
    clock.advance(Duration.ofHours(3));

    clock.setOffset(Duration.ofSeconds(10));

    assertThat(clock.instant()).isEqualTo(START.plusSeconds(10));
  }

  @Test
  void followingSystemClock_runsAheadOfTheSystemClockByItsOffset() {
    MutableClock clock = MutableClock.followingSystemClock();
    clock.advance(Duration.ofHours(2));

    Instant before = Instant.now();
    Instant reading = clock.instant();
    Instant after = Instant.now();

    assertThat(reading).isBetween(before.plus(Duration.ofHours(2)), after.plus(Duration.ofHours(2)));
  }

  @Test
  void advance_fromManyThreads_losesNoMove() throws Exception {
    MutableClock clock = new MutableClock(START);
    try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
      IntStream.range(0, 1_000).forEach(i -> threads.submit(() -> clock.advance(Duration.ofMillis(1))));
    }
    assertThat(clock.instant()).isEqualTo(START.plusSeconds(1));
  }

  @Test
  void withZone_keepsUtcAndRefusesOthers() {
    MutableClock clock = new MutableClock(START);
    assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    assertThat(clock.withZone(ZoneOffset.UTC)).isSameAs(clock);
    assertThatThrownBy(() -> clock.withZone(ZoneId.of("Europe/Paris")))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("Europe/Paris");
  }

  @Test
  void nulls_areRefusedByName() {
    MutableClock clock = new MutableClock(START);
    assertThatThrownBy(() -> new MutableClock(null)).hasMessage("null start");
    assertThatThrownBy(() -> clock.advance(null)).hasMessage("null amount");
    assertThatThrownBy(() -> clock.setOffset(null)).hasMessage("null offset");
  }
}
