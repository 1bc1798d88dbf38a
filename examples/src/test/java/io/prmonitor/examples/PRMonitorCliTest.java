package io.prmonitor.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.RepositoryId;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line runner against the simulator: the same code path as the library. */
class PRMonitorCliTest {

  private static final String TOKEN = "cli-token-abcdef123456";

  @TempDir
  Path directory;

  private GitHubSimulator simulator;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void start() {
    simulator = GitHubSimulator.builder().repositories(3).pullRequestsPerRepository(120).seed(3L).tokens(TOKEN)
        .start();
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  private int run(Map<String, String> env, String... args) {
    return PRMonitorCli.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String repos() {
    return simulator.repositories().stream().map(RepositoryId::fullName).collect(Collectors.joining(","));
  }

  private String db() {
    return "jdbc:h2:file:" + directory.resolve("cli").toAbsolutePath();
  }

  @Test
  void onePass_printsTheReportAsOneJsonLine() {
    int status = run(Map.of("GITHUB_TOKEN", TOKEN), "--base-url", simulator.baseUrl().toString(),
        "--repos", repos(), "--db", db());

    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
    assertThat(lines).hasSize(1);
    assertThat(lines[0]).startsWith("{\"pass\":1,").contains("\"repositories\":3,\"done\":3,")
        .contains("\"pullRequests\":360,").contains("\"requests\":6,");
    assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain(TOKEN);
  }

  @Test
  void secondRun_resumesFromTheStoredCursor_withFreeRequests() {
    String[] args = {"--base-url", simulator.baseUrl().toString(), "--repos", repos(), "--db", db()};
    assertThat(run(Map.of("GITHUB_TOKEN", TOKEN), args)).isZero();
    out.reset();

    assertThat(run(Map.of("GITHUB_TOKEN", TOKEN), args)).isZero();

    assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"requests\":3,\"notModified\":3,");
  }

  @Test
  void printChanges_printsEachChangeAsJson() {
    String[] args = {"--base-url", simulator.baseUrl().toString(), "--repos", repos(), "--db", db(),
        "--print-changes"};
    assertThat(run(Map.of("GITHUB_TOKEN", TOKEN), args)).isZero();
    RepositoryId repo = simulator.repositories().get(0);
    int number = simulator.truth(repo).get(0).number();
    simulator.editTitle(repo, number, "From the CLI test");
    out.reset();

    assertThat(run(Map.of("GITHUB_TOKEN", TOKEN), args)).isZero();

    assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"kind\":\"EDITED\"")
        .contains("\"after\":\"From the CLI test\"").contains("\"number\":" + number + ",");
  }

  @Test
  void printChanges_toAFullDisk_exitsNonZero_andTheNextRunPrintsTheChanges() throws Exception {
    Path full = Path.of("/dev/full");
    org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isWritable(full), "needs /dev/full");
    String[] args = {"--base-url", simulator.baseUrl().toString(), "--repos", repos(), "--db", db(),
        "--print-changes"};
    assertThat(run(Map.of("GITHUB_TOKEN", TOKEN), args)).isZero();
    RepositoryId repo = simulator.repositories().get(0);
    int number = simulator.truth(repo).get(0).number();
    simulator.editTitle(repo, number, "Written to a full disk");

    int status;
    try (PrintStream disk = new PrintStream(new java.io.FileOutputStream(full.toFile()), true,
        StandardCharsets.UTF_8)) {
      status = PRMonitorCli.run(args, Map.of("GITHUB_TOKEN", TOKEN), disk,
          new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    assertThat(status).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("1 changes could not be delivered")
        .contains("writing to standard output failed");
    out.reset();
    assertThat(run(Map.of("GITHUB_TOKEN", TOKEN), args)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"kind\":\"EDITED\"")
        .contains("\"after\":\"Written to a full disk\"").contains("\"delivered\":1,");
  }

  @Test
  void serverTimeBudget_isSettableOrOff() throws Exception {
    assertThat(PRMonitorCli.parse(new String[] {"--repos", "a/b", "--server-time-budget", "45s"}, Map.of())
        .config().serverTimeBudget()).isEqualTo(java.time.Duration.ofSeconds(45));
    assertThat(PRMonitorCli.parse(new String[] {"--repos", "a/b", "--server-time-budget", "off"}, Map.of())
        .config().serverTimeBudget()).isNull();
    assertThat(PRMonitorCli.parse(new String[] {"--repos", "a/b"}, Map.of()).config().serverTimeBudget())
        .isEqualTo(java.time.Duration.ofSeconds(90));
    assertThat(run(Map.of(), "--repos", "a/b", "--server-time-budget", "lots")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--server-time-budget: not a duration: 'lots'");
  }

  @Test
  void tokensThatCannotBeSent_areRefused_andAppearInNoOutput() {
    String secret = "ghp_Secret0123456789abcdef";
    for (String token : java.util.List.of("\uFEFF" + secret, secret.substring(0, 8) + "\u200B" + secret.substring(8),
        secret + "\n", secret + "\u0416", "ghp_\u00e9" + secret)) {
      out.reset();
      err.reset();

      int status = run(Map.of("GITHUB_TOKEN", token), "--base-url", simulator.baseUrl().toString(),
          "--repos", repos(), "--db", db());

      String output = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
      assertThat(status).as(output).isEqualTo(2);
      assertThat(output).contains("token holds U+").doesNotContain(secret).doesNotContain(secret.substring(8))
          .doesNotContain(secret.substring(0, 12));
    }
    assertThat(simulator.stats().requests()).as("nothing was sent").isZero();
  }

  @Test
  void databasePasswords_appearInNoMessage() {
    String password = "Pw-0123456789-secret";
    for (String url : java.util.List.of("postgresql://u:" + password + "@127.0.0.1:1/x",
        "h2:file:./x;PASSWORD=" + password, "jdbc:postgresql://u:" + password + "@127.0.0.1:1/x?connectTimeout=1")) {
      err.reset();

      int status = run(Map.of("PRMONITOR_DB_PASSWORD", password), "--base-url", simulator.baseUrl().toString(),
          "--repos", repos(), "--db", url);

      assertThat(status).isNotZero();
      assertThat(out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8)).as(url)
          .doesNotContain(password);
    }
  }

  @Test
  void rejectedToken_failsWithAClearMessage() {
    int status = run(Map.of("GITHUB_TOKEN", "wrong-token-999999"), "--base-url",
        simulator.baseUrl().toString(), "--repos", repos(), "--db", db());

    assertThat(status).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).containsIgnoringCase("credentials")
        .doesNotContain("wrong-token-999999");
  }

  @Test
  void badArguments_exitTwo_namingTheBadValue() {
    assertThat(run(Map.of(), "--repos", "not-a-repo")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("not-a-repo").contains("usage:");
    err.reset();
    assertThat(run(Map.of(), "--repos", "a/b", "--concurrency", "lots")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("lots");
    err.reset();
    assertThat(run(Map.of(), "--repos", "a/b", "--base-url", "http://example.com")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("http://example.com");
    err.reset();
    assertThat(run(Map.of(), "--frobnicate")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--frobnicate");
    err.reset();
    assertThat(run(Map.of())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no repositories");
    err.reset();
    assertThat(run(Map.of(), "--repos", "a/b", "--interval", "soon")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("soon");
  }

  @Test
  void help_printsUsage() {
    assertThat(run(Map.of(), "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("usage: prmonitor");
  }
}
