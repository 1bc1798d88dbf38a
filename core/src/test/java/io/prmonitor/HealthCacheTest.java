package io.prmonitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class HealthCacheTest {

  private final AtomicInteger evaluations = new AtomicInteger();

  private Health evaluate() {
    evaluations.incrementAndGet();
    return new Health(Health.Status.UP, Map.of("store", Health.Status.UP), Map.of("store", "ok"));
  }

  @Test
  void cached_withinMaxAge_evaluatesOnce() {
    Supplier<Health> health = Health.cached(this::evaluate, Duration.ofHours(1));

    Health first = health.get();
    Health second = health.get();

    assertThat(second).isSameAs(first);
    assertThat(evaluations).hasValue(1);
  }

  @Test
  void cached_zeroMaxAge_evaluatesEveryTimeTheClockMoved() {
    Supplier<Health> health = Health.cached(this::evaluate, Duration.ZERO);
    health.get();
    long before = System.nanoTime();
    // System.nanoTime moves on between two calls in practice; wait on that event, not on a sleep
    while (System.nanoTime() == before) {
      Thread.onSpinWait();
    }

    health.get();

    assertThat(evaluations).hasValue(2);
  }

  @Test
  void cached_negativeMaxAge_isRefused() {
    assertThatThrownBy(() -> Health.cached(this::evaluate, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-1S");
  }
}
