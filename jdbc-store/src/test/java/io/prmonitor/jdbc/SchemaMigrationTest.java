package io.prmonitor.jdbc;

import static io.prmonitor.spi.contract.PullRequestFixtures.batch;
import static io.prmonitor.spi.contract.PullRequestFixtures.pullRequest;
import static io.prmonitor.spi.contract.PullRequestFixtures.repository;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.StoreException;
import io.prmonitor.spi.StoreSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The schema migrator's safety rules, on H2 (and the DBA script on PostgreSQL): a newer schema is refused
 * naming both versions, checksums of applied versions are verified (and recorded for versions applied before
 * they existed), and with {@code migrate=false} the store starts on a managed schema without changing it.
 */
class SchemaMigrationTest {

  private static final RepositoryId REPO = repository("alpha");

  private final String url = "jdbc:h2:mem:migration-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

  @AfterEach
  void dropDatabase() throws SQLException {
    sql("SHUTDOWN");
  }

  private StoreSettings settings(Map<String, String> properties) {
    return new StoreSettings(url, "sa", null, 2, Duration.ofSeconds(10), properties);
  }

  private JdbcPullRequestStore open() {
    return JdbcPullRequestStore.create(settings(Map.of()));
  }

  private JdbcPullRequestStore openWithoutMigration() {
    return JdbcPullRequestStore.create(settings(Map.of(JdbcPullRequestStore.MIGRATE, "false")));
  }

  @Test
  void start_schemaOneVersionNewer_refusedNamingBothVersions() throws SQLException {
    open().close();
    int latest = SchemaMigrator.latestVersion();
    sql("INSERT INTO prmonitor_schema_version (version, description, applied_at) VALUES (" + (latest + 1)
        + ", 'future', CURRENT_TIMESTAMP)");

    assertThatThrownBy(this::open).isInstanceOf(StoreException.class)
        .hasMessageContaining("schema is at version " + (latest + 1) + " (future)")
        .hasMessageContaining("knows versions up to " + latest);
    assertThatThrownBy(this::openWithoutMigration).isInstanceOf(StoreException.class)
        .hasMessageContaining("schema is at version " + (latest + 1));
  }

  @Test
  void start_appliedMigrationAltered_refusedNamingTheVersion() throws SQLException {
    open().close();
    sql("UPDATE prmonitor_schema_version SET checksum = 42 WHERE version = 1");

    assertThatThrownBy(this::open).isInstanceOf(StoreException.class)
        .hasMessageContaining("V1 (baseline) was applied with checksum 42 but this prmonitor's has checksum "
            + SchemaMigrator.MIGRATIONS.get(0).checksum(SqlDialect.H2));
  }

  @Test
  void start_versionTableWithoutChecksums_recordsThemAndStarts() throws SQLException {
    open().close();
    // a database migrated by a prmonitor that kept no checksums
    sql("ALTER TABLE prmonitor_schema_version DROP COLUMN checksum");

    open().close();

    List<Long> expected = SchemaMigrator.MIGRATIONS.stream().map(m -> m.checksum(SqlDialect.H2)).toList();
    assertThat(column("SELECT checksum FROM prmonitor_schema_version ORDER BY version")).isEqualTo(expected);
  }

  @Test
  void start_migrated_recordsEveryVersionWithItsChecksum() throws SQLException {
    open().close();

    assertThat(column("SELECT version FROM prmonitor_schema_version ORDER BY version"))
        .isEqualTo(SchemaMigrator.MIGRATIONS.stream().map(m -> (long) m.version()).toList());
    assertThat(column("SELECT checksum FROM prmonitor_schema_version ORDER BY version"))
        .doesNotContainNull().doesNotHaveDuplicates();
  }

  @Test
  void migrateFalse_emptyDatabase_refusedWithoutCreatingAnything() throws SQLException {
    assertThatThrownBy(this::openWithoutMigration).isInstanceOf(StoreException.class)
        .hasMessageContaining("schema migration is off (migrate=false)")
        .hasMessageContaining("JdbcPullRequestStore.schemaScript(\"h2\")");

    assertThat(tables()).isEmpty();
  }

  @Test
  void migrateFalse_missingVersion_refusedNamingIt() throws SQLException {
    open().close();
    int latest = SchemaMigrator.latestVersion();
    sql("DELETE FROM prmonitor_schema_version WHERE version = " + latest);

    assertThatThrownBy(this::openWithoutMigration).isInstanceOf(StoreException.class)
        .hasMessageContaining("lacks V" + latest);
  }

