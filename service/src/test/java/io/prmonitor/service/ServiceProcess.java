package io.prmonitor.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The built application ({@code target/prmonitor}, made by {@code mvn package}) run as a process of its
 * own with {@code java -jar}: its standard output and error are collected line by line, and a test waits
 * for a line with a latch-like condition, never a sleep.
 */
final class ServiceProcess implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  /** The application directory the build made. */
  static Path distribution() {
    String dist = System.getProperty("prmonitor.dist");
    if (dist == null) {
      throw new IllegalStateException("prmonitor.dist is not set: run these tests with mvn verify (failsafe), "
          + "after package built target/prmonitor");
    }
    return Path.of(dist);
  }

  /** Where tests keep what they leave for people to look at (screenshots). */
  static Path artifacts() {
    return Path.of(System.getProperty("prmonitor.artifacts", "target/it-artifacts"));
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  final Process process;
  private final String name;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition added = lock.newCondition();
  private final List<String> out = new ArrayList<>();
  private final List<String> err = new ArrayList<>();
  private final List<Thread> readers = new ArrayList<>();

  private ServiceProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    reader(process.getInputStream(), out, name + "-out");
    reader(process.getErrorStream(), err, name + "-err");
  }

  /** Starts {@code java -jar prmonitor.jar ARGS} in {@code directory} with exactly this environment. */
  static ServiceProcess start(String name, Path directory, Map<String, String> env, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(java(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar",
        distribution().resolve("prmonitor.jar").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    return new ServiceProcess(name, builder.start());
  }

  private void reader(InputStream stream, List<String> into, String threadName) {
    Thread thread = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          add(into, line);
        }
      } catch (IOException e) {
        add(into, "(read failed: " + e + ")");
      }
    }, threadName);
    thread.setDaemon(true);
    thread.start();
    readers.add(thread);
  }

  /** Waits for the process to exit and its output to be read to the end; false on timeout. */
  boolean awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return false;
    }
    for (Thread reader : readers) {
      reader.join(TimeUnit.SECONDS.toMillis(10));
    }
    return true;
  }

  private void add(List<String> into, String line) {
    lock.lock();
    try {
      into.add(line);
      added.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The first standard output line matching, waiting at most {@code timeout}. */
  String awaitOut(Predicate<String> matching, Duration timeout) throws InterruptedException {
    return await(out, matching, timeout, "standard output");
  }

  /** The first standard error line matching, waiting at most {@code timeout}. */
  String awaitErr(Predicate<String> matching, Duration timeout) throws InterruptedException {
    return await(err, matching, timeout, "standard error");
  }

  private String await(List<String> lines, Predicate<String> matching, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      int seen = 0;
      boolean exited = false;
      while (true) {
        for (; seen < lines.size(); seen++) {
          if (matching.test(lines.get(seen))) {
            return lines.get(seen);
          }
        }
        long left = deadline - System.nanoTime();
        // an exited process gets one more wait, for the readers to copy its last lines
        if (left <= 0 || exited) {
          throw new AssertionError(name + ": no matching line on " + what + " within " + timeout
              + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")") + "\n" + transcript());
        }
        exited = !process.isAlive();
        added.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
      }
    } finally {
      lock.unlock();
    }
  }

  List<String> out() {
    lock.lock();
    try {
      return List.copyOf(out);
    } finally {
      lock.unlock();
    }
  }

  /** Every line so far, for assertion messages. */
  String transcript() {
    lock.lock();
    try {
      List<String> tailOut = out.subList(Math.max(0, out.size() - 20), out.size());
      List<String> tailErr = err.subList(Math.max(0, err.size() - 60), err.size());
      return "--- " + name + " stdout (last 20)\n" + String.join("\n", tailOut) + "\n--- " + name
          + " stderr (last 60)\n" + String.join("\n", tailErr);
    } finally {
      lock.unlock();
    }
  }

  /** Log lines as JSON objects (with log-format=json), unparseable ones skipped. */
  List<JsonNode> jsonLogs() {
    List<JsonNode> logs = new ArrayList<>();
    lock.lock();
    try {
      for (String line : err) {
        try {
          logs.add(JSON.readTree(line));
        } catch (IOException e) {
          // not a JSON line (the JVM's own warnings)
        }
      }
    } finally {
      lock.unlock();
    }
    return Collections.unmodifiableList(logs);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
