package io.prmonitor.service;

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
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("standard output refused changes")
        .contains("they stay pending");
    out.reset();
    assertThat(run(Map.of("GITHUB_TOKEN", TOKEN), args)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"kind\":\"EDITED\"")
        .contains("\"after\":\"Written to a full disk\"").contains("\"delivered\":1,");
  }

  private static io.prmonitor.ProcessorConfig settings(String... args) throws Configuration.UsageException {
    return ((Configuration.Run) Configuration.parse(args, Map.of())).settings().config();
  }

  @Test
  void serverTimeBudget_isSettableOrOff() throws Exception {
    assertThat(settings("--repos", "a/b", "--server-time-budget", "45s").serverTimeBudget())
        .isEqualTo(java.time.Duration.ofSeconds(45));
    assertThat(settings("--repos", "a/b", "--server-time-budget", "off").serverTimeBudget()).isNull();
    assertThat(settings("--repos", "a/b").serverTimeBudget())
        .isEqualTo(java.time.Duration.ofSeconds(90));
    assertThat(run(Map.of(), "--repos", "a/b", "--server-time-budget", "lots")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--server-time-budget: not a duration").contains("'lots'");
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
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--repos").contains("not-a-repo").contains("--help");
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
  void githubApp_keyFromAFile_discoversTheInstallationsRepositories() throws Exception {
    java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    java.security.KeyPair pair = generator.generateKeyPair();
    // PEM armour built here: no key, not even a test one, is ever committed
    String pem = "-----BEGIN " + "PRIVATE KEY-----\n"
        + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pair.getPrivate().getEncoded())
        + "\n-----END " + "PRIVATE KEY-----\n";
    Path key = java.nio.file.Files.writeString(directory.resolve("app.pem"), pem);
    try (GitHubSimulator app = GitHubSimulator.builder().repositories(2).pullRequestsPerRepository(10).seed(9L)
        .githubApp(4242L, pair.getPublic(), 77L).start()) {
      int status = run(Map.of(), "--base-url", app.baseUrl().toString(), "--installation", "--github-app-id", "4242",
          "--github-app-installation", "77", "--github-app-key-file", key.toString(), "--db", db());

      assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"repositories\":2,\"done\":2,")
          .contains("\"pullRequests\":20,");
      assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain(pem.lines().skip(1).findFirst().orElseThrow());
    }
  }

  @Test
  void badValue_namesTheFlag_notTheLibraryField() {
    assertThat(run(Map.of(), "--repos", "a/b", "--concurrency", "0")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--concurrency: must be between 1 and 1000: 0")
        .doesNotContain("maxConcurrentRepositories");
  }

  @Test
  void help_printsEveryOption() {
    assertThat(run(Map.of(), "--help")).isZero();
    String help = out.toString(StandardCharsets.UTF_8);
    assertThat(help).contains("Usage: prmonitor");
    for (Option option : ServiceSettings.OPTIONS) {
      assertThat(help).contains(option.flag());
    }
  }

  @Test
  void version_printsTheVersion() {
    assertThat(run(Map.of(), "--version")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("prmonitor ");
  }

  @Test
  void printChanges_writeError_exitsOne_andTheChangeStaysPending() {
    String[] args = {"--base-url", simulator.baseUrl().toString(), "--repos", repos(), "--db", db()};
    assertThat(run(Map.of("GITHUB_TOKEN", TOKEN), args)).isZero();
    RepositoryId repo = simulator.repositories().get(1);
    int number = simulator.truth(repo).get(0).number();
    simulator.editTitle(repo, number, "Nobody reads this line");
    String[] printing = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of(
        "--print-changes")).toArray(String[]::new);
    PrintStream broken = new PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int b) throws java.io.IOException {
        throw new java.io.IOException("closed pipe");
      }
    }, true, StandardCharsets.UTF_8);

    int status = PRMonitorCli.run(printing, Map.of("GITHUB_TOKEN", TOKEN), broken,
        new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(status).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("stay pending");
    out.reset();
    assertThat(run(Map.of("GITHUB_TOKEN", TOKEN), printing)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"after\":\"Nobody reads this line\"");
  }
}
