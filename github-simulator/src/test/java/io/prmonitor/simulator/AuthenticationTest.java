package io.prmonitor.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tokens as "token X" or "Bearer X"; a bad or missing one answers 401 when tokens are configured. */
class AuthenticationTest {

  static GitHubSimulator sim;

  @BeforeAll
  static void start() {
    sim = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(3).tokens("good").start();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @Test
  void tokenScheme_isAccepted() {
    assertThat(Http.get(sim, "/repos/org-0/repo-0/pulls", "Authorization", "token good").statusCode()).isEqualTo(200);
  }

  @Test
  void bearerScheme_isAccepted() {
    assertThat(Http.get(sim, "/repos/org-0/repo-0/pulls", "Authorization", "Bearer good").statusCode()).isEqualTo(200);
  }

  @Test
  void badToken_answers401BadCredentialsUncharged() {
    HttpResponse<byte[]> response = Http.get(sim, "/repos/org-0/repo-0/pulls", "Authorization", "token bad");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(Http.json(response).get("message").asText()).isEqualTo("Bad credentials");
    assertThat(Http.header(response, "X-RateLimit-Remaining")).isNull();
  }

  @Test
  void missingToken_answers401() {
    assertThat(Http.get(sim, "/repos/org-0/repo-0/pulls").statusCode()).isEqualTo(401);
  }

  @Test
  void noTokensConfigured_acceptsAnyTokenAndNone() {
    try (GitHubSimulator open = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(1).start()) {
      assertThat(Http.get(open, "/repos/org-0/repo-0/pulls").statusCode()).isEqualTo(200);
      assertThat(Http.get(open, "/repos/org-0/repo-0/pulls", "Authorization", "token whatever").statusCode())
          .isEqualTo(200);
    }
  }
}
