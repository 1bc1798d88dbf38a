package io.prmonitor.jdbc;

import io.prmonitor.spi.PullRequestChange;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import org.jdbi.v3.core.argument.Argument;

/** Conversions between Java values and their column representations, identical on H2 and PostgreSQL. */
final class SqlValues {

  private static final String SEPARATOR = String.valueOf(PullRequestChange.SET_SEPARATOR);
  /** The most values bound into one {@code IN (...)} list or array; longer collections are queried in chunks. */
  static final int IN_LIST_CHUNK = 1_000;

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

  /** The escape character of {@link #encodeText}: U+FDD0, a Unicode noncharacter. */
  static final char ESCAPE = '\uFDD0';

  /**
   * The stored form of a text value: the text itself, except that U+0000 (which PostgreSQL's text types
   * reject), an unpaired surrogate (which UTF-8 cannot encode, so PostgreSQL's driver writes '?') and the
   * escape character U+FDD0 are each written as U+FDD0 followed by the four upper-case hex digits of the
   * UTF-16 unit. {@link #decodeText} inverts it exactly, for every Java string, so a value reads back as
   * it was sent and never shows a false change. Text without those characters (all of it in practice) is
   * stored as is and returned without a copy. The same on H2 and PostgreSQL, so the columns mean the same.
   */
  static String encodeText(String text) {
    return encodeText(text, false);
  }

  private static String encodeText(String text, boolean setElement) {
    if (text == null) {
      return null;
    }
    int n = text.length();
    int i = 0;
    while (i < n && !needsEscape(text, i, setElement)) {
      i += Character.isHighSurrogate(text.charAt(i)) ? 2 : 1;
    }
    if (i >= n) {
      return text;
    }
    StringBuilder out = new StringBuilder(n + 16).append(text, 0, i);
    while (i < n) {
      char c = text.charAt(i);
      if (needsEscape(text, i, setElement)) {
        out.append(ESCAPE).append(HEX[(c >> 12) & 15]).append(HEX[(c >> 8) & 15]).append(HEX[(c >> 4) & 15])
            .append(HEX[c & 15]);
        i++;
      } else if (Character.isHighSurrogate(c)) {
        out.append(c).append(text.charAt(i + 1));
        i += 2;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /**
   * Whether the unit at {@code i} is escaped: NUL, the escape character, a surrogate without its pair, and in
   * a set element the line feed that separates elements.
   */
  private static boolean needsEscape(String text, int i, boolean setElement) {
    char c = text.charAt(i);
    if (c == 0 || c == ESCAPE || (setElement && c == '\n')) {
      return true;
    }
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
    }
    return Character.isLowSurrogate(c);
  }

  /**
   * Inverts {@link #encodeText}.
   *
   * @throws IllegalArgumentException if an escape is not followed by four hex digits (not written by this
   *     store)
   */
  static String decodeText(String stored) {
    if (stored == null || stored.indexOf(ESCAPE) < 0) {
      return stored;
    }
    StringBuilder out = new StringBuilder(stored.length());
    int n = stored.length();
    for (int i = 0; i < n; i++) {
      char c = stored.charAt(i);
      if (c != ESCAPE) {
        out.append(c);
        continue;
      }
      if (i + 4 >= n) {
        throw new IllegalArgumentException("stored text ends inside an escape at index " + i);
      }
      int unit = 0;
      for (int k = 1; k <= 4; k++) {
        int digit = Character.digit(stored.charAt(i + k), 16);
        if (digit < 0) {
          throw new IllegalArgumentException("stored text has a bad escape at index " + i);
        }
        unit = unit * 16 + digit;
      }
      out.append((char) unit);
      i += 4;
    }
    return out.toString();
  }

  /**
   * Encodes a sorted set of GitHub names as one text value: the elements joined by a line feed, which no
   * GitHub name contains, each through {@link #encodeText} with its line feeds escaped too (a hostile
   * server may send any name); the empty set is the empty string.
   */
  static String joinSet(List<String> sortedNames) {
    if (sortedNames.size() == 1 && sortedNames.get(0).isEmpty()) {
      return SET_OF_EMPTY_NAME;
    }
    if (sortedNames.size() == 1) {
      return encodeText(sortedNames.get(0), true);
    }
    StringBuilder joined = new StringBuilder(sortedNames.size() * 16);
    for (int i = 0; i < sortedNames.size(); i++) {
      if (i > 0) {
        joined.append(SEPARATOR);
      }
      joined.append(encodeText(sortedNames.get(i), true));
    }
    return joined.toString();
  }

  /**
   * The stored form of the set holding only the empty name, which joining would make the empty set's. Not
   * an escape {@link #encodeText} writes (those are followed by hex digits).
   */
  private static final String SET_OF_EMPTY_NAME = ESCAPE + "EMPTY";

  /** Decodes {@link #joinSet}. */
  static List<String> splitSet(String joined) {
    if (joined == null || joined.isEmpty()) {
      return List.of();
    }
    if (joined.equals(SET_OF_EMPTY_NAME)) {
      return List.of("");
    }
    String[] names = joined.split(SEPARATOR, -1);
    for (int i = 0; i < names.length; i++) {
      names[i] = decodeText(names[i]);
    }
    return Arrays.asList(names);
  }

  /** The distinct values, in first-seen order, in chunks of at most {@link #IN_LIST_CHUNK}. */
  static <T> List<List<T>> distinctChunks(Collection<T> values) {
    List<T> distinct = List.copyOf(new LinkedHashSet<>(values));
    List<List<T>> chunks = new ArrayList<>();
    for (int from = 0; from < distinct.size(); from += IN_LIST_CHUNK) {
      chunks.add(distinct.subList(from, Math.min(distinct.size(), from + IN_LIST_CHUNK)));
    }
    return chunks;
  }
}
