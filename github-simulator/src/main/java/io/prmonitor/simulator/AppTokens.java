package io.prmonitor.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The GitHub App side of authentication: verifies the RS256 JWT an app signs with its private key and issues
 * installation tokens valid for an hour (by the injected clock), as {@code POST
 * /app/installations/{id}/access_tokens} does. Thread-safe.
 */
final class AppTokens {

  /** GitHub refuses app JWTs that live longer than ten minutes. */
  static final Duration MAX_JWT_LIFETIME = Duration.ofMinutes(10);
  static final Duration TOKEN_LIFETIME = Duration.ofHours(1);
  /** GitHub tolerates this much clock drift on {@code iat}. */
  private static final Duration CLOCK_DRIFT = Duration.ofSeconds(60);

  /** Why a JWT was refused; the message is GitHub's. */
  static final class RejectedJwtException extends Exception {
    RejectedJwtException(String message) {
      super(message);
    }
  }

  private final ObjectMapper mapper = new ObjectMapper();
  private final long appId;
  private final PublicKey key;
  private final long installationId;
  private final Clock clock;
  private final Map<String, Instant> issued = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();

  AppTokens(long appId, PublicKey key, long installationId, Clock clock) {
    this.appId = appId;
    this.key = key;
    this.installationId = installationId;
    this.clock = clock;
  }

  long installationId() {
    return installationId;
  }

  /** Verifies {@code jwt} and returns a new installation token with its expiry. */
  Map.Entry<String, Instant> exchange(String jwt) throws RejectedJwtException {
    verify(jwt);
    StringBuilder token = new StringBuilder("ghs_");
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (int i = 0; i < 36; i++) {
      token.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    Instant expires = clock.instant().truncatedTo(ChronoUnit.SECONDS).plus(TOKEN_LIFETIME);
    issued.put(token.toString(), expires);
    return Map.entry(token.toString(), expires);
  }

  /** Whether {@code token} is an installation token issued here and not yet expired. */
  boolean accepts(String token) {
    Instant expires = issued.get(token);
    return expires != null && clock.instant().isBefore(expires);
  }

  private void verify(String jwt) throws RejectedJwtException {
    String[] parts = jwt.split("\\.", -1);
    if (parts.length != 3) {
      throw new RejectedJwtException("A JSON web token could not be decoded");
    }
    JsonNode header;
    JsonNode claims;
    byte[] signature;
    try {
      Base64.Decoder decoder = Base64.getUrlDecoder();
      header = mapper.readTree(decoder.decode(parts[0]));
      claims = mapper.readTree(decoder.decode(parts[1]));
      signature = decoder.decode(parts[2]);
    } catch (Exception e) {
      throw new RejectedJwtException("A JSON web token could not be decoded");
    }
    if (!"RS256".equals(header.path("alg").asText())) {
      throw new RejectedJwtException("A JSON web token could not be decoded");
    }
    try {
      Signature verifier = Signature.getInstance("SHA256withRSA");
      verifier.initVerify(key);
      verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!verifier.verify(signature)) {
        throw new RejectedJwtException("A JSON web token could not be decoded");
      }
    } catch (GeneralSecurityException e) {
      throw new RejectedJwtException("A JSON web token could not be decoded");
    }
    JsonNode iss = claims.get("iss");
    if (iss == null || !iss.asText().equals(Long.toString(appId))) {
      throw new RejectedJwtException("'Issuer' claim ('iss') must be an Integer");
    }
    Instant now = clock.instant();
    if (!claims.hasNonNull("exp") || !claims.hasNonNull("iat")) {
      throw new RejectedJwtException("Missing 'issued at' or 'expiration time' claim ('iat', 'exp')");
    }
    Instant iat = Instant.ofEpochSecond(claims.get("iat").asLong());
    Instant exp = Instant.ofEpochSecond(claims.get("exp").asLong());
    if (!exp.isAfter(now)) {
      throw new RejectedJwtException("'Expiration time' claim ('exp') must be a numeric value representing the"
          + " future time at which the assertion expires");
    }
    if (iat.isAfter(now.plus(CLOCK_DRIFT))) {
      throw new RejectedJwtException("'Issued at' claim ('iat') must be an Integer representing the time that"
          + " the assertion was issued");
    }
    if (Duration.between(iat, exp).compareTo(MAX_JWT_LIFETIME) > 0) {
      throw new RejectedJwtException("Expiration time' claim ('exp') is too far in the future");
    }
  }
}
