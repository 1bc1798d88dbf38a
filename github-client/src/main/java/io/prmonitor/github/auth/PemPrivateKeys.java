package io.prmonitor.github.auth;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Objects;

/**
 * Reads RSA private keys from PEM text: PKCS#8 ({@code BEGIN PRIVATE KEY}), as GitHub's tooling
 * converts to, and PKCS#1 ({@code BEGIN RSA PRIVATE KEY}), the format GitHub hands out app keys in.
 * Error messages never contain key material. Stateless.
 */
public final class PemPrivateKeys {

  private static final String PKCS8 = "PRIVATE KEY";
  private static final String PKCS1 = "RSA PRIVATE KEY";
  /** DER of AlgorithmIdentifier { rsaEncryption, NULL }. */
  private static final byte[] RSA_ALGORITHM = {
      0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

  private PemPrivateKeys() {
  }

  /**
   * Parses an RSA private key.
   *
   * @throws IllegalArgumentException if the text holds no readable RSA private key (the message names
   *     the problem, never the key)
   */
  public static RSAPrivateKey parse(String pem) {
    Objects.requireNonNull(pem, "null pem");
    boolean pkcs1 = pem.contains("-----BEGIN " + PKCS1 + "-----");
    String type = pkcs1 ? PKCS1 : PKCS8;
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = pem.indexOf(begin);
    int to = pem.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException(
          "private key is not PEM: expected a 'BEGIN " + PKCS8 + "' (PKCS#8) or 'BEGIN " + PKCS1
              + "' (PKCS#1) block");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("private key PEM has invalid base64 content");
    }
    try {
      byte[] pkcs8 = pkcs1 ? wrapPkcs1(der) : der;
      return (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException("private key PEM is not a valid RSA " + (pkcs1 ? "PKCS#1" : "PKCS#8")
          + " key: " + e.getClass().getSimpleName());
    }
  }

  /** PrivateKeyInfo { version 0, rsaEncryption, OCTET STRING { pkcs1 } }. */
  private static byte[] wrapPkcs1(byte[] pkcs1) {
    ByteArrayOutputStream body = new ByteArrayOutputStream(pkcs1.length + 32);
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(RSA_ALGORITHM);
    body.write(0x04);
    body.writeBytes(derLength(pkcs1.length));
    body.writeBytes(pkcs1);
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.size() + 8);
    out.write(0x30);
    out.writeBytes(derLength(body.size()));
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  private static byte[] derLength(int length) {
    if (length < 0x80) {
      return new byte[] {(byte) length};
    }
    if (length < 0x100) {
      return new byte[] {(byte) 0x81, (byte) length};
    }
    if (length < 0x10000) {
      return new byte[] {(byte) 0x82, (byte) (length >> 8), (byte) length};
    }
    return new byte[] {(byte) 0x83, (byte) (length >> 16), (byte) (length >> 8), (byte) length};
  }
}
