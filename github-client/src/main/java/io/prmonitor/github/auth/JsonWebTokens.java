package io.prmonitor.github.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * Signs the JSON Web Tokens a GitHub App authenticates with: RS256, header
 * {@code {"alg":"RS256","typ":"JWT"}}, claims {@code iat} = now - 60 s (clock drift), {@code exp} = now
 * + 9 min (GitHub allows at most 10) and {@code iss} = the app id. Stateless.
 */
public final class JsonWebTokens {

  /** How far {@code iat} is backdated against clock drift. */
  public static final Duration ISSUED_BACKDATE = Duration.ofSeconds(60);
  /** How long a token is valid. */
  public static final Duration LIFETIME = Duration.ofMinutes(9);

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final String HEADER = BASE64URL.encodeToString(
      "{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

  private JsonWebTokens() {
  }

  /**
   * A signed token for {@code appId}, issued at {@code now}.
   *
   * @throws IllegalStateException if the JDK cannot sign with SHA256withRSA and this key
   */
  public static String sign(long appId, PrivateKey key, Instant now) {
    Objects.requireNonNull(key, "null key");
    Objects.requireNonNull(now, "null now");
    long iat = now.minus(ISSUED_BACKDATE).getEpochSecond();
    long exp = now.plus(LIFETIME).getEpochSecond();
    String claims = "{\"iat\":" + iat + ",\"exp\":" + exp + ",\"iss\":" + appId + "}";
    String signingInput = HEADER + '.' + BASE64URL.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    try {
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initSign(key);
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + '.' + BASE64URL.encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a GitHub App JWT with SHA256withRSA: "
          + e.getClass().getSimpleName(), e);
    }
  }
}
