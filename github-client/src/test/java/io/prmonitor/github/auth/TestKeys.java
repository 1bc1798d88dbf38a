package io.prmonitor.github.auth;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/** RSA key pairs generated at test time (no key is ever committed), and their PEM forms. */
public final class TestKeys {

  private static final KeyPair PAIR = generate();

  private TestKeys() {
  }

  public static KeyPair pair() {
    return PAIR;
  }

  /** The private key as PKCS#8 PEM ({@code BEGIN PRIVATE KEY}). */
  public static String pkcs8Pem(KeyPair pair) {
    return pem("PRIVATE KEY", pair.getPrivate().getEncoded());
  }

  /**
   * The private key as PKCS#1 PEM ({@code BEGIN RSA PRIVATE KEY}): the OCTET STRING inside the PKCS#8
   * encoding, which for a 2048-bit key starts after a fixed 26-byte prefix.
   */
  public static String pkcs1Pem(KeyPair pair) {
    byte[] pkcs8 = pair.getPrivate().getEncoded();
    return pem("RSA PRIVATE KEY", Arrays.copyOfRange(pkcs8, 26, pkcs8.length));
  }

  /** PEM armour of the given type around {@code der}, valid key or not (for tests of malformed input). */
  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
