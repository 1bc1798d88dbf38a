package io.prmonitor.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * One schema version of the JDBC store: the SQL file {@code migration/V<n>__<description>.sql} beside this
 * class, shared by all databases, followed by {@code V<n>__<description>.<dialect>.sql} (for what differs,
 * such as PostgreSQL's partial indexes); either may be absent, not both. {@link SchemaMigrator} applies
 * them in order.
 */
record SchemaMigration(int version, String description) {

  /** CRC-32 of the statements this migration runs on the dialect (comments and blank lines excluded). */
  long checksum(SqlDialect dialect) {
    CRC32 crc = new CRC32();
    crc.update(String.join("\n;\n", statements(dialect)).getBytes(StandardCharsets.UTF_8));
    return crc.getValue();
  }

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
    try (InputStream in = SchemaMigration.class.getResourceAsStream(resource)) {
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
