package io.prmonitor.github.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Streaming JSON reading shared by the client's response readers: a {@link JsonFactory} whose limits
 * guard against hostile payloads, and small helpers that walk an object field by field without ever
 * building a tree. Thread-safe; the parsers it creates are not.
 */
public final class GitHubJson {

  /** Default deepest nesting accepted; GitHub's pull request payloads nest about six levels deep. */
  public static final int DEFAULT_MAX_NESTING_DEPTH = 64;
  /** Default longest string accepted, in characters; GitHub caps a pull request body at 65,536. */
  public static final int DEFAULT_MAX_STRING_LENGTH = 4 * 1024 * 1024;

  private final JsonFactory factory;

  /**
   * Creates a reader factory.
   *
   * @param maxNestingDepth the deepest nesting of arrays and objects accepted, at least 8
   * @throws IllegalArgumentException naming the value if it is below 8
   */
  public GitHubJson(int maxNestingDepth) {
    if (maxNestingDepth < 8) {
      throw new IllegalArgumentException("maxNestingDepth must be at least 8: " + maxNestingDepth);
    }
    this.factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(maxNestingDepth)
            .maxStringLength(DEFAULT_MAX_STRING_LENGTH)
            .build())
        .build();
  }

  /** A parser over {@code in}; closing the parser closes the stream. */
  public JsonParser parser(InputStream in) throws IOException {
    return factory.createParser(in);
  }

  /** Receives the fields of an object one at a time. */
  @FunctionalInterface
  public interface FieldVisitor {
    /**
     * Called with the parser on the field's value ({@code token}); the visitor must consume the value,
     * for example with {@link GitHubJson#skip}.
     */
    void field(String name, JsonToken token) throws IOException;
  }

  /**
   * Walks the object the parser is positioned on (its {@code START_OBJECT}), handing each field to
   * {@code visitor}; returns with the parser on the object's {@code END_OBJECT}.
   *
   * @throws EOFException if the input ends inside the object
   */
  public static void forEachField(JsonParser p, FieldVisitor visitor) throws IOException {
    while (true) {
      JsonToken token = p.nextToken();
      if (token == JsonToken.END_OBJECT) {
        return;
      }
      if (token != JsonToken.FIELD_NAME) {
        throw eofOrUnexpected(p, token, "a field name");
      }
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (value == null) {
        throw new EOFException("JSON input ended inside field '" + name + "'");
      }
      visitor.field(name, value);
    }
  }

  /** Skips the current value, whole objects and arrays included. */
  public static void skip(JsonParser p) throws IOException {
    p.skipChildren();
  }

  /** The current value as a string, or null for JSON null or any other type (which is skipped). */
  public static String stringOrNull(JsonParser p, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }

  /** An ISO-8601 timestamp such as {@code 2011-01-26T19:01:12Z}, or null if it does not parse. */
  public static Instant instantOrNull(String text) {
    if (text == null) {
      return null;
    }
    Instant fast = utcSecondsOrNull(text);
    if (fast != null) {
      return fast;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * GitHub's own form, {@code yyyy-MM-ddTHH:mm:ssZ}, read without a formatter: a list page holds 400 such
   * timestamps, and {@link OffsetDateTime#parse} was a quarter of the time spent reading one. Any other
   * form (offsets, fractions) or an out-of-range field answers null, and the caller falls back to the
   * general parser, which then decides.
   */
  private static Instant utcSecondsOrNull(String t) {
    if (t.length() != 20 || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T'
        || t.charAt(13) != ':' || t.charAt(16) != ':' || t.charAt(19) != 'Z') {
      return null;
    }
    int year = digits(t, 0, 4);
    int month = digits(t, 5, 2);
    int day = digits(t, 8, 2);
    int hour = digits(t, 11, 2);
    int minute = digits(t, 14, 2);
    int second = digits(t, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > monthLength(year, month)
        || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3_600L + minute * 60L + second);
  }

  private static int monthLength(int year, int month) {
    return java.time.YearMonth.of(year, month).lengthOfMonth();
  }

  /** The non-negative number written by {@code count} ASCII digits at {@code from}, or -1 if one is not a digit. */
  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** The exception for a token that is not the one expected: an EOF if the input ended. */
  static IOException eofOrUnexpected(JsonParser p, JsonToken token, String expected) {
    if (token == null) {
      return new EOFException("JSON input ended where " + expected + " was expected");
    }
    return new com.fasterxml.jackson.core.JsonParseException(p,
        "expected " + expected + " but found " + token);
  }
}
