package io.prmonitor.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh, empty database for an end-to-end test: an H2 file in a temporary directory, or a schema of its
 * own in the PostgreSQL test database (skipped when PostgreSQL is unreachable, failed when {@code CI=true}).
 */
sealed interface StoreTarget extends AutoCloseable {

  /** The JDBC URL the monitor's store uses. */
  String jdbcUrl();

  /** The database user, or null. */
  default String user() {
    return null;
  }

  @Override
  void close();

  /** An H2 file database below {@code directory}. */
  record H2(Path directory) implements StoreTarget {
    @Override
    public String jdbcUrl() {
      return "jdbc:h2:file:" + directory.toAbsolutePath().resolve("prmonitor");
    }

    @Override
    public void close() {
    }
  }

  /** A schema of its own in {@code jdbc:postgresql://127.0.0.1:5432/test}. */
  record Postgres(String schema) implements StoreTarget {
    static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";

    static Postgres create() {
      String schema = ("it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12))
          .toLowerCase(Locale.ROOT);
      DriverManager.setLoginTimeout(3);
      try (Connection c = DriverManager.getConnection(SERVER, "postgres", null);
          Statement s = c.createStatement()) {
        s.execute("CREATE SCHEMA " + schema);
      } catch (SQLException e) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
          fail("PostgreSQL at " + SERVER + " is required with CI=true but unreachable: " + e.getMessage(), e);
        }
        Assumptions.abort("PostgreSQL at " + SERVER + " is unreachable: " + e.getMessage());
      }
      return new Postgres(schema);
    }

    @Override
    public String jdbcUrl() {
      return SERVER + "?currentSchema=" + schema;
    }

    @Override
    public String user() {
      return "postgres";
    }

    @Override
    public void close() {
      try (Connection c = DriverManager.getConnection(SERVER, "postgres", null);
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      } catch (SQLException e) {
        throw new IllegalStateException("cannot drop schema " + schema, e);
      }
    }
  }
}
