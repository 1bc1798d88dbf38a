package io.prmonitor.github.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** GraphQL's budget merges the answers' {@code rateLimit} by REST's rule, {@code RateLimitStatus.supersedes}. */
class GraphQlBudgetTest {

  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  private static final int RESERVE = 200;

  private final GraphQlBudget budget = new GraphQlBudget(Clock.fixed(NOW, ZoneOffset.UTC));

  private static Instant in(int minutes) {
    return NOW.plus(Duration.ofMinutes(minutes));
  }

  @Test
  void anAnswerWithAnEarlierReset_arrivingLate_changesNothing() {
    budget.observe(100, in(50));

    budget.observe(4_000, in(20)); // an older answer, out of order

    assertThat(budget.refusal(1, RESERVE)).contains("100 points left").contains(in(50).toString());
  }

  @Test
  void aLaterReset_startsTheNewWindow() {
    budget.observe(100, in(50));

    budget.observe(4_000, in(110));

    assertThat(budget.refusal(1, RESERVE)).isNull();
  }

  @Test
  void withinOneWindow_theLowerFigureWins() {
    budget.observe(150, in(50));

    budget.observe(4_000, in(50));

    assertThat(budget.refusal(1, RESERVE)).contains("150 points left");
  }

  @Test
  void aResetGuessedAfterRateLimited_givesWayToTheResetGitHubReports() {
    budget.exhausted(); // no reset known: guessed an hour ahead
    assertThat(budget.refusal(1, RESERVE)).contains("0 points left");

    budget.observe(4_000, in(30));

    assertThat(budget.refusal(1, RESERVE)).isNull();
  }
}
