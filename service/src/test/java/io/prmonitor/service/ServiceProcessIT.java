package io.prmonitor.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.RepositoryId;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built application as an operator runs it: {@code java -jar prmonitor.jar} with no argument at all,
 * configured by a properties file ({@code PRMONITOR_CONFIG}) and environment variables only, against the
 * simulator. It serves {@code /health}, {@code /metrics} (checked by Prometheus's own parser, promtool), the
 * status page (rendered by headless Chromium, its numbers compared with {@code /api/status}, a screenshot
 * kept in {@code target/it-artifacts}), receives the simulator's signed webhook deliveries on
 * {@code POST /webhooks} (a change printed within seconds, no pass run; a forged delivery 401), and stops on SIGTERM with status 0 within its shutdown timeout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceProcessIT {

  static final String TOKEN = "service-it-token-4821";
  static final String WEBHOOK_SECRET = "service-it-webhook-secret-7305";
  static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
  static final Pattern LISTENING = Pattern.compile("on http://([^/]+)/");

  Path directory;

  GitHubSimulator simulator;
  ServiceProcess service;
  URI base;
  JsonNode firstReport;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start(@TempDir Path temporary) throws Exception {
    directory = temporary;
    simulator = GitHubSimulator.builder().repositories(4).pullRequestsPerRepository(30).seed(18L).tokens(TOKEN)
        .start();
    String repos = simulator.repositories().stream().map(RepositoryId::fullName).collect(Collectors.joining(","));
    Path config = directory.resolve("prmonitor.properties");
    Path webhookSecrets = directory.resolve("webhook-secrets");
    // the second line is the one the simulator signs with: a rotation in progress
    Files.writeString(webhookSecrets, "an-older-secret-0000\n" + WEBHOOK_SECRET + "\n");
    Files.writeString(config, String.join("\n",
        "# as an operator writes it",
        "repos = " + repos,
        "base-url = " + simulator.baseUrl(),
        "db = jdbc:h2:file:" + directory.resolve("data/prmonitor").toAbsolutePath(),
        "watch = true",
        "interval = 1h",
        "http = 127.0.0.1:0",
        "emit-opened-on-baseline = true",
        "print-changes = true",
        "server-time-budget = off",
        "webhook-secret-file = " + webhookSecrets,
        ""));
    service = ServiceProcess.start("service", directory, Map.of(
        "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
        "PRMONITOR_CONFIG", config.toString(),
        "GITHUB_TOKEN", TOKEN,
        "PRMONITOR_LOG_FORMAT", "json",
        "PRMONITOR_SHUTDOWN_TIMEOUT", SHUTDOWN_TIMEOUT.toSeconds() + "s"));
    firstReport = ServiceProcess.JSON.readTree(
        service.awaitOut(line -> line.startsWith("{\"pass\":1,"), Duration.ofSeconds(90)));
    // the pass's log line goes to stderr before its report reaches stdout, but the two streams are read by
    // threads of their own: wait for the log line too before the tests read the logs
    service.awaitErr(line -> line.contains("pass 1 finished: "), Duration.ofSeconds(30));
    String listening = service.jsonLogs().stream().map(log -> log.path("formattedMessage").asText())
        .filter(m -> m.contains("/health")).findFirst()
        .orElseThrow(() -> new AssertionError("no log line says where it listens\n" + service.transcript()));
    Matcher matcher = LISTENING.matcher(listening);
    assertThat(matcher.find()).as(listening).isTrue();
    base = URI.create("http://" + matcher.group(1) + "/");
  }

  @AfterAll
  void stop() {
    if (service != null) {
      service.close();
    }
    if (simulator != null) {
      simulator.close();
    }
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Order(1)
  void firstPass_coversEveryRepository_andPrintsItsChanges() {
    assertThat(firstReport.path("repositories").asInt()).isEqualTo(4);
    assertThat(firstReport.path("done").asInt()).isEqualTo(4);
    assertThat(firstReport.path("pullRequests").asInt()).isEqualTo(120);
    long changeLines = service.out().stream().filter(line -> line.startsWith("{\"key\":")).count();
    assertThat(firstReport.path("changes").path("OPENED").asInt()).isEqualTo(120);
    assertThat(changeLines).as("--print-changes from the file: one line per change")
        .isEqualTo(firstReport.path("totalChanges").asLong()).isEqualTo(firstReport.path("delivered").asLong());
    assertThat(service.transcript()).doesNotContain(TOKEN);
    assertThat(service.jsonLogs()).as("JSON log lines carry the MDC")
        .anySatisfy(log -> {
          assertThat(log.path("formattedMessage").asText()).startsWith("pass 1 finished: ");
          assertThat(log.path("level").asText()).isEqualTo("INFO");
          assertThat(log.path("mdc").path("pass").asText()).isEqualTo("1");
        });
  }

  @Test
  @Order(2)
  void health_isUp_asJson() throws Exception {
    HttpResponse<String> response = get("health");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode health = ServiceProcess.JSON.readTree(response.body());
    assertThat(health.path("status").asText()).as(response.body()).isEqualTo("UP");
    assertThat(health.path("checks").path("store").path("status").asText()).isEqualTo("UP");
  }

  @Test
  @Order(3)
  void metrics_parseWithPromtool_andCountThePass() throws Exception {
    Path promtool = Tools.promtool();
    HttpResponse<String> response = get("metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");

    Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
    try (OutputStream in = check.getOutputStream()) {
      in.write(response.body().getBytes(StandardCharsets.UTF_8));
    }
    String verdict = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(check.exitValue()).as("promtool check metrics said:\n" + verdict).isZero();

    assertThat(response.body())
        .contains("prmonitor_pass_duration_seconds_count{monitor=\"prmonitor\"} 1")
        .containsPattern("prmonitor_github_requests_seconds_count\\{charged=\"true\",endpoint=\"/repos/\\{owner\\}/"
            + "\\{repo\\}/pulls\",monitor=\"prmonitor\",status=\"200\"\\} 4")
        .contains("jvm_memory_used_bytes");
  }

  @Test
  @Order(4)
  void statusPage_inHeadlessChromium_showsTheNumbersOfApiStatus() throws Exception {
    Path chromium = Tools.chromium();
    String dom = chromium(chromium, "--dump-dom", base.toString());
    JsonNode status = ServiceProcess.JSON.readTree(get("api/status").body());

    assertThat(dom).as("the script ran and rendered").contains("data-rendered=\"");
    JsonNode report = status.path("lastReport");
    assertThat(report.path("pass").asInt()).isEqualTo(1);
    for (String field : List.of("pass", "durationMs", "repositories", "done", "pullRequests", "requests",
        "notModified", "totalChanges")) {
      assertThat(field(dom, "dd", field)).as("last pass %s", field).isEqualTo(report.path(field).asText());
    }
    assertThat(text(dom, "health")).isEqualTo(status.path("health").path("status").asText());

    Map<String, Map<String, String>> rows = rows(dom, "data-repo");
    assertThat(rows.keySet()).containsExactlyElementsOf(
        simulator.repositories().stream().map(RepositoryId::fullName).toList());
    for (JsonNode repository : status.path("repositories")) {
      Map<String, String> row = rows.get(repository.path("name").asText());
      assertThat(row.get("lastCompletedAt")).isEqualTo(repository.path("lastCompletedAt").asText());
      assertThat(Instant.parse(row.get("lastCompletedAt"))).isAfterOrEqualTo(Instant.parse(firstReport.path("startedAt").asText()));
      assertThat(row.get("failures")).isEqualTo(repository.path("failures").asText()).isEqualTo("0");
      assertThat(row.get("deferrals")).isEqualTo(repository.path("deferrals").asText()).isEqualTo("0");
      // the lag grows with the clock between the page's read and the test's
      assertThat(Long.parseLong(row.get("lagSeconds")))
          .isCloseTo(repository.path("lagSeconds").asLong(), org.assertj.core.data.Offset.offset(5L));
    }
    Map<String, Map<String, String>> changes = rows(dom, "data-key");
    assertThat(changes).hasSize(status.path("changes").size()).hasSize(StatusBoard.RECENT_CHANGES);
    for (JsonNode change : status.path("changes")) {
      Map<String, String> row = changes.get(change.path("key").asText());
      assertThat(row).as("change %s on the page", change.path("key").asText()).isNotNull();
      assertThat(row.get("kind")).isEqualTo(change.path("kind").asText());
      assertThat(row.get("repository")).isEqualTo(change.path("repository").asText());
      assertThat(row.get("number")).isEqualTo(change.path("number").asText());
    }
    int samples = status.path("budget").size();
    assertThat(samples).isGreaterThanOrEqualTo(2);
    int withCredential = 0;
    for (JsonNode sample : status.path("budget")) {
      withCredential += sample.path("remaining").size() == 1 ? 1 : 0;
    }
    assertThat(withCredential).as("samples that saw the token's budget").isPositive();
    assertThat(polylinePoints(dom, "chart-remaining")).as("one line per credential").containsExactly(withCredential);
    assertThat(polylinePoints(dom, "chart-spent")).containsExactly(samples, samples);
    assertThat(text(dom, "requests-total"))
        .isEqualTo(status.path("budget").get(samples - 1).path("chargedRequests").asText()).isEqualTo("4");

    Path screenshot = ServiceProcess.artifacts().resolve("status-page.png").toAbsolutePath();
    Files.createDirectories(screenshot.getParent());
    Files.deleteIfExists(screenshot);
    chromium(chromium, "--screenshot=" + screenshot, "--window-size=1280,1000", base.toString());
    assertThat(screenshot).exists();
    assertThat(Files.size(screenshot)).isGreaterThan(10_000);
  }

  @Test
  @Order(5)
  void webhookDelivery_printsTheChangeWithinSeconds_withoutAPass_andAForgedOneIs401() throws Exception {
    simulator.webhooks().register(base.resolve("webhooks"), WEBHOOK_SECRET);
    RepositoryId repo = simulator.repositories().get(1);
    int number = simulator.truth(repo).get(0).number();
    long started = System.nanoTime();

    simulator.editTitle(repo, number, "Pushed by a webhook");

    String line = service.awaitOut(l -> l.startsWith("{\"key\":") && l.contains("Pushed by a webhook"),
        Duration.ofSeconds(20));
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(line).as(service.transcript()).isNotNull().contains("\"kind\":\"EDITED\"")
        .contains("\"number\":" + number + ",");
    assertThat(service.out()).as("no pass ran besides the first (interval 1h)")
        .noneMatch(l -> l.startsWith("{\"pass\":2,"));
    System.err.printf("webhook delivery to printed change took %d ms%n", took.toMillis());

    String body = "{\"action\":\"edited\",\"repository\":{\"full_name\":\"" + repo.fullName() + "\"}}";
    HttpResponse<String> forged = http.send(HttpRequest.newBuilder(base.resolve("webhooks"))
        .header("X-GitHub-Event", "pull_request").header("X-GitHub-Delivery", "forged-1")
        .header("X-Hub-Signature-256", "sha256=" + "0".repeat(64))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(forged.statusCode()).as(forged.body()).isEqualTo(401);
    HttpResponse<String> notPost = get("webhooks");
    assertThat(notPost.statusCode()).isEqualTo(405);

    JsonNode status = ServiceProcess.JSON.readTree(get("api/status").body());
    JsonNode webhooks = status.path("webhooks");
    assertThat(webhooks.path("signatureFailures").asInt()).as(status.toString()).isEqualTo(1);
    assertThat(webhooks.path("deliveriesLastMinute").asInt()).isPositive();
    assertThat(Instant.parse(webhooks.path("lastDelivery").asText())).isAfterOrEqualTo(
        Instant.parse(firstReport.path("startedAt").asText()));
    String dom = chromium(Tools.chromium(), "--dump-dom", base.toString());
    assertThat(field(dom, "dd", "signatureFailures")).isEqualTo("1");
    assertThat(field(dom, "dd", "lastDelivery")).isNotEmpty();

    for (String path : List.of("health", "metrics", "api/status")) {
      assertThat(get(path).body()).as(path).doesNotContain(WEBHOOK_SECRET).doesNotContain("an-older-secret");
    }
    assertThat(service.transcript()).doesNotContain(WEBHOOK_SECRET).doesNotContain("an-older-secret");
  }

  @Test
  @Order(6)
  void sigterm_stopsWithStatusZero_withinTheShutdownTimeout() throws Exception {
    long started = System.nanoTime();
    // SIGTERM through the handle: Process.destroy() would also close the streams the test reads the logs from
    assertThat(service.process.toHandle().destroy()).isTrue();

    boolean exited = service.process.waitFor(SHUTDOWN_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(exited && service.awaitExit(Duration.ofSeconds(10))).isTrue();
    assertThat(service.process.exitValue()).as(service.transcript()).isZero();
    assertThat(took).isLessThan(SHUTDOWN_TIMEOUT);
    List<String> messages = service.jsonLogs().stream().map(log -> log.path("formattedMessage").asText()).toList();
    assertThat(messages).as(service.transcript()).anyMatch(m -> m.startsWith("stop signal received")).contains("prmonitor stopped");
    System.err.printf("SIGTERM to exit 0 took %d ms (shutdown timeout %d ms)%n", took.toMillis(),
        SHUTDOWN_TIMEOUT.toMillis());
  }

  /** Runs headless Chromium on the page with the fixed flags a closed machine needs; returns its stdout. */
  String chromium(Path chromium, String... what) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(directory, "chromium-profile");
    List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
        "--virtual-time-budget=5000"));
    command.addAll(List.of(what));
    Process process = new ProcessBuilder(command).redirectError(directory.resolve("chromium.log").toFile()).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(Files.readString(directory.resolve("chromium.log"))).isZero();
    return out;
  }

  /** The text of the element with this id. */
  static String text(String dom, String id) {
    Matcher m = Pattern.compile("id=\"" + id + "\"[^>]*>([^<]*)<").matcher(dom);
    assertThat(m.find()).as("element #%s on the page", id).isTrue();
    return unescape(m.group(1));
  }

  /** The text of the {@code tag} element with {@code data-field="field"}. */
  static String field(String dom, String tag, String field) {
    Matcher m = Pattern.compile("<" + tag + " data-field=\"" + field + "\">([^<]*)</" + tag + ">").matcher(dom);
    assertThat(m.find()).as("<%s data-field=%s> on the page", tag, field).isTrue();
    return unescape(m.group(1));
  }

  /** Table rows carrying {@code attribute}, by its value: each cell's text by its data-field. */
  static Map<String, Map<String, String>> rows(String dom, String attribute) {
    Map<String, Map<String, String>> rows = new LinkedHashMap<>();
    Matcher row = Pattern.compile("<tr " + attribute + "=\"([^\"]*)\"[^>]*>(.*?)</tr>", Pattern.DOTALL).matcher(dom);
    while (row.find()) {
      Map<String, String> cells = new HashMap<>();
      Matcher cell = Pattern.compile("<td data-field=\"([^\"]*)\"[^>]*>([^<]*)</td>").matcher(row.group(2));
      while (cell.find()) {
        cells.put(cell.group(1), unescape(cell.group(2)));
      }
      rows.put(unescape(row.group(1)), cells);
    }
    return rows;
  }

  /** How many points each polyline of the chart has. */
  static List<Integer> polylinePoints(String dom, String chart) {
    Matcher svg = Pattern.compile("<svg id=\"" + chart + "\".*?</svg>", Pattern.DOTALL).matcher(dom);
    assertThat(svg.find()).as("chart %s", chart).isTrue();
    List<Integer> counts = new ArrayList<>();
    Matcher line = Pattern.compile("points=\"([^\"]*)\"").matcher(svg.group());
    while (line.find()) {
      counts.add(line.group(1).isBlank() ? 0 : line.group(1).trim().split(" ").length);
    }
    return counts;
  }

  static String unescape(String html) {
    return html.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
        .replace("&amp;", "&");
  }
}
