package io.prmonitor.jdbc;

import static io.prmonitor.spi.contract.PullRequestFixtures.builder;
import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.spi.ListingCursor;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.StoreSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Migration V3 converts a store written by schema version 2 in place: one repository stored under two
 * spellings becomes one (the newest snapshot of each pull request kept, the cursor forgotten so that the
 * next pass reads every page once), and text holding the escape character reads back as it was.
 */
abstract class SchemaV3MigrationTest {

  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

  abstract String url();

  abstract String user();

  abstract SqlDialect dialect();

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(url(), user(), dialect() == SqlDialect.H2 ? "" : null);
  }

  /** Creates schema version 2 as that version's store left it. */
  private void createVersion2() throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      statement.execute("""
          CREATE TABLE prmonitor_schema_version (version INTEGER NOT NULL, description VARCHAR(200) NOT NULL,
            applied_at TIMESTAMP(6) WITH TIME ZONE NOT NULL, CONSTRAINT prmonitor_schema_version_pk
            PRIMARY KEY (version))""");
      for (SchemaMigration migration : SchemaMigrator.MIGRATIONS.subList(0, 2)) {
        for (String sql : migration.statements(dialect())) {
          statement.execute(sql);
        }
        statement.execute("INSERT INTO prmonitor_schema_version VALUES (" + migration.version() + ", '"
            + migration.description() + "', CURRENT_TIMESTAMP)");
      }
    }
  }

  private void insertPullRequest(Connection connection, String owner, String name, int number, String title,
      Instant updatedAt) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement("""
        INSERT INTO prmonitor_pull_requests (owner, name, number, id, title, body, state, draft, author, head_sha,
          head_ref, base_ref, labels, assignees, requested_reviewers, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, NULL, 'OPEN', FALSE, 'octocat', 'abc', 'feature', 'main', '', '', '', ?, ?)""")) {
      insert.setString(1, owner);
      insert.setString(2, name);
      insert.setInt(3, number);
      insert.setLong(4, 1000 + number);
      insert.setString(5, title);
      insert.setTimestamp(6, Timestamp.from(PullRequestFixturesTime.CREATED));
      insert.setTimestamp(7, Timestamp.from(updatedAt));
      insert.executeUpdate();
    }
  }

  private void insertRepository(Connection connection, String owner, String name, Instant cursor)
      throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO prmonitor_repositories (owner, name, "
        + "cursor_updated_at, cursor_etag, last_completed_at) VALUES (?, ?, ?, 'W/\"x\"', ?)")) {
      insert.setString(1, owner);
      insert.setString(2, name);
      insert.setTimestamp(3, Timestamp.from(cursor));
      insert.setTimestamp(4, Timestamp.from(cursor));
      insert.executeUpdate();
    }
  }

  /** The creation time the rows above carry, as the fixtures' builder sets it. */
  private static final class PullRequestFixturesTime {
    static final Instant CREATED = io.prmonitor.spi.contract.PullRequestFixtures.CREATED_AT;
  }

  @Test
  void migrate_twoSpellingsOfOneRepository_becomeOne_newestSnapshotKept_cursorForgotten() throws SQLException {
    createVersion2();
    try (Connection connection = connect()) {
      insertPullRequest(connection, "Acme", "Repo", 1, "old spelling, newer", T0.plusSeconds(60));
      insertPullRequest(connection, "acme", "repo", 1, "new spelling, older", T0);
      insertPullRequest(connection, "acme", "repo", 2, "only here", T0);
      insertPullRequest(connection, "Acme", "Repo", 3, "escape \ufdd0 kept", T0);
      insertRepository(connection, "Acme", "Repo", T0.plusSeconds(60));
      insertRepository(connection, "acme", "repo", T0);
      insertRepository(connection, "Other", "Single", T0);
    }

    try (PullRequestStore store = JdbcPullRequestStore.create(new StoreSettings(url(), user(),
        dialect() == SqlDialect.H2 ? "" : null, 2, Duration.ofSeconds(10), Map.of()))) {
      RepositoryId repository = new RepositoryId("ACME", "rEpO");
      assertThat(store.allPullRequests(repository)).extracting(PullRequest::number, PullRequest::title)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "old spelling, newer"),
              org.assertj.core.groups.Tuple.tuple(2, "only here"),
              org.assertj.core.groups.Tuple.tuple(3, "escape \ufdd0 kept"));
      assertThat(store.allPullRequests(repository).get(0).updatedAt()).isEqualTo(T0.plusSeconds(60));
      assertThat(store.repositoryState(repository).cursor()).isEqualTo(ListingCursor.NONE);
      assertThat(store.repositoryState(repository).isBaseline()).as("its next pass reports changes").isFalse();
      assertThat(store.repositoryState(new RepositoryId("other", "single")).cursor())
          .isEqualTo(new ListingCursor(T0, "W/\"x\""));
      store.apply(new io.prmonitor.spi.SyncBatch(repository, java.util.List.of(builder(4).title("t".repeat(2_000))
          .headSha("s".repeat(100)).build()), java.util.List.of()));
      assertThat(store.pullRequests(repository, java.util.List.of(4)).get(4).title()).hasSize(2_000);
    }
  }

  @AfterEach
  abstract void cleanUp() throws SQLException;

  /** On an H2 in-memory database. */
  static final class OnH2 extends SchemaV3MigrationTest {
    private final String url = "jdbc:h2:mem:v3_" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

    @Override
    String url() {
      return url;
    }

    @Override
    String user() {
      return "sa";
    }

    @Override
    SqlDialect dialect() {
      return SqlDialect.H2;
    }

    @Override
    void cleanUp() throws SQLException {
      try (Connection connection = DriverManager.getConnection(url, "sa", "");
          Statement statement = connection.createStatement()) {
        statement.execute("SHUTDOWN");
      }
    }
  }

  /** On PostgreSQL, in a schema of its own. */
  static final class OnPostgres extends SchemaV3MigrationTest {
    private final PostgresSchema schema = PostgresSchema.create("prm_v3");

    @Override
    String url() {
      return schema.url();
    }

    @Override
    String user() {
      return PostgresSchema.USER;
    }

    @Override
    SqlDialect dialect() {
      return SqlDialect.POSTGRESQL;
    }

    @Override
    void cleanUp() {
      schema.close();
    }
  }
}
