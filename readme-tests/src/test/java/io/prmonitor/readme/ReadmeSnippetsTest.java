package io.prmonitor.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.RepositoryId;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java sample of README.md, copied into a scratch host as a user would paste it, compiled against the
 * host class path the README's dependency list gives (this module's runtime dependencies, written by the build
 * to {@code target/host-classpath.txt}: prmonitor-core, -github-client, -jdbc-store, H2 and the Prometheus
 * registry, nothing else), and the runnable ones run in JVMs of their own against the GitHub simulator.
 */
class ReadmeSnippetsTest {

  private static final Pattern JAVA_BLOCK = Pattern.compile("(?s)```java\\n(.*?)```");
  private static final Pattern CLASS_NAME = Pattern.compile("(?m)^public (?:final )?class (\\w+)");

  /** The file in a run's working directory that holds what the sample printed (stdout and stderr). */
  private static final String OUTPUT = "output.txt";

  private static List<Snippet> snippets;
  private static String hostClasspath;
  private static GitHubSimulator simulator;

  @TempDir
  static Path scratch;

  /** One ```java block of the README: where it starts and the class it declares. */
  record Snippet(int line, String className, String source) {
  }

  @BeforeAll
  static void readReadme() throws IOException {
    String readme = Files.readString(Path.of("../README.md"));
    snippets = new ArrayList<>();
    Matcher block = JAVA_BLOCK.matcher(readme);
    while (block.find()) {
      int line = readme.substring(0, block.start()).split("\n", -1).length;
      Matcher name = CLASS_NAME.matcher(block.group(1));
      snippets.add(new Snippet(line, name.find() ? name.group(1) : null, block.group(1)));
    }
    hostClasspath = Files.readString(Path.of("target/host-classpath.txt")).strip();
    simulator = GitHubSimulator.builder().repositories(2).pullRequestsPerRepository(30).start();
  }

  @AfterAll
  static void stopSimulator() {
    if (simulator != null) {
      simulator.close();
    }
  }

  @Test
  void everySnippet_isACompilationUnitThatCompilesAgainstTheHostDependencies() throws IOException {
    assertThat(snippets).extracting(Snippet::className).contains("QuickStart", "MonitorService");
    for (Snippet snippet : snippets) {
      assertThat(snippet.className())
          .as("README.md line %d: a Java sample must be a whole public class, with its imports, so that it "
              + "compiles when pasted", snippet.line())
          .isNotNull();
      compile(snippet);
    }
  }

  @Test
  void quickStart_reportsAPassThenTheChangeOfTheNext() throws Exception {
    Path classes = compile(snippet("QuickStart"));
    Path workDirectory = Files.createDirectories(scratch.resolve("quickstart-run"));
    RepositoryId first = simulator.repositories().get(0);
    RepositoryId second = simulator.repositories().get(1);

    Run baseline = run(classes, workDirectory, "QuickStart", List.of(), first.fullName(), second.fullName());
    assertThat(baseline.status()).as(baseline.output()).isZero();
    assertThat(baseline.output()).contains("\"repositories\":2,\"done\":2");
    assertThat(workDirectory.resolve("prmonitor-data")).isDirectory();

    simulator.editTitle(first, 3, "Retitled by the README test");
    Run next = run(classes, workDirectory, "QuickStart", List.of(), first.fullName(), second.fullName());
    assertThat(next.status()).as(next.output()).isZero();
    assertThat(next.output()).contains("EDITED " + first.fullName() + "#3 ");
  }

  @Test
  void monitorService_servesHealthAndMetricsUntilStopped() throws Exception {
    Path classes = compile(snippet("MonitorService"));
    Path workDirectory = Files.createDirectories(scratch.resolve("service-run"));
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Process service = start(classes, workDirectory, "MonitorService", List.of("-Dport=" + port),
        simulator.repositories().get(0).fullName());
    try (HttpClient http = HttpClient.newHttpClient()) {
      URI metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
          .untilAsserted(() -> assertThat(get(http, metrics))
              .contains("prmonitor_pass_duration_seconds_count{monitor=\"prmonitor\"} 1"));
      String scrape = get(http, metrics);
      assertThat(scrape).as("timerHistograms(true)").contains("prmonitor_pass_duration_seconds_bucket{");
      assertThat(scrape).as("the pool's meters, bound to the host's registry")
          .contains("hikaricp_connections_active{pool=\"prmonitor\"}");
      assertThat(get(http, URI.create("http://127.0.0.1:" + port + "/health"))).contains("\"status\":\"UP\"");
      assertThat(service.isAlive()).as("still serving after its first pass").isTrue();
    } finally {
      service.destroy();
    }
    assertThat(service.waitFor(60, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
    assertThat(Files.readString(workDirectory.resolve(OUTPUT))).doesNotContain("Exception");
  }

  private static String get(HttpClient http, URI uri) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(uri.toString()).isEqualTo(200);
    return response.body();
  }

  private static Snippet snippet(String className) {
    return snippets.stream().filter(s -> className.equals(s.className())).findFirst().orElseThrow();
  }

  /** Writes the snippet as {@code <Class>.java} into a directory of its own and compiles it there. */
  private static Path compile(Snippet snippet) throws IOException {
    Path directory = Files.createDirectories(scratch.resolve("host-" + snippet.className().toLowerCase(Locale.ROOT)));
    Path source = directory.resolve(snippet.className() + ".java");
    Files.writeString(source, snippet.source());
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
      boolean compiled = compiler.getTask(null, files, diagnostics,
          List.of("--release", "21", "-proc:none", "-classpath", hostClasspath, "-d", directory.toString()), null,
          files.getJavaFileObjects(source)).call();
      List<String> errors = diagnostics.getDiagnostics().stream()
          .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
          .map(d -> "line " + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT)).toList();
      assertThat(errors).as("README.md sample %s (line %d)", snippet.className(), snippet.line()).isEmpty();
      assertThat(compiled).isTrue();
    }
    return directory;
  }

  private record Run(int status, String output) {
  }

  private static Run run(Path classes, Path workDirectory, String mainClass, List<String> jvmOptions, String... args)
      throws IOException, InterruptedException {
    Process process = start(classes, workDirectory, mainClass, jvmOptions, args);
    boolean ended = process.waitFor(60, TimeUnit.SECONDS);
    String output = Files.readString(workDirectory.resolve(OUTPUT));
    assertThat(ended).as(output).isTrue();
    return new Run(process.exitValue(), output);
  }

  /** Starts the sample as a host would run it: the host class path, the simulator as GitHub, no token. */
  private static Process start(Path classes, Path workDirectory, String mainClass, List<String> jvmOptions,
      String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classes + File.pathSeparator + hostClasspath, mainClass));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDirectory.toFile()).redirectErrorStream(true)
        .redirectOutput(workDirectory.resolve(OUTPUT).toFile());
    builder.environment().remove("GITHUB_TOKEN");
    builder.environment().put("GITHUB_API_URL", simulator.baseUrl().toString());
    return builder.start();
  }
}