  @Test
  void migrateFalse_currentSchema_startsWithoutTouchingIt() throws SQLException {
    open().close();
    // a version table of an older prmonitor, to prove that migrate=false does not even add the column
    sql("ALTER TABLE prmonitor_schema_version DROP COLUMN checksum");
    List<String> before = schemaFingerprint();

    try (JdbcPullRequestStore store = openWithoutMigration()) {
      store.apply(batch(REPO, List.of(pullRequest(1)), List.of()));
      assertThat(store.allPullRequests(REPO)).hasSize(1);
    }

    assertThat(schemaFingerprint()).isEqualTo(before);
  }

  @Test
  void schemaScript_appliedByHand_thenMigrateFalseStartsAndMigrationFindsNothingToDo() throws SQLException {
    try (Connection connection = DriverManager.getConnection(url, "sa", null);
        Statement statement = connection.createStatement()) {
      for (String statementText : JdbcPullRequestStore.schemaScript("H2").split(";\n")) {
        if (!statementText.isBlank()) {
          statement.execute(statementText);
        }
      }
    }

    try (JdbcPullRequestStore store = openWithoutMigration()) {
      store.apply(batch(REPO, List.of(pullRequest(1)), List.of()));
    }
    List<String> before = schemaFingerprint();
    open().close();
    assertThat(schemaFingerprint()).isEqualTo(before);
  }

  @Test
  void schemaScript_unknownDatabase_rejectedNamingIt() {
    assertThatThrownBy(() -> JdbcPullRequestStore.schemaScript("mysql"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'mysql'");
  }

  @Test
  void migrateProperty_invalidOrUnknown_rejectedNamingIt() {
    assertThatThrownBy(() -> JdbcPullRequestStore.create(settings(Map.of(JdbcPullRequestStore.MIGRATE, "no"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'no'");
    assertThatThrownBy(() -> JdbcPullRequestStore.create(settings(Map.of("migrat", "false"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'migrat'");
  }

  @Test
  void schemaScript_postgresql_appliedByHand_thenMigrateFalseStarts() throws SQLException {
    try (PostgresSchema schema = PostgresSchema.create("script")) {
      try (Connection connection = schema.connection(); Statement statement = connection.createStatement()) {
        statement.execute(JdbcPullRequestStore.schemaScript("postgresql"));
      }
      StoreSettings managed = new StoreSettings(schema.url(), PostgresSchema.USER, null, 2, Duration.ofSeconds(10),
          Map.of(JdbcPullRequestStore.MIGRATE, "false"));
      try (JdbcPullRequestStore store = JdbcPullRequestStore.create(managed)) {
        store.apply(batch(REPO, List.of(pullRequest(1)), List.of()));
        assertThat(store.allPullRequests(REPO)).hasSize(1);
      }
    }
  }

  @Test
  void schemaDocument_listsEveryMigration() throws java.io.IOException {
    String document = java.nio.file.Files.readString(java.nio.file.Path.of("SCHEMA.md"));
    for (SchemaMigration migration : SchemaMigrator.MIGRATIONS) {
      assertThat(document).as("jdbc-store/SCHEMA.md must describe every migration")
          .contains("`V" + migration.version() + "__" + migration.description() + "`");
    }
  }

  /** Every table, column and version row: what a start that touches nothing leaves equal. */
  private List<String> schemaFingerprint() throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(url, "sa", null);
        Statement statement = connection.createStatement()) {
      try (ResultSet rs = statement.executeQuery("SELECT table_name, column_name, data_type FROM "
          + "information_schema.columns WHERE table_schema = 'PUBLIC' ORDER BY table_name, ordinal_position")) {
        while (rs.next()) {
          rows.add(rs.getString(1) + "." + rs.getString(2) + " " + rs.getString(3));
        }
      }
      try (ResultSet rs = statement.executeQuery("SELECT index_name FROM information_schema.indexes "
          + "WHERE table_schema = 'PUBLIC' ORDER BY index_name")) {
        while (rs.next()) {
          rows.add("index " + rs.getString(1));
        }
      }
      try (ResultSet rs = statement.executeQuery("SELECT * FROM prmonitor_schema_version ORDER BY version")) {
        while (rs.next()) {
          StringBuilder row = new StringBuilder("version");
          for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            row.append(' ').append(rs.getString(i));
          }
          rows.add(row.toString());
        }
      }
    }
    return rows;
  }

  private List<String> tables() throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(url, "sa", null);
        ResultSet rs = connection.createStatement().executeQuery(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'PUBLIC'")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    return tables;
  }

  private List<Long> column(String query) throws SQLException {
    List<Long> values = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(url, "sa", null);
        ResultSet rs = connection.createStatement().executeQuery(query)) {
      while (rs.next()) {
        values.add(rs.getLong(1));
      }
    }
    return values;
  }

  private void sql(String statement) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url, "sa", null);
        Statement s = connection.createStatement()) {
      s.execute(statement);
    }
  }
}
