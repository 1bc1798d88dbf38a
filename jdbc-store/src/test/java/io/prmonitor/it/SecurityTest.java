package io.prmonitor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.RunReport;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.GitHubAuthenticationException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security checks across the stack: the token is in no log line, exception, report, health answer or
 * metric of a pass under faults (and of a pass with a rejected token); the JDBC store builds its SQL only
 * from constants, with every value bound as a parameter; the simulator, control endpoints included,
 * listens on loopback only.
 */
class SecurityTest {

  private static final String TOKEN = "test_SecretToken0123456789abcdefABCDEF";
  private static final String REJECTED = "test_RejectedToken0123456789abcdefABC";

  @TempDir
  Path directory;

  @Test
  void token_isInNoLogLineExceptionReportHealthOrMetric() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    StringBuilder seen = new StringBuilder();
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    System.setErr(new PrintStream(new Tee(originalErr, logs), true, StandardCharsets.UTF_8));
    try (GitHubSimulator simulator = GitHubSimulator.builder().repositories(4).pullRequestsPerRepository(220)
        .seed(4L).tokens(TOKEN).secondaryRetryAfter(Duration.ofSeconds(1)).start()) {
      simulator.faults().serverErrorRate(0.1).connectionResetRate(0.05).truncatedBodyRate(0.05)
          .malformedJsonRate(0.05);
      simulator.afterPage(simulator.repositories().get(0), 1, () -> simulator.faults().secondaryLimitBurst(1));
      simulator.afterPage(simulator.repositories().get(2), 2, () -> simulator.setRemaining(TOKEN, 0));
      ProcessorConfig config = ProcessorConfig.builder().repositories(simulator.repositories())
          .githubBaseUrl(simulator.baseUrl()).githubToken(TOKEN).jdbcUrl(new StoreTarget.H2(directory).jdbcUrl())
          .build();
      try (PRMonitor monitor = PRMonitor.builder().config(config).meterRegistry(registry).build()) {
        RunReport report = monitor.run();
        seen.append(report.toJson()).append(report).append(monitor.health().toJson()).append(config)
            .append(monitor.store()).append(monitor);
        // the monitor removes its meters when it closes: read them while it is open
        assertThat(registry.getMeters()).isNotEmpty();
        registry.getMeters().forEach(meter -> seen.append(meter.getId()).append('\n'));
      }
      ProcessorConfig rejected = config.toBuilder().githubToken(REJECTED)
          .jdbcUrl(new StoreTarget.H2(directory.resolve("rejected")).jdbcUrl()).build();
      try (PRMonitor monitor = PRMonitor.builder().config(rejected).meterRegistry(registry).build()) {
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(monitor::run);
        assertThat(failure).isInstanceOf(GitHubAuthenticationException.class);
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        seen.append(trace).append(monitor.health().toJson()).append(rejected);
        registry.getMeters().forEach(meter -> seen.append(meter.getId()).append('\n'));
      }
    } finally {
      System.setErr(originalErr);
    }
    String logText = logs.toString(StandardCharsets.UTF_8);

