package io.prmonitor.jdbc;

import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.StoreSettings;
import io.prmonitor.spi.contract.PullRequestStoreContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;

/** The store contract on H2 file databases under {@code target/}, a new file per test. */
class H2FilePullRequestStoreContractTest extends PullRequestStoreContract {

  private static final Path DIRECTORY = Path.of("target", "h2-contract-" + UUID.randomUUID());

  @Override
  protected PullRequestStore createStore() {
    Path file = DIRECTORY.resolve("store-" + UUID.randomUUID()).toAbsolutePath();
    return JdbcPullRequestStore.create(new StoreSettings("jdbc:h2:file:" + file, "sa", null, 10,
        Duration.ofSeconds(30), Map.of()));
  }

  @AfterAll
  static void deleteFiles() throws IOException {
    if (Files.exists(DIRECTORY)) {
      try (Stream<Path> paths = Files.walk(DIRECTORY)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }
}
