package io.prmonitor.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * A growable byte buffer that writes JSON fragments as UTF-8, used to splice precomputed byte templates with
 * per-pull-request fields without building an object tree. Not thread-safe.
 */
final class ByteSink {

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private byte[] buf;
  private int size;
  /** Where templates were appended, so {@link SplicedGzip} can reuse their precompressed form. */
  private boolean tracking;
  private int[] templateOffsets = new int[0];
  private byte[][] templates = new byte[0][];
  private int templateCount;

  ByteSink(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  int size() {
    return size;
  }

  void reset() {
    size = 0;
    templateCount = 0;
    tracking = false;
  }

  /** Starts recording template positions (for a gzip response). */
  void trackTemplates() {
    tracking = true;
    templateCount = 0;
  }

  boolean tracking() {
    return tracking;
  }

  int templateCount() {
    return templateCount;
  }

  int templateOffset(int i) {
    return templateOffsets[i];
  }

  byte[] template(int i) {
    return templates[i];
  }

  /** Appends a shared, immutable template (a user, repository, label...), recording it when tracking. */
  ByteSink template(byte[] template) {
    if (tracking) {
      if (templateCount == templateOffsets.length) {
        int grown = Math.max(64, templateCount * 2);
        templateOffsets = Arrays.copyOf(templateOffsets, grown);
        templates = Arrays.copyOf(templates, grown);
      }
      templateOffsets[templateCount] = size;
      templates[templateCount++] = template;
    }
    return raw(template);
  }

  /** The backing array; valid up to {@link #size()} until the next write. */
  byte[] array() {
    return buf;
  }

  int capacity() {
    return buf.length;
  }

  /** An output stream appending to this sink (for compressors). */
  java.io.OutputStream asOutputStream() {
    return new java.io.OutputStream() {
      @Override
      public void write(int b) {
        ensure(1);
        buf[size++] = (byte) b;
      }

      @Override
      public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
      }
    };
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  private void ensure(int extra) {
    int needed = size + extra;
    if (needed > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(needed, buf.length * 2));
    }
  }

  ByteSink raw(byte[] bytes, int offset, int length) {
    ensure(length);
    System.arraycopy(bytes, offset, buf, size, length);
    size += length;
    return this;
  }

  ByteSink raw(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, size, bytes.length);
    size += bytes.length;
    return this;
  }

  /** Appends ASCII text verbatim; callers only pass literals and digits. */
  @SuppressWarnings("deprecation")
  ByteSink ascii(String s) {
    int n = s.length();
    ensure(n);
    // the deprecated getBytes copies the low bytes of each char in one intrinsic: exactly right for ASCII
    s.getBytes(0, n, buf, size);
    size += n;
    return this;
  }

  ByteSink ch(char c) {
    ensure(1);
    buf[size++] = (byte) c;
    return this;
  }

  ByteSink num(long value) {
    if (value < 0) {
      if (value == Long.MIN_VALUE) {
        return ascii(Long.toString(value));
      }
      ch('-');
      value = -value;
    }
    int width = 1;
    for (long v = value; v >= 10; v /= 10) {
      width++;
    }
    ensure(width);
    for (int i = size + width - 1; i >= size; i--) {
      buf[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    size += width;
    return this;
  }

  ByteSink bool(boolean value) {
    return raw(value ? TRUE : FALSE);
  }

  ByteSink nul() {
    return raw(NULL);
  }

  /** Appends a JSON string literal (quoted, escaped), or {@code null}. */
  ByteSink str(String s) {
    if (s == null) {
      return nul();
    }
    ensure(s.length() * 3 + 2);
    buf[size++] = '"';
    strContent(s);
    ensure(1);
    buf[size++] = '"';
    return this;
  }

  /** Appends the escaped content of a JSON string without the quotes. */
  ByteSink strContent(String s) {
    int n = s.length();
    ensure(n * 3);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c == '"' || c == '\\') {
          ensure(2);
          buf[size++] = '\\';
          buf[size++] = (byte) c;
        } else if (c < 0x20) {
          escapeControl(c);
        } else {
          ensure(1);
          buf[size++] = (byte) c;
        }
      } else if (c < 0x800) {
        ensure(2);
        buf[size++] = (byte) (0xC0 | (c >> 6));
        buf[size++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        ensure(4);
        buf[size++] = (byte) (0xF0 | (cp >> 18));
        buf[size++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        buf[size++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        buf[size++] = (byte) (0x80 | (cp & 0x3F));
      } else if (Character.isSurrogate(c)) {
        // a lone surrogate cannot be encoded in UTF-8; JSON allows the escape
        escapeUnicode(c);
      } else {
        ensure(3);
        buf[size++] = (byte) (0xE0 | (c >> 12));
        buf[size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        buf[size++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return this;
  }

  private void escapeControl(char c) {
    switch (c) {
      case '\n' -> ascii("\\n");
      case '\r' -> ascii("\\r");
      case '\t' -> ascii("\\t");
      case '\b' -> ascii("\\b");
      case '\f' -> ascii("\\f");
      default -> escapeUnicode(c);
    }
  }

  private void escapeUnicode(char c) {
    ensure(6);
    buf[size++] = '\\';
    buf[size++] = 'u';
    buf[size++] = HEX[(c >> 12) & 0xF];
    buf[size++] = HEX[(c >> 8) & 0xF];
    buf[size++] = HEX[(c >> 4) & 0xF];
    buf[size++] = HEX[c & 0xF];
  }

  /** Appends a GitHub timestamp ({@code "2011-01-26T19:01:12Z"}), or {@code null}. */
  ByteSink time(Instant instant) {
    if (instant == null) {
      return nul();
    }
    long epochSecond = instant.getEpochSecond();
    long day = Math.floorDiv(epochSecond, 86_400L);
    int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
    java.time.LocalDate date = java.time.LocalDate.ofEpochDay(day);
    ensure(22);
    buf[size++] = '"';
    digits(date.getYear(), 4);
    buf[size++] = '-';
    digits(date.getMonthValue(), 2);
    buf[size++] = '-';
    digits(date.getDayOfMonth(), 2);
    buf[size++] = 'T';
    digits(secondOfDay / 3600, 2);
    buf[size++] = ':';
    digits(secondOfDay / 60 % 60, 2);
    buf[size++] = ':';
    digits(secondOfDay % 60, 2);
    buf[size++] = 'Z';
    buf[size++] = '"';
    return this;
  }

  private void digits(int value, int width) {
    for (int i = width - 1; i >= 0; i--) {
      buf[size + i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    size += width;
  }

  static String timestamp(Instant instant) {
    return TIMESTAMP.format(instant);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
