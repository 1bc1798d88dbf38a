package io.prmonitor.github.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GitHubJsonTimestampTest {

  @ParameterizedTest
  @ValueSource(strings = {"2011-01-26T19:01:12Z", "1970-01-01T00:00:00Z", "2024-02-29T23:59:59Z",
      "2023-12-31T00:00:01Z", "2000-02-29T12:00:00Z"})
  void instantOrNull_githubForm_equalsTheGeneralParser(String text) {
    assertThat(GitHubJson.instantOrNull(text)).isEqualTo(OffsetDateTime.parse(text).toInstant());
  }

  @ParameterizedTest
  @ValueSource(strings = {"2011-01-26T19:01:12+02:00", "2011-01-26T19:01:12.345Z", "2011-01-26T19:01:12.5-01:30"})
  void instantOrNull_otherIsoForms_fallBackToTheGeneralParser(String text) {
    assertThat(GitHubJson.instantOrNull(text)).isEqualTo(OffsetDateTime.parse(text).toInstant());
  }

  @ParameterizedTest
  @ValueSource(strings = {"2023-02-29T00:00:00Z", "2023-13-01T00:00:00Z", "2023-04-31T00:00:00Z",
      "2023-01-01T24:00:00Z", "2023-01-01T00:60:00Z", "2023-01-01T00:00:60Z", "2O23-01-01T00:00:00Z",
      "2023-01-01 00:00:00Z", "yesterday", ""})
  void instantOrNull_invalidTimestamps_areNull(String text) {
    assertThat(GitHubJson.instantOrNull(text)).isNull();
  }

  @Test
  void instantOrNull_null_isNull() {
    assertThat(GitHubJson.instantOrNull(null)).isNull();
  }

  @Test
  void instantOrNull_leapDayOfLeapYear_isThatDay() {
    assertThat(GitHubJson.instantOrNull("2024-02-29T00:00:00Z")).isEqualTo(Instant.parse("2024-02-29T00:00:00Z"));
  }
}
