package io.prmonitor.github.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prmonitor.spi.RateLimitExceededException;
import io.prmonitor.spi.RateLimitStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** What a budget makes of statuses other monitors observed, and how much it says is left. */
class RequestBudgetSharingTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant RESET = NOW.plusSeconds(3600);
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  private static RateLimitStatus status(int remaining, Instant reset) {
    return new RateLimitStatus("token:...abcd", 5000, remaining, reset);
  }

  @Test
  void available_unknownBudget_isUnbounded() {
    RequestBudget budget = new RequestBudget("token:...abcd", 50, clock);

    assertThat(budget.available()).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void available_isRemainingMinusReserveAndRequestsInFlight() throws InterruptedException {
    RequestBudget budget = new RequestBudget("token:...abcd", 50, clock);
    budget.observe(status(300, RESET));
    budget.acquire();

    assertThat(budget.available()).isEqualTo(300 - 50 - 1);
  }

  @Test
  void observe_lowerRemainingInTheWindow_bindsTheBudget() {
    RequestBudget budget = new RequestBudget("token:...abcd", 50, clock);
    budget.observe(status(4000, RESET));

    budget.observe(status(50, RESET));
    budget.observe(status(3000, RESET));

    assertThat(budget.status()).contains(status(50, RESET));
    assertThatThrownBy(budget::acquire).isInstanceOf(RateLimitExceededException.class);
  }

  @Test
  void observe_newWindow_replacesTheOldOne() {
    RequestBudget budget = new RequestBudget("token:...abcd", 50, clock);
    budget.observe(status(10, RESET));

    budget.observe(status(4999, RESET.plusSeconds(3600)));

    assertThat(budget.available()).isEqualTo(4999 - 50);
  }

  @Test
  void available_afterTheReset_isUnboundedAgain() {
    RequestBudget budget = new RequestBudget("token:...abcd", 50, clock);
    budget.observe(status(0, NOW.minusSeconds(1)));

    assertThat(budget.available()).isEqualTo(Integer.MAX_VALUE);
  }
}
