package io.prmonitor.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/** The database a load-test profile's store lives in, removed again on close. */
record TargetDatabase(String jdbcUrl, String user, Runnable cleanup) implements AutoCloseable {

  static TargetDatabase open(String store, LoadTestOptions options) throws IOException, SQLException {
    if (store.equals("h2")) {
      Path dir = options.work.resolve("h2-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
      Files.createDirectories(dir);
      return new TargetDatabase("jdbc:h2:file:" + dir.toAbsolutePath().resolve("prmonitor"), null,
          () -> deleteTree(dir));
    }
    String schema = "prmonitor_loadtest_" + ProcessHandle.current().pid() + "_" + (System.nanoTime() % 1_000_000);
    execute(options, "CREATE SCHEMA " + schema);
    String separator = options.pgUrl.contains("?") ? "&" : "?";
    return new TargetDatabase(options.pgUrl + separator + "currentSchema=" + schema, options.pgUser, () -> {
      try {
        execute(options, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      } catch (SQLException e) {
        System.err.println("could not drop schema " + schema + ": " + e.getMessage());
      }
    });
  }

  private static void execute(LoadTestOptions options, String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(options.pgUrl, options.pgUser, null);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e.getMessage());
    }
  }

  @Override
  public void close() {
    cleanup.run();
  }
}
