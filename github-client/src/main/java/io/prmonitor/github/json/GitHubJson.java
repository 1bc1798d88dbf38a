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
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
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
