package io.prmonitor.it;

import io.prmonitor.ProcessorConfig;
import io.prmonitor.simulator.GitHubSimulator;
import java.time.Duration;

/**
 * What the end-to-end tests of the whole stack (simulator, HTTP client, processor, JDBC store) set up and tear down
 * alike. Not instantiable.
 */
final class SyncStack {

  private SyncStack() {}

  /**
   * A monitor's configuration for every repository of {@code simulator}, read with {@code token} and stored in
   * {@code target}, three repositories at a time. The simulator here enforces no server-time budget; pacing on
   * response times measured while it shares this JVM's two cores would only slow the test, so pacing is off.
   */
  static ProcessorConfig.Builder config(GitHubSimulator simulator, String token, StoreTarget target) {
    return ProcessorConfig.builder()
        .repositories(simulator.repositories())
        .githubBaseUrl(simulator.baseUrl())
        .githubToken(token)
        .jdbcUrl(target.jdbcUrl())
        .databaseCredentials(target.user(), null)
        .maxConcurrentRepositories(3)
        .serverTimeBudget(null, Duration.ofSeconds(60));
  }

  /** Closes each resource in the order given (the monitor before what it reads and writes), skipping nulls. */
  static void closeInOrder(AutoCloseable... resources) throws Exception {
    for (AutoCloseable resource : resources) {
      if (resource != null) {
        resource.close();
      }
    }
  }
}
