package io.prmonitor.github.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prmonitor.spi.RateLimitExceededException;
import io.prmonitor.spi.RateLimitStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RequestBudgetTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant RESET = NOW.plusSeconds(3600);
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  private static RateLimitStatus status(int remaining) {
    return new RateLimitStatus("token:...abcd", 5000, remaining, RESET);
  }

  @Test
  void acquire_downToTheReserve_isRefusedWithoutSending() throws InterruptedException {
    RequestBudget budget = new RequestBudget("token:...abcd", 50, clock);
    budget.acquire();
    budget.release(status(51), true);

    budget.acquire();
    budget.release(status(50), true);

    assertThatThrownBy(budget::acquire).isInstanceOf(RateLimitExceededException.class)
        .satisfies(e -> assertThat(((RateLimitExceededException) e).resetAt()).isEqualTo(RESET))
        .satisfies(e -> assertThat(((RateLimitExceededException) e).status()).isZero());
  }

  @Test
  void acquire_afterTheReset_isAllowedAgain() throws InterruptedException {
    RequestBudget budget = new RequestBudget("t", 50, Clock.fixed(RESET, ZoneOffset.UTC));
    budget.acquire();
    budget.release(status(10), true);

    budget.acquire();

    assertThat(budget.status()).contains(status(10));
  }

  @Test
  void release_outOfOrderAnswers_keepTheLowestRemaining() throws InterruptedException {
    RequestBudget budget = new RequestBudget("t", 0, clock);
    budget.acquire();
    budget.release(status(100), true);
    budget.acquire();
    budget.release(status(120), true);

    assertThat(budget.status()).contains(status(100));
  }

  @Test
  void release_newWindow_replacesTheOldOne() throws InterruptedException {
    RequestBudget budget = new RequestBudget("t", 0, clock);
    budget.acquire();
    budget.release(status(3), true);
    budget.acquire();
    RateLimitStatus next = new RateLimitStatus("t", 5000, 4999, RESET.plusSeconds(3600));
    budget.release(next, true);

    assertThat(budget.status()).contains(next);
  }

  @Test
  void acquire_concurrentThreads_neverOvershootTheBudget() throws Exception {
    RequestBudget budget = new RequestBudget("t", 50, clock);
    budget.acquire();
    budget.release(status(300), true);
    AtomicInteger remaining = new AtomicInteger(300);
    AtomicInteger sent = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
      for (int t = 0; t < 16; t++) {
        futures.add(pool.submit(() -> {
          start.await();
          while (true) {
            try {
              budget.acquire();
            } catch (RateLimitExceededException e) {
              return null;
            }
            sent.incrementAndGet();
            budget.release(status(remaining.decrementAndGet()), true);
          }
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(10, TimeUnit.SECONDS);
      }
    }

    assertThat(sent.get()).isEqualTo(250);
    assertThat(remaining.get()).isEqualTo(50);
  }

  @Test
  void acquire_beforeAnyAnswer_letsOneProbeThrough() throws Exception {
    RequestBudget budget = new RequestBudget("t", 0, clock);
    budget.acquire();
    CountDownLatch second = new CountDownLatch(1);
    Thread waiter = Thread.ofVirtual().start(() -> {
      try {
        budget.acquire();
        second.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });

    assertThat(second.await(200, TimeUnit.MILLISECONDS)).isFalse();
    budget.release(status(100), true);
    assertThat(second.await(5, TimeUnit.SECONDS)).isTrue();
    waiter.join();
  }

  @Test
  void release_serverWithoutHeaders_isNotLimited() throws InterruptedException {
    RequestBudget budget = new RequestBudget("t", 10, clock);
    budget.acquire();
    budget.release(null, true);

    for (int i = 0; i < 100; i++) {
      budget.acquire();
    }

    assertThat(budget.status()).isEmpty();
  }
}
