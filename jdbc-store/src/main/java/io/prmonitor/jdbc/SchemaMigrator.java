package io.prmonitor.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the store's versioned schema migrations and records each applied version in
 * {@code prmonitor_schema_version}. A version is the SQL file {@code migration/V<n>__<description>.sql}
 * beside this class, shared by all databases, followed by {@code V<n>__<description>.<dialect>.sql}
 * (for what differs, such as PostgreSQL's partial indexes); either may be absent, not both.
 *
 * <p>Concurrent starts do not race. On PostgreSQL the whole run is one transaction holding an advisory
 * lock per schema, so a second JVM waits and then finds the versions applied. H2 commits every DDL
 * statement on its own, so no table lock could span a migration there; instead every statement is
 * idempotent ({@code IF NOT EXISTS}), versions are recorded with {@code MERGE}, and starts within one JVM
 * are serialized by a lock (an embedded H2 database belongs to one JVM unless it runs in server mode).
 */
final class SchemaMigrator {

  private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);

  /** The migrations in order; a new schema version is a new entry here and a new file. */
  static final List<Migration> MIGRATIONS = List.of(new Migration(1, "baseline"), new Migration(2, "leases"),
      new Migration(5, "enrichment"));

  private static final ReentrantLock IN_PROCESS = new ReentrantLock();

  private static final String CREATE_VERSION_TABLE = """
      CREATE TABLE IF NOT EXISTS prmonitor_schema_version (
        version     INTEGER      NOT NULL,
        description VARCHAR(200) NOT NULL,
        applied_at  TIMESTAMP(6) WITH TIME ZONE NOT NULL,
        CONSTRAINT prmonitor_schema_version_pk PRIMARY KEY (version)
      )""";

  private final Jdbi jdbi;
  private final SqlDialect dialect;

  SchemaMigrator(Jdbi jdbi, SqlDialect dialect) {
    this.jdbi = jdbi;
    this.dialect = dialect;
  }

  /** Brings the schema to the newest version and returns the versions this call applied. */
  List<Integer> migrate() {
    if (dialect.migrationLock != null) {
      return jdbi.inTransaction(this::migrate);
    }
    IN_PROCESS.lock();
    try {
      return jdbi.inTransaction(this::migrate);
    } finally {
      IN_PROCESS.unlock();
    }
  }

  private List<Integer> migrate(Handle handle) {
    if (dialect.migrationLock != null) {
      handle.createQuery(dialect.migrationLock).map((rs, ctx) -> Boolean.TRUE).findOne();
    }
    handle.execute(CREATE_VERSION_TABLE);
    Set<Integer> applied = Set.copyOf(
        handle.createQuery("SELECT version FROM prmonitor_schema_version").mapTo(Integer.class).list());
    List<Integer> appliedNow = new ArrayList<>();
    for (Migration migration : MIGRATIONS) {
      if (applied.contains(migration.version())) {
        continue;
      }
      for (String statement : migration.statements(dialect)) {
        handle.execute(statement);
      }
      handle.createUpdate(dialect == SqlDialect.H2
              ? "MERGE INTO prmonitor_schema_version (version, description, applied_at) KEY (version) "
                  + "VALUES (:version, :description, :appliedAt)"
              : "INSERT INTO prmonitor_schema_version (version, description, applied_at) "
                  + "VALUES (:version, :description, :appliedAt)")
          .bind("version", migration.version())
          .bind("description", migration.description())
          .bind("appliedAt", SqlValues.timestamp(Instant.now()))
          .execute();
      appliedNow.add(migration.version());
      LOG.info("Applied prmonitor schema migration V{} ({})", migration.version(), migration.description());
    }
    return appliedNow;
  }

  /** One schema version: its shared SQL file and its dialect-specific one. */
  record Migration(int version, String description) {

    /**
     * The statements of the shared file then the dialect's file, split at lines holding only ';', comment
     * lines and blank statements dropped.
     */
    List<String> statements(SqlDialect dialect) {
      String base = "migration/V" + version + "__" + description;
      String shared = read(base + ".sql");
      String specific = read(base + "." + dialect.name().toLowerCase(Locale.ROOT) + ".sql");
      if (shared == null && specific == null) {
        throw new IllegalStateException("missing schema migration resource " + base + ".sql");
      }
      List<String> statements = new ArrayList<>();
      for (String text : new String[] {shared, specific}) {
        if (text != null) {
          statements.addAll(split(text));
        }
      }
      return statements;
    }

    private static String read(String resource) {
      try (InputStream in = SchemaMigrator.class.getResourceAsStream(resource)) {
        return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read schema migration " + resource, e);
      }
    }

    private static List<String> split(String text) {
      List<String> statements = new ArrayList<>();
      StringBuilder current = new StringBuilder();
      for (String line : text.split("\n")) {
        String trimmed = line.strip();
        if (trimmed.equals(";")) {
          addIfNotBlank(statements, current);
          current.setLength(0);
        } else if (!trimmed.startsWith("--")) {
          current.append(line).append('\n');
        }
      }
      addIfNotBlank(statements, current);
      return statements;
    }

    private static void addIfNotBlank(List<String> statements, StringBuilder statement) {
      if (!statement.toString().isBlank()) {
        statements.add(statement.toString().strip());
      }
    }
  }
}
