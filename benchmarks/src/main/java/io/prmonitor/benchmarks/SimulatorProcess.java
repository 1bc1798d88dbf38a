package io.prmonitor.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prmonitor.spi.RepositoryId;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The GitHub simulator ({@code io.prmonitor.simulator.SimulatorMain}) running in a JVM of its own, driven
 * through its loopback control API ({@code /_sim}): so that the load test's heap figures measure prmonitor
 * and not the simulator's world and page cache.
 *
 * <p>The child runs the same {@code java} with the same class path as this JVM. {@link #close()} destroys it.
 * Not thread-safe: one load-test thread drives it.
 */
final class SimulatorProcess implements AutoCloseable {

  private static final Pattern READY = Pattern.compile("ready at (http://127\\.0\\.0\\.1:\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofMinutes(10);
  /** Linux's USER_HZ, the unit of the CPU times in {@code /proc/PID/stat}; 100 on every mainstream build. */
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  private final Process process;
  private final URI baseUrl;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final ObjectMapper mapper = new ObjectMapper();

  private SimulatorProcess(Process process, URI baseUrl) {
    this.process = process;
    this.baseUrl = baseUrl;
  }

  /**
   * Starts the simulator with {@code flags} (SimulatorMain's) and waits for its ready line.
   *
   * @param jvmOptions options of the child JVM, such as {@code -Xmx2g}
   * @throws IOException if it cannot be started or exits before it is ready
   */
  static SimulatorProcess start(List<String> jvmOptions, List<String> flags) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.prmonitor.simulator.SimulatorMain");
    command.addAll(flags);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    // a load test stopped with Ctrl-C or kill must not leave its simulator running
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "simulator-stop"));
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String line;
    StringBuilder seen = new StringBuilder();
    while ((line = out.readLine()) != null) {
      Matcher m = READY.matcher(line);
      if (m.find()) {
        drain(out);
        return new SimulatorProcess(process, URI.create(m.group(1)));
      }
      seen.append(line).append('\n');
      if (System.nanoTime() > deadline) {
        break;
      }
    }
    process.destroyForcibly();
    throw new IOException("the simulator did not become ready; its output:\n" + seen);
  }

  /** Keeps reading the child's output so that a full pipe never blocks it. */
  private static void drain(BufferedReader out) {
    Thread.ofPlatform().daemon().name("simulator-output").start(() -> {
      try {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.contains("WARN") || line.contains("ERROR")) {
            System.err.println("[simulator] " + line);
          }
        }
      } catch (IOException ignored) {
        // the child exited
      }
    });
  }

  /**
   * The CPU time the simulator's JVM has used so far, in milliseconds (user + system, from
   * {@code /proc/PID/stat}), or -1 where that file does not exist.
   */
  long cpuMillis() {
    try {
      String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(process.pid()), "stat"));
      // the command name (field 2) may contain spaces; fields after its closing parenthesis are plain
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The API root, {@code http://127.0.0.1:PORT}. */
  URI baseUrl() {
    return baseUrl;
  }

  /** The simulated repositories. */
  List<RepositoryId> repositories() throws IOException {
    List<RepositoryId> names = new ArrayList<>();
    for (JsonNode name : call("GET", "/repositories", null)) {
      names.add(RepositoryId.parse(name.asText()));
    }
    return names;
  }

  /** The simulator's counters since the last {@link #resetStats()}. */
  JsonNode stats() throws IOException {
    return call("GET", "/stats", null);
  }

  void resetStats() throws IOException {
    call("POST", "/reset-stats", Map.of());
  }

  /** Applies one mutation: {@code op} is a GitHubSimulator mutation method name. */
  void mutate(String op, RepositoryId repository, int number, String value) throws IOException {
    call("POST", "/mutate", value == null
        ? Map.of("op", op, "repo", repository.fullName(), "number", number)
        : Map.of("op", op, "repo", repository.fullName(), "number", number, "value", value));
  }

  /** Applies one mutation given as the control API's JSON fields ({@code op}, {@code repo}, {@code number}, ...). */
  void mutate(Map<String, Object> fields) throws IOException {
    call("POST", "/mutate", fields);
  }

  /** The GraphQL endpoint's counters since the last {@link #resetStats()}. */
  JsonNode graphqlStats() throws IOException {
    return call("GET", "/graphql-stats", null);
  }

  /** Each pull request's enrichment truth, keyed by number. */
  JsonNode enrichmentTruth(RepositoryId repository) throws IOException {
    return call("GET", "/enrichment-truth/" + repository.fullName(), null);
  }

  /** The ground truth of one repository's pull requests, as the control API renders it. */
  JsonNode truth(RepositoryId repository) throws IOException {
    return call("GET", "/truth/" + repository.fullName(), null);
  }

  private JsonNode call(String method, String path, Object body) throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl.resolve("/_sim" + path))
        .timeout(Duration.ofMinutes(1));
    if (body == null) {
      request.GET();
    } else {
      request.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body)));
    }
    try {
      HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200) {
        throw new IOException(method + " /_sim" + path + " answered " + response.statusCode() + ": "
            + new String(response.body(), StandardCharsets.UTF_8));
      }
      return mapper.readTree(response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted during " + method + " /_sim" + path, e);
    }
  }

  /** Stops the child JVM and waits for it to exit. */
  @Override
  public void close() {
    http.close();
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
