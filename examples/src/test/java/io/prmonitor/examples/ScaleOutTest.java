package io.prmonitor.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScaleOutTest {

  @Test
  void parse_noArguments_isTheIssuesScenario() {
    ScaleOut.Options options = ScaleOut.Options.parse(new String[0]);

    assertThat(options).isEqualTo(new ScaleOut.Options(3, 300, 200, 500, 3, 10, false,
        "jdbc:postgresql://127.0.0.1:5432/test", "postgres"));
  }

  @Test
  void parse_everyOption() {
    ScaleOut.Options options = ScaleOut.Options.parse(new String[] {"--workers", "5", "--repos", "40", "--prs",
        "7", "--latency-ms", "0", "--tokens", "2", "--concurrency", "4", "--compare", "--db",
        "jdbc:postgresql://db/x", "--db-user", "me"});

    assertThat(options).isEqualTo(new ScaleOut.Options(5, 40, 7, 0, 2, 4, true, "jdbc:postgresql://db/x", "me"));
  }

  @Test
  void parse_badNumber_namesTheOptionAndValue() {
    assertThatThrownBy(() -> ScaleOut.Options.parse(new String[] {"--workers", "many"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--workers").hasMessageContaining("many");
    assertThatThrownBy(() -> ScaleOut.Options.parse(new String[] {"--tokens", "0"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--tokens").hasMessageContaining("0");
  }

  @Test
  void parse_unknownOptionOrOtherDatabase_isRejected() {
    assertThatThrownBy(() -> ScaleOut.Options.parse(new String[] {"--fast"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--fast");
    assertThatThrownBy(() -> ScaleOut.Options.parse(new String[] {"--db", "jdbc:h2:mem:x"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jdbc:h2:mem:x");
  }
}
