package io.prmonitor.simulator;

/**
 * Computes weak ETags ({@code W/"<64 hex digits>"}, GitHub's shape) from the identity of what a response
 * contains, so a page's ETag is known without serializing it. Not thread-safe; one per response.
 */
final class Etag {

  private long a = 0x9E3779B97F4A7C15L;
  private long b = 0xC2B2AE3D27D4EB4FL;
  private long c = 0x165667B19E3779F9L;
  private long d = 0x27D4EB2F165667C5L;

  Etag add(long value) {
    a = mix(a ^ value);
    b = mix(b + value * 0x94D049BB133111EBL);
    c = mix(c ^ Long.rotateLeft(value, 17));
    d = mix(d - value);
    return this;
  }

  Etag add(String value) {
    add(value.length());
    for (int i = 0; i < value.length(); i++) {
      add(value.charAt(i));
    }
    return this;
  }

  Etag add(byte[] value) {
    add(value.length);
    long word = 0;
    for (int i = 0; i < value.length; i++) {
      word = (word << 8) | (value[i] & 0xFF);
      if ((i & 7) == 7) {
        add(word);
        word = 0;
      }
    }
    return add(word);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  String weak() {
    return "W/\"" + hex(a) + hex(b) + hex(c) + hex(d) + "\"";
  }

  private static String hex(long v) {
    String s = Long.toHexString(v);
    return "0".repeat(16 - s.length()) + s;
  }

  /**
   * Whether an {@code If-None-Match} header value matches {@code etag}, comparing weakly as RFC 9110
   * requires for {@code If-None-Match}: {@code W/"x"} and {@code "x"} match, {@code *} matches anything.
   */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null || etag == null) {
      return false;
    }
    String opaque = opaque(etag);
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.trim();
      if (c.equals("*") || opaque(c).equals(opaque)) {
        return true;
      }
    }
    return false;
  }

  private static String opaque(String tag) {
    return tag.startsWith("W/") ? tag.substring(2) : tag;
  }
}
