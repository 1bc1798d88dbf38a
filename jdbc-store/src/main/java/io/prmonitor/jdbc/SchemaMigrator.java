package io.prmonitor.jdbc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import io.prmonitor.spi.StoreException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the store's versioned schema migrations ({@link SchemaMigration}) and records each applied version,
 * with a checksum of its statements, in {@code prmonitor_schema_version}.
 *
 * <p>It refuses, naming both versions, a schema that a newer prmonitor migrated past the versions this
 * code knows, and a recorded checksum that differs from the code's (a migration file edited after it was
 * applied). Versions recorded before checksums existed get theirs on the next migrating start. With
 * migration off ({@link #verify()}) it only reads: the schema must be complete, current and unaltered, or
 * the store does not start; {@link #script} prints the DDL a database administrator applies instead.
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
  static final List<SchemaMigration> MIGRATIONS = List.of(new SchemaMigration(1, "baseline"),
      new SchemaMigration(2, "leases"), new SchemaMigration(3, "robust_values"), new SchemaMigration(4, "discovery"),
      new SchemaMigration(5, "enrichment"), new SchemaMigration(6, "webhook_deliveries"));

  private static final ReentrantLock IN_PROCESS = new ReentrantLock();

  private static final String VERSION_TABLE = "prmonitor_schema_version";

  private static final String CREATE_VERSION_TABLE = """
      CREATE TABLE IF NOT EXISTS prmonitor_schema_version (
        version     INTEGER      NOT NULL,
        description VARCHAR(200) NOT NULL,
        applied_at  TIMESTAMP(6) WITH TIME ZONE NOT NULL,
        checksum    BIGINT,
        CONSTRAINT prmonitor_schema_version_pk PRIMARY KEY (version)
      )""";

  /** Version tables created before checksums were kept lack the column; both databases accept this. */
  private static final String ADD_CHECKSUM_COLUMN =
      "ALTER TABLE prmonitor_schema_version ADD COLUMN IF NOT EXISTS checksum BIGINT";

  private final Jdbi jdbi;
  private final SqlDialect dialect;

  SchemaMigrator(Jdbi jdbi, SqlDialect dialect) {
    this.jdbi = jdbi;
    this.dialect = dialect;
  }

  /** The newest schema version this code knows. */
  static int latestVersion() {
    return MIGRATIONS.get(MIGRATIONS.size() - 1).version();
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
    handle.execute(ADD_CHECKSUM_COLUMN);
    Map<Integer, Applied> applied = applied(handle);
    refuseNewer(applied);
    List<Integer> appliedNow = new ArrayList<>();
    for (SchemaMigration migration : MIGRATIONS) {
      long checksum = migration.checksum(dialect);
      Applied recorded = applied.get(migration.version());
      if (recorded != null) {
        if (recorded.checksum() == null) {
          handle.createUpdate("UPDATE prmonitor_schema_version SET checksum = :checksum WHERE version = :version")
              .bind("checksum", checksum).bind("version", migration.version()).execute();
          LOG.info("Recorded the checksum of prmonitor schema migration V{} ({}), applied before checksums were kept",
              migration.version(), migration.description());
        } else {
          checkChecksum(migration, recorded, checksum);
        }
        continue;
      }
      for (String statement : migration.statements(dialect)) {
        handle.execute(statement);
      }
      handle.createUpdate(dialect == SqlDialect.H2
              ? "MERGE INTO prmonitor_schema_version (version, description, applied_at, checksum) KEY (version) "
                  + "VALUES (:version, :description, :appliedAt, :checksum)"
              : "INSERT INTO prmonitor_schema_version (version, description, applied_at, checksum) "
                  + "VALUES (:version, :description, :appliedAt, :checksum)")
          .bind("version", migration.version())
          .bind("description", migration.description())
          .bind("appliedAt", SqlValues.timestamp(Instant.now()))
          .bind("checksum", checksum)
          .execute();
      appliedNow.add(migration.version());
      LOG.info("Applied prmonitor schema migration V{} ({})", migration.version(), migration.description());
    }
    return appliedNow;
  }

  /**
   * Checks, reading only, that the schema holds every version this code knows, no newer one, and the
   * statements this code would have applied.
   *
   * @throws StoreException naming what is missing, newer or altered
   */
  void verify() {
    jdbi.useHandle(handle -> {
      Map<Integer, Applied> applied;
      try {
        applied = applied(handle);
      } catch (RuntimeException e) {
        throw new SchemaMismatch("schema migration is off (migrate=false) and the database has no prmonitor schema "
            + "(" + VERSION_TABLE + " cannot be read: " + e.getMessage() + "); apply the DDL of "
            + "JdbcPullRequestStore.schemaScript(\"" + dialect.name().toLowerCase(Locale.ROOT) + "\") or start with "
            + "migrate=true", e);
      }
      refuseNewer(applied);
      List<String> missing = new ArrayList<>();
      for (SchemaMigration migration : MIGRATIONS) {
        Applied recorded = applied.get(migration.version());
        if (recorded == null) {
          missing.add("V" + migration.version() + " (" + migration.description() + ")");
        } else if (recorded.checksum() != null) {
          checkChecksum(migration, recorded, migration.checksum(dialect));
        }
      }
      if (!missing.isEmpty()) {
        throw new SchemaMismatch("schema migration is off (migrate=false) and the database schema lacks "
            + String.join(", ", missing) + " of the " + latestVersion() + " versions this prmonitor needs; "
            + "apply them (JdbcPullRequestStore.schemaScript) or start with migrate=true");
      }
    });
  }

  private static void refuseNewer(Map<Integer, Applied> applied) {
    int newest = applied.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
    if (newest > latestVersion()) {
      throw new SchemaMismatch("the database schema is at version " + newest + " (" + applied.get(newest).description()
          + "), migrated by a newer prmonitor; this prmonitor knows versions up to " + latestVersion()
          + ". Run the newer prmonitor, or give this one a database of its own");
    }
  }

  private static void checkChecksum(SchemaMigration migration, Applied recorded, long checksum) {
    if (recorded.checksum() != checksum) {
      throw new SchemaMismatch("schema migration V" + migration.version() + " (" + migration.description()
          + ") was applied with checksum " + recorded.checksum() + " but this prmonitor's has checksum " + checksum
          + ": its SQL changed after it was applied. Restore the original migration file; never edit an applied one");
    }
  }

  /** The recorded versions; a version table without a checksum column reads as null checksums. */
  private static Map<Integer, Applied> applied(Handle handle) {
    Map<Integer, Applied> applied = new TreeMap<>();
    handle.createQuery("SELECT * FROM " + VERSION_TABLE).map((rs, ctx) -> {
      boolean hasChecksum = false;
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        hasChecksum |= rs.getMetaData().getColumnLabel(i).equalsIgnoreCase("checksum");
      }
      long checksum = hasChecksum ? rs.getLong("checksum") : 0;
      boolean known = hasChecksum && !rs.wasNull();
      return new Applied(rs.getInt("version"), rs.getString("description"), known ? checksum : null);
    }).forEach(row -> applied.put(row.version(), row));
    return applied;
  }

  /**
   * The DDL that brings an empty database to the newest version, as the migrator would, version rows and
   * checksums included: what a database administrator applies before starting stores with migration off.
   */
  static String script(SqlDialect dialect) {
    StringBuilder script = new StringBuilder();
    script.append("-- prmonitor schema, versions 1 to ").append(latestVersion()).append(", for ")
        .append(dialect.name().toLowerCase(Locale.ROOT)).append('\n');
    script.append(CREATE_VERSION_TABLE.strip()).append(";\n");
    for (SchemaMigration migration : MIGRATIONS) {
      script.append("\n-- V").append(migration.version()).append(" (").append(migration.description()).append(")\n");
      for (String statement : migration.statements(dialect)) {
        script.append(statement).append(";\n");
      }
      script.append("INSERT INTO prmonitor_schema_version (version, description, applied_at, checksum) VALUES (")
          .append(migration.version()).append(", '").append(migration.description()).append("', CURRENT_TIMESTAMP, ")
          .append(migration.checksum(dialect)).append(");\n");
    }
    return script.toString();
  }

  /** The schema is not one this store may use or migrate; the message says why and what to do. */
  static final class SchemaMismatch extends StoreException {
    private static final long serialVersionUID = 1L;

    SchemaMismatch(String message) {
      super(message);
    }

    SchemaMismatch(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** One row of the version table; {@code checksum} is null for versions recorded before checksums were kept. */
  private record Applied(int version, String description, Long checksum) {
  }
}
