package io.prmonitor.core.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies GitHub's {@code X-Hub-Signature-256} header ({@code sha256=} and the lowercase hex HMAC-SHA256 of
 * the raw body under the webhook's secret) against one or more secrets, so that a secret can be rotated
 * without refusing deliveries signed with the other one.
 *
 * <p>The expected and the received digests are compared with {@link MessageDigest#isEqual}, whose time does
 * not depend on where they differ; every secret is tried, whether an earlier one matched or not. The keys
 * never leave this object, and {@link #toString()} tells only how many there are. Thread-safe.
 */
final class Signatures {

  static final String PREFIX = "sha256=";
  private static final HexFormat HEX = HexFormat.of();

  private final List<SecretKeySpec> keys;

  Signatures(List<String> secrets) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("at least one secret is required");
    }
    this.keys = secrets.stream()
        .map(secret -> new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"))
        .toList();
  }

  /** Whether the header is a well-formed signature of the body under one of the secrets. */
  boolean verify(String header, byte[] body, int length) {
    if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
        || header.length() != PREFIX.length() + 64) {
      return false;
    }
    byte[] received;
    try {
      received = HEX.parseHex(header, PREFIX.length(), header.length());
    } catch (IllegalArgumentException e) {
      return false;
    }
    boolean matched = false;
    for (SecretKeySpec key : keys) {
      matched |= MessageDigest.isEqual(hmac(key, body, length), received);
    }
    return matched;
  }

  /** The header value GitHub would send for this body under this secret; for tests and the simulator. */
  static String sign(String secret, byte[] body) {
    return PREFIX + HEX.formatHex(hmac(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"),
        body, body.length));
  }

  private static byte[] hmac(SecretKeySpec key, byte[] body, int length) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(body, 0, length);
      return mac.doFinal();
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      // every JDK has HmacSHA256, and any byte string is a valid HMAC key
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "Signatures[" + keys.size() + " secrets, masked]";
  }
}
