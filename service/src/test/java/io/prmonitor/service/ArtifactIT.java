package io.prmonitor.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The application the build made ({@code target/prmonitor}): its runtime class path is exactly the jars in
 * {@code lib/}, none of them a test library, and its launcher runs it.
 */
class ArtifactIT {

  /** Libraries that only tests need. */
  static final Pattern TEST_LIBRARY = Pattern.compile(
      "(junit|assertj|opentest4j|apiguardian|hamcrest|mockito|byte-buddy|awaitility|json-schema-validator|jmh"
          + "|prmonitor-github-simulator|prmonitor-spi-tck|prmonitor-spi-.*-tests)[-.].*\\.jar");

  @Test
  void runtimeClassPath_isTheLibDirectory_withNoTestLibrary() throws IOException {
    Path dist = ServiceProcess.distribution();
    List<String> classPath;
    try (JarFile jar = new JarFile(dist.resolve("prmonitor.jar").toFile())) {
      Manifest manifest = jar.getManifest();
      assertThat(manifest.getMainAttributes().getValue("Main-Class")).isEqualTo(PRMonitorCli.class.getName());
      classPath = Arrays.asList(manifest.getMainAttributes().getValue("Class-Path").trim().split("\\s+"));
    }
    List<String> lib;
    try (Stream<Path> files = Files.list(dist.resolve("lib"))) {
      lib = files.map(p -> "lib/" + p.getFileName()).sorted().toList();
    }

    assertThat(classPath).containsExactlyInAnyOrderElementsOf(lib);
    assertThat(classPath).as("runtime class path").noneMatch(entry -> TEST_LIBRARY.matcher(entry.substring(4)).matches());
    assertThat(classPath).anyMatch(entry -> entry.startsWith("lib/prmonitor-core-"))
        .anyMatch(entry -> entry.startsWith("lib/picocli-")).anyMatch(entry -> entry.startsWith("lib/logback-classic-"))
        .anyMatch(entry -> entry.startsWith("lib/postgresql-"));
  }

  @Test
  void testLibraryPattern_catchesWhatTheTestsUse() {
    assertThat(List.of("junit-jupiter-api-5.14.1.jar", "assertj-core-3.27.3.jar", "opentest4j-1.3.0.jar",
        "awaitility-4.3.0.jar", "prmonitor-github-simulator-0.1.0-SNAPSHOT.jar",
        "prmonitor-spi-tck-0.1.0-SNAPSHOT.jar"))
        .allMatch(name -> TEST_LIBRARY.matcher(name).matches());
  }

  @Test
  void launcher_runsTheJarWithTheJavaOfJavaHome() throws Exception {
    Path launcher = ServiceProcess.distribution().resolve("bin/prmonitor");
    assertThat(Files.isExecutable(launcher)).isTrue();
    ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "--version").redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(Map.of("JAVA_HOME", System.getProperty("java.home"), "PATH", "/usr/bin:/bin"));
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).as(out).isZero();
    assertThat(out).startsWith("prmonitor 0.1.0-SNAPSHOT").contains("Java " + Runtime.version().feature());
  }
}
