package io.prmonitor.jdbc;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * A schema of its own in the shared PostgreSQL test database (127.0.0.1:5432, database {@code test}, user
 * {@code postgres}), so that test classes of several engineers can run at once. Tests are skipped when
 * PostgreSQL is unreachable, unless {@code CI=true}, where that fails them.
 */
final class PostgresSchema implements AutoCloseable {

  static final String SERVER_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  static final String USER = "postgres";

  final String name;

  private PostgresSchema(String name) {
    this.name = name;
  }

  /** Creates a uniquely named schema, or skips (fails on CI) the calling test if PostgreSQL is unreachable. */
  static PostgresSchema create(String prefix) {
    String name = (prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12))
        .toLowerCase(Locale.ROOT);
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA " + name);
    } catch (SQLException e) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail("PostgreSQL at " + SERVER_URL + " is required with CI=true but unreachable: " + e.getMessage(), e);
      }
      Assumptions.abort("PostgreSQL at " + SERVER_URL + " is unreachable: " + e.getMessage());
    }
    return new PostgresSchema(name);
  }

  /** A plain connection (not pooled) to the test database, with this schema as the current one. */
  Connection connection() throws SQLException {
    return DriverManager.getConnection(url(), USER, null);
  }

  /** The JDBC URL that puts a store into this schema. */
  String url() {
    return SERVER_URL + "?currentSchema=" + name;
  }

  /** The JDBC URL with an application name, to find the store's connections in pg_stat_activity. */
  String url(String applicationName) {
    return url() + "&ApplicationName=" + applicationName;
  }

  /** Empties the store's tables (fast enough for one call per test). */
  void truncate() {
    try (Connection connection = connection(); Statement statement = connection.createStatement()) {
      statement.execute("TRUNCATE prmonitor_repositories, prmonitor_pull_requests, prmonitor_outbox, prmonitor_enrichments "
          + "RESTART IDENTITY");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot truncate schema " + name, e);
    }
  }

  private static Connection connect() throws SQLException {
    DriverManager.setLoginTimeout(3);
    return DriverManager.getConnection(SERVER_URL, USER, null);
  }

  /** Drops the schema and everything in it. */
  @Override
  public void close() {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop schema " + name, e);
    }
  }
}
