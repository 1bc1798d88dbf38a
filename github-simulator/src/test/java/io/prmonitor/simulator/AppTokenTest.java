package io.prmonitor.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.spi.testing.MutableClock;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POST /app/installations/{id}/access_tokens verifies the app's RS256 JWT and issues a usable token. */
class AppTokenTest {

  static final long APP_ID = 12345;
  static final long INSTALLATION = 777;
  final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T12:00:00Z"));
  KeyPair keys;
  @AutoClose
  GitHubSimulator sim;

  @BeforeEach
  void start() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    keys = generator.generateKeyPair();
    sim = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(2).tokens("static")
        .githubApp(APP_ID, keys.getPublic(), INSTALLATION).clock(clock).start();
  }

  static String jwt(PrivateKey key, long appId, Instant iat, Instant exp) throws GeneralSecurityException {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String claims = b64.encodeToString(("{\"iat\":" + iat.getEpochSecond() + ",\"exp\":" + exp.getEpochSecond()
        + ",\"iss\":\"" + appId + "\"}").getBytes(StandardCharsets.UTF_8));
    Signature signer = Signature.getInstance("SHA256withRSA");
    signer.initSign(key);
    signer.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
    return header + "." + claims + "." + b64.encodeToString(signer.sign());
  }

  private HttpResponse<byte[]> exchange(String jwt) {
    return Http.post(sim, "/app/installations/" + INSTALLATION + "/access_tokens", "", "Authorization",
        "Bearer " + jwt);
  }

  @Test
  void validJwt_returnsAnInstallationTokenThatIsAccepted() throws GeneralSecurityException {
    Instant now = clock.instant();
    HttpResponse<byte[]> response = exchange(jwt(keys.getPrivate(), APP_ID, now.minusSeconds(30),
        now.plus(Duration.ofMinutes(9))));

    assertThat(response.statusCode()).isEqualTo(201);
    String token = Http.json(response).get("token").asText();
    assertThat(Http.json(response).get("expires_at").asText()).isEqualTo("2026-05-01T13:00:00Z");
    assertThat(Http.get(sim, "/installation/repositories", "Authorization", "token " + token).statusCode())
        .isEqualTo(200);
  }

  @Test
  void installationToken_expiresAfterAnHour() throws GeneralSecurityException {
    Instant now = clock.instant();
    String token = Http.json(exchange(jwt(keys.getPrivate(), APP_ID, now, now.plusSeconds(60))))
        .get("token").asText();

    clock.advance(Duration.ofMinutes(61));

    assertThat(Http.get(sim, "/repos/org-0/repo-0/pulls", "Authorization", "token " + token).statusCode())
        .isEqualTo(401);
  }

  @Test
  void jwtSignedByAnotherKey_answers401() throws GeneralSecurityException {
    KeyPair other = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    Instant now = clock.instant();

    assertThat(exchange(jwt(other.getPrivate(), APP_ID, now, now.plusSeconds(60))).statusCode()).isEqualTo(401);
  }

  @Test
  void expiredJwt_answers401() throws GeneralSecurityException {
    Instant now = clock.instant();

    assertThat(exchange(jwt(keys.getPrivate(), APP_ID, now.minusSeconds(600), now.minusSeconds(1))).statusCode())
        .isEqualTo(401);
  }

  @Test
  void jwtOfAnotherApp_answers401() throws GeneralSecurityException {
    Instant now = clock.instant();

    assertThat(exchange(jwt(keys.getPrivate(), APP_ID + 1, now, now.plusSeconds(60))).statusCode()).isEqualTo(401);
  }

  @Test
  void unknownInstallation_answers404() throws GeneralSecurityException {
    Instant now = clock.instant();
    HttpResponse<byte[]> response = Http.post(sim, "/app/installations/1/access_tokens", "", "Authorization",
        "Bearer " + jwt(keys.getPrivate(), APP_ID, now, now.plusSeconds(60)));

    assertThat(response.statusCode()).isEqualTo(404);
  }
}