    assertThat(logText).as("the captured log of the pass").contains("secondary rate limit").contains("deferred");
    for (String secret : List.of(TOKEN, REJECTED)) {
      assertThat(logText).as("log lines").doesNotContain(secret).doesNotContain(secret.substring(4, 20));
      assertThat(seen.toString()).as("exceptions, reports, health, configuration and meters")
          .doesNotContain(secret).doesNotContain(secret.substring(4, 20));
    }
  }

  /** A value concatenated into SQL text: anything but a string literal or an UPPER_CASE constant. */
  private static final Pattern SQL_TEXT = Pattern.compile(
      "\"(?:[^\"\\\\\\n]|\\\\.)*\\b(?:SELECT|INSERT|UPDATE|DELETE|WHERE|VALUES|SET|CREATE|ALTER|DROP)\\b"
          + "|\"\"\"[\\s\\S]*?\\b(?:SELECT|INSERT|UPDATE|DELETE|WHERE|VALUES|SET|CREATE|ALTER|DROP)\\b");
  private static final Pattern OPERAND = Pattern.compile(
      "\\+\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|[A-Za-z_][\\w.]*(?:\\([^)]*\\))?)"
          + "|([A-Za-z_][\\w.]*(?:\\([^)]*\\))?|\"(?:[^\"\\\\]|\\\\.)*\")\\s*\\+");

  /** Finds, in Java source, SQL statements into which a non-constant value is concatenated or formatted. */
  static List<String> concatenatedSql(String source) {
    String code = source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)//.*$", "");
    List<String> offenders = new ArrayList<>();
    Matcher sql = SQL_TEXT.matcher(code);
    while (sql.find()) {
      int start = Math.max(code.lastIndexOf(';', sql.start()), code.lastIndexOf('{', sql.start())) + 1;
      int end = code.indexOf(';', sql.end());
      String statement = code.substring(start, end < 0 ? code.length() : end);
      if (statement.contains(".formatted(") || statement.contains("String.format(")) {
        offenders.add(statement.strip());
        continue;
      }
      // literal text cannot carry a value: blank it, so a '+' inside SQL text is not taken for concatenation
      String blanked = statement.replaceAll("\"\"\"[\\s\\S]*?\"\"\"", "\"\"")
          .replaceAll("\"(?:[^\"\\\\\\n]|\\\\.)*\"", "\"\"");
      Matcher operand = OPERAND.matcher(blanked);
      while (operand.find()) {
        String value = operand.group(1) != null ? operand.group(1) : operand.group(2);
        if (!value.startsWith("\"") && !value.matches("[A-Z][A-Z0-9_]*")) {
          offenders.add(statement.strip());
          break;
        }
      }
    }
    return offenders;
  }

  @Test
  void jdbcStore_buildsSqlFromConstantsOnly_valuesAreBound() throws IOException {
    assertThat(concatenatedSql("String q = \"SELECT * FROM t WHERE owner = '\" + owner + \"'\";"))
        .as("the check itself finds a concatenated value").hasSize(1);
    assertThat(concatenatedSql("String q = \"DELETE FROM t WHERE a = %s\".formatted(a);")).hasSize(1);
    assertThat(concatenatedSql("String q = \"SELECT \" + COLUMNS + \" FROM t WHERE a = :a\";")).isEmpty();
    assertThat(concatenatedSql("update(\"UPDATE t SET n = n + 1 WHERE seq IN (<seqs>)\", null);")).isEmpty();

    Path sources = Path.of("src/main/java/io/prmonitor/jdbc");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(sources)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertThat(files).as("jdbc-store sources").isNotEmpty();
    for (Path file : files) {
      assertThat(concatenatedSql(Files.readString(file))).as("SQL with a concatenated value in %s", file)
          .isEmpty();
    }
  }

  @Test
  void simulator_controlEndpointsAnswerOnLoopback_andNothingListensOnOtherAddresses() throws Exception {
    try (GitHubSimulator simulator = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(1)
        .start()) {
      URI base = simulator.baseUrl();
      assertThat(InetAddress.getByName(base.getHost()).isLoopbackAddress()).isTrue();
      try (HttpClient http = HttpClient.newHttpClient()) {
        HttpResponse<String> stats = http.send(HttpRequest.newBuilder(base.resolve("/_sim/stats")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(stats.statusCode()).isEqualTo(200);
      }
      List<InetAddress> others = NetworkInterface.networkInterfaces()
          .flatMap(NetworkInterface::inetAddresses)
          .filter(a -> !a.isLoopbackAddress() && a instanceof Inet4Address).toList();
      for (InetAddress address : others) {
        assertThatThrownBy(() -> {
          try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, base.getPort()), 2_000);
          }
        }).as("connecting on %s", address).isInstanceOf(ConnectException.class);
      }
    }
  }

  /** Writes to two streams. */
  private static final class Tee extends OutputStream {
    private final OutputStream first;
    private final OutputStream second;

    Tee(OutputStream first, OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(int b) throws IOException {
      first.write(b);
      synchronized (second) {
        second.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      first.write(b, off, len);
      synchronized (second) {
        second.write(b, off, len);
      }
    }
  }
}
