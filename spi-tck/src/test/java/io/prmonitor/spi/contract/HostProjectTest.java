package io.prmonitor.spi.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * A plug-in author's project, {@code src/test/host-project}: its store and contract tests are compiled
 * against exactly the class path that depending on {@code prmonitor-spi-tck} gives a host (written by the
 * build to {@code target/host-classpath.txt}: this artifact's dependencies, resolved as Maven resolves them
 * for a host), then run by the JUnit Platform launcher in a JVM of their own, as a build tool runs them. So
 * the kit cannot silently need a library it does not declare (as the test-jar needed AssertJ), a store that
 * keeps the SPI's default {@code hasPullRequests} passes, and one that leaks purged keys fails.
 */
class HostProjectTest {

  private static final Path HOST_PROJECT = Path.of("src/test/host-project/src/test/java");

  @TempDir
  static Path classes;

  private static Map<String, String> results;
  private static List<String> failures;

  @BeforeAll
  static void compileAndRunHostTests() throws Exception {
    List<String> hostClasspath = new ArrayList<>(List.of(
        Files.readString(Path.of("target/host-classpath.txt")).strip().split(File.pathSeparator)));
    hostClasspath.add(Path.of("target/classes").toAbsolutePath().toString());

    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    List<String> arguments = new ArrayList<>(List.of("--release", "21", "-proc:none", "-d", classes.toString(),
        "-classpath", String.join(File.pathSeparator, hostClasspath)));
    try (Stream<Path> sources = Files.walk(HOST_PROJECT)) {
      sources.filter(p -> p.toString().endsWith(".java")).forEach(p -> arguments.add(p.toString()));
    }
    int status = compiler.run(null, null, null, arguments.toArray(String[]::new));
    assertThat(status).as("javac of the host project against the kit's class path").isZero();

    // the build tool's part: the launcher and the runner, beside the host's class path
    List<String> runClasspath = new ArrayList<>(hostClasspath);
    runClasspath.add(classes.toString());
    runClasspath.add(location(LauncherFactory.class));
    runClasspath.add(location(HostTestRunner.class));
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", String.join(File.pathSeparator, runClasspath), HostTestRunner.class.getName(),
        "com.example.store.MapStoreContractTest", "com.example.store.LeakyMapStoreContractTest")
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    results = new TreeMap<>();
    failures = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (line.startsWith("RESULT ")) {
        String[] parts = line.split(" ", 3);
        results.put(parts[1], parts[2]);
      } else if (line.startsWith("FAILED ")) {
        failures.add(line);
      }
    }
    assertThat(results).as(output).hasSize(2);
  }

  private static String location(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  /** The tests of the kit: those PullRequestStoreContract declares and those of the area interfaces it implements. */
  private static int contractTests() {
    return (int) Stream.concat(Stream.of(PullRequestStoreContract.class),
            Stream.of(PullRequestStoreContract.class.getInterfaces()))
        .flatMap(type -> Stream.of(type.getDeclaredMethods()))
        .filter(m -> m.isAnnotationPresent(Test.class)).count();
  }

  @Test
  void storeKeepingTheDefaultHasPullRequests_passesEveryContractTest() {
    int tests = contractTests();
    assertThat(results.get("com.example.store.MapStoreContractTest"))
        .as("failures: %s", failures)
        .isEqualTo("found=" + tests + " succeeded=" + tests + " failed=0 skipped=0");
  }

  @Test
  void storeLeakingPurgedKeys_failsExactlyThePurgeTests() {
    int tests = contractTests();
    assertThat(results.get("com.example.store.LeakyMapStoreContractTest"))
        .isEqualTo("found=" + tests + " succeeded=" + (tests - 2) + " failed=2 skipped=0");
    assertThat(failures).hasSize(2).allMatch(line -> line.startsWith("FAILED com.example.store.LeakyMapStoreContractTest"))
        .anyMatch(line -> line.contains("purgeDelivered_forgetsPurgedKeys_sameChangeAppendedAgain"))
        .anyMatch(line -> line.contains("purgeDelivered_forgetsOnlyPurgedKeys"));
  }
}
