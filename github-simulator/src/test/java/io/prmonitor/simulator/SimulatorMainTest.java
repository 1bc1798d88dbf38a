package io.prmonitor.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The standalone command: flags, and a child process that prints its base URL once it serves. */
class SimulatorMainTest {

  @Test
  void parse_appliesEveryFlag() {
    try (GitHubSimulator sim = SimulatorMain.parse(new String[] {"--repos", "3", "--prs", "7", "--seed", "9",
        "--token", "a", "--token", "b", "--budget", "10", "--latency-ms", "1", "--per-kb-ms", "0.5",
        "--jitter-ms", "2", "--server-time-budget-s", "90", "--server-time-window-s", "60"}).start()) {
      GitHubSimulator.Settings settings = sim.settings();

      assertThat(sim.repositories()).hasSize(3);
      assertThat(sim.truth(sim.repositories().get(0))).hasSize(7);
      assertThat(settings.tokens()).containsExactly("a", "b");
      assertThat(settings.budget()).isEqualTo(10);
      assertThat(settings.latency().perKb().toNanos()).isEqualTo(500_000);
      assertThat(settings.serverTimeBudget().toSeconds()).isEqualTo(90);
      assertThat(settings.gzipMode()).isEqualTo(GzipMode.CACHED_DEFLATE);
    }
  }

  @Test
  void parse_gzipFlag_choosesTheMode() {
    try (GitHubSimulator sim = SimulatorMain.parse(new String[] {"--repos", "1", "--prs", "1", "--gzip", "spliced"})
        .start()) {
      assertThat(sim.settings().gzipMode()).isEqualTo(GzipMode.SPLICED);
    }
  }

  @Test
  void parse_precompressedFlag_setsTheBoundInMebibytes() {
    try (GitHubSimulator sim = SimulatorMain.parse(new String[] {"--repos", "1", "--prs", "1",
        "--precompressed-mb", "5"}).start()) {
      assertThat(sim.settings().precompressedPageBytes()).isEqualTo(5L * 1024 * 1024);
    }
    assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--precompressed-mb", "-3"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--precompressed-mb")
        .hasMessageContaining("-3");
  }

  @Test
  void parse_unknownFlag_isRejectedNamingIt() {
    assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--nope", "1"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--nope");
  }

  @Test
  void parse_badNumber_isRejectedNamingTheValue() {
    assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--repos", "many"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("many");
  }

  @Test
  void main_printsItsBaseUrlAndServes() throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        SimulatorMain.class.getName(), "--repos", "2", "--prs", "5")).redirectErrorStream(true).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      Pattern url = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)");
      String line;
      Matcher matcher = null;
      while ((line = out.readLine()) != null) {
        Matcher m = url.matcher(line);
        if (line.contains("ready") && m.find()) {
          matcher = m;
          break;
        }
      }

      assertThat(matcher).as("a line with the base URL").isNotNull();
      assertThat(Http.getUrl(matcher.group() + "/repos/org-1/repo-1/pulls").statusCode()).isEqualTo(200);
    } finally {
      process.destroy();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
