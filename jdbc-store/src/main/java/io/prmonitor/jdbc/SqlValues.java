package io.prmonitor.jdbc;

import io.prmonitor.spi.PullRequestChange;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.jdbi.v3.core.argument.Argument;

/** Conversions between Java values and their column representations, identical on H2 and PostgreSQL. */
final class SqlValues {

  private static final String SEPARATOR = String.valueOf(PullRequestChange.SET_SEPARATOR);

  private SqlValues() {
  }

  /**
   * Binds an instant to a {@code TIMESTAMP WITH TIME ZONE} parameter as a UTC {@link OffsetDateTime}, which
   * both drivers store without consulting the JVM's default time zone; null binds SQL NULL.
   */
  static Argument timestamp(Instant instant) {
    if (instant == null) {
      return (position, statement, context) -> statement.setNull(position, Types.TIMESTAMP_WITH_TIMEZONE);
    }
    OffsetDateTime utc = instant.atOffset(ZoneOffset.UTC);
    return (position, statement, context) ->
        statement.setObject(position, utc, Types.TIMESTAMP_WITH_TIMEZONE);
  }

  /** Sets a {@code TIMESTAMP WITH TIME ZONE} parameter as {@link #timestamp} binds it. */
  static void setTimestamp(PreparedStatement statement, int position, Instant instant) throws SQLException {
    if (instant == null) {
      statement.setNull(position, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      statement.setObject(position, instant.atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
    }
  }

  /** Reads a {@code TIMESTAMP WITH TIME ZONE} column; null stays null. */
  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  /**
   * Encodes a sorted set of GitHub names as one text value: the elements joined by a line feed, which no
   * GitHub name contains; the empty set is the empty string.
   */
  static String joinSet(List<String> sortedNames) {
    return String.join(SEPARATOR, sortedNames);
  }

  /** Decodes {@link #joinSet}. */
  static List<String> splitSet(String joined) {
    if (joined == null || joined.isEmpty()) {
      return List.of();
    }
    return Arrays.asList(joined.split(SEPARATOR, -1));
  }
}
