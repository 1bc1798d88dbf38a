package io.prmonitor.service;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The outside programs the service's tests drive: Debian's {@code chromium} and Prometheus's
 * {@code promtool}, which {@code .ci/test-tools} installs ({@code ./dev test} runs it). Missing, a test is
 * skipped, or failed with {@code CI=true}.
 */
final class Tools {

  private Tools() {
  }

  static Path chromium() {
    return find("chromium", List.of(Path.of("/usr/bin/chromium")));
  }

  static Path promtool() {
    return find("promtool", List.of(Path.of("/usr/local/bin/promtool"), Path.of("/usr/bin/promtool")));
  }

  private static Path find(String name, List<Path> candidates) {
    for (Path candidate : candidates) {
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    String message = name + " is missing (looked at " + candidates + "); .ci/test-tools installs it (as root)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message + ", and CI=true requires it");
    }
    Assumptions.abort(message);
    return null;
  }
}
