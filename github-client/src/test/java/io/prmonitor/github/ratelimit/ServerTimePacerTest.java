package io.prmonitor.github.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerTimePacerTest {

  private final FakeTime time = new FakeTime();

  @Test
  void acquire_underTheBudget_doesNotWait() throws InterruptedException {
    ServerTimePacer pacer = new ServerTimePacer(Duration.ofSeconds(90), Duration.ofSeconds(60), time, time);

    for (int i = 0; i < 10; i++) {
      pacer.acquire();
      time.advance(Duration.ofSeconds(1));
      pacer.release(Duration.ofSeconds(1));
    }

    assertThat(time.sleeps()).isEmpty();
    assertThat(pacer.windowTime()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void acquire_whenWindowIsFull_waitsUntilOldRequestsLeaveIt() throws InterruptedException {
    ServerTimePacer pacer = new ServerTimePacer(Duration.ofSeconds(10), Duration.ofSeconds(60), time, time);
    for (int i = 0; i < 9; i++) {
      pacer.acquire();
      pacer.release(Duration.ofSeconds(1));
    }
    long before = time.nanoTime();

    pacer.acquire();

    // 9 s recorded, 1 s expected for the new one, 9.5 s allowed: the oldest entry must leave the window.
    assertThat(time.nanoTime() - before).isEqualTo(Duration.ofSeconds(60).toNanos());
  }

  @Test
  void acquire_countsRequestsInFlight() {
    ServerTimePacer pacer = new ServerTimePacer(Duration.ofSeconds(10), Duration.ofSeconds(60), time, time);
    assertThat(pacer.tryAcquire()).isZero();
    pacer.release(Duration.ofSeconds(2));

    assertThat(pacer.tryAcquire()).isZero();
    assertThat(pacer.tryAcquire()).isZero();
    assertThat(pacer.tryAcquire()).isZero();
    // 2 s recorded + 4 x 2 s expected = 10 s > 9.5 s allowed
    assertThat(pacer.tryAcquire()).isPositive();
  }

  @Test
  void acquire_firstRequestLongerThanTheBudget_isLetThrough() {
    ServerTimePacer pacer = new ServerTimePacer(Duration.ofMillis(100), Duration.ofSeconds(1), time, time);
    pacer.tryAcquire();
    pacer.release(Duration.ofSeconds(5));
    time.advance(Duration.ofSeconds(2));

    assertThat(pacer.tryAcquire()).isZero();
  }

  @Test
  void sustainedLoad_staysWithinTheBudgetInEveryWindow() throws InterruptedException {
    Duration budget = Duration.ofSeconds(3);
    Duration window = Duration.ofSeconds(2);
    ServerTimePacer pacer = new ServerTimePacer(budget, window, time, time);
    Duration latency = Duration.ofMillis(100);
    long start = time.nanoTime();
    long[] ends = new long[400];
    for (int i = 0; i < ends.length; i++) {
      pacer.acquire();
      // Simulates 4 concurrent requests of 100 ms each: time advances by a quarter of the latency.
      time.advance(latency.dividedBy(4));
      pacer.release(latency);
      ends[i] = time.nanoTime();
    }
    long elapsed = time.nanoTime() - start;

    for (int i = 0; i < ends.length; i++) {
      long inWindow = 0;
      for (long end : ends) {
        if (end <= ends[i] && end > ends[i] - window.toNanos()) {
          inWindow++;
        }
      }
      assertThat(inWindow * latency.toNanos()).isLessThanOrEqualTo(budget.toNanos());
    }
    double floor = ends.length * latency.toNanos() * (double) window.toNanos() / budget.toNanos();
    assertThat(elapsed / floor).isLessThan(1.15);
  }
}
