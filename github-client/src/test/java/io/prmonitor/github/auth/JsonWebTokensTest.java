package io.prmonitor.github.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class JsonWebTokensTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final KeyPair pair = TestKeys.pair();
  private final Instant now = Instant.parse("2026-03-01T12:00:00Z");

  @Test
  void sign_hasGithubsHeaderAndClaims() throws Exception {
    String[] parts = JsonWebTokens.sign(4711, pair.getPrivate(), now).split("\\.");

    JsonNode header = MAPPER.readTree(Base64.getUrlDecoder().decode(parts[0]));
    JsonNode claims = MAPPER.readTree(Base64.getUrlDecoder().decode(parts[1]));
    assertThat(header.get("alg").asText()).isEqualTo("RS256");
    assertThat(header.get("typ").asText()).isEqualTo("JWT");
    assertThat(claims.get("iat").asLong()).isEqualTo(now.getEpochSecond() - 60);
    assertThat(claims.get("exp").asLong()).isEqualTo(now.getEpochSecond() + 540);
    assertThat(claims.get("iss").asLong()).isEqualTo(4711);
  }

  @Test
  void sign_signatureVerifiesWithThePublicKey() throws Exception {
    String jwt = JsonWebTokens.sign(4711, pair.getPrivate(), now);
    int lastDot = jwt.lastIndexOf('.');

    Signature verifier = Signature.getInstance("SHA256withRSA");
    verifier.initVerify(pair.getPublic());
    verifier.update(jwt.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII));

    assertThat(verifier.verify(Base64.getUrlDecoder().decode(jwt.substring(lastDot + 1)))).isTrue();
    assertThat(jwt).doesNotContain("=", "+", "/");
  }
}
