package io.prmonitor.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.net.URI;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each fault kind, scheduled for the next request, then a clean answer. */
class FaultTest {

  @AutoClose
  GitHubSimulator sim;
  String path;

  @BeforeEach
  void start() {
    sim = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(60).start();
    path = "/repos/org-0/repo-0/pulls?state=all&per_page=50";
  }

  private HttpResponse<byte[]> fetch() throws IOException, InterruptedException {
    return Http.client().send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void serverError_answers500ThenRecovers() throws Exception {
    sim.faults().failNext(Fault.SERVER_ERROR, 1);

    assertThat(fetch().statusCode()).isEqualTo(500);
    assertThat(fetch().statusCode()).isEqualTo(200);
  }

  @Test
  void badGateway_answers502WithHtml() throws Exception {
    sim.faults().failNext(Fault.BAD_GATEWAY, 1);

    HttpResponse<byte[]> response = fetch();

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(Http.header(response, "Content-Type")).startsWith("text/html");
  }

  @Test
  void serviceUnavailable_answers503() throws Exception {
    sim.faults().failNext(Fault.SERVICE_UNAVAILABLE, 1);

    assertThat(fetch().statusCode()).isEqualTo(503);
  }

  @Test
  void connectionReset_closesTheConnectionWithoutAnyResponseByte() throws Exception {
    sim.faults().failNext(Fault.CONNECTION_RESET, 1);
    // a raw socket: the JDK client would silently retry a GET that got no bytes at all
    try (Socket socket = new Socket(sim.baseUrl().getHost(), sim.baseUrl().getPort())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));

      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(fetch().statusCode()).isEqualTo(200);
    assertThat(sim.stats().requests("GET /repos/{owner}/{repo}/pulls", 0)).isEqualTo(1);
  }

  @Test
  void truncatedBody_endsBeforeContentLength() throws Exception {
    sim.faults().failNext(Fault.TRUNCATED_BODY, 1);

    assertThatThrownBy(this::fetch).isInstanceOf(IOException.class);
    assertThat(Http.json(fetch())).hasSize(50);
  }

  @Test
  void malformedJson_isCompleteButUnparseable() throws Exception {
    sim.faults().failNext(Fault.MALFORMED_JSON, 1);

    HttpResponse<byte[]> response = fetch();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).hasSize(Integer.parseInt(Http.header(response, "Content-Length")));
    assertThatThrownBy(() -> Http.JSON.readTree(response.body())).isInstanceOf(JsonProcessingException.class);
  }

  @Test
  void stall_holdsTheResponsePastTheClientsTimeout() {
    sim.faults().stallDuration(Duration.ofSeconds(20)).failNext(Fault.STALL, 1);

    assertThatThrownBy(() -> Http.client().send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
        .timeout(Duration.ofMillis(300)).build(), HttpResponse.BodyHandlers.ofByteArray()))
        .isInstanceOf(HttpTimeoutException.class);
  }

  @Test
  void secondaryLimitFault_answers403WithRetryAfter() throws Exception {
    sim.faults().failNext(Fault.SECONDARY_LIMIT, 1);

    HttpResponse<byte[]> response = fetch();

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(Http.header(response, "Retry-After")).isEqualTo("60");
  }

  @Test
  void rates_areSeededAndHitAboutTheirShare() throws Exception {
    sim.faults().serverErrorRate(0.3);
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      statuses.add(fetch().statusCode());
    }

    long errors = statuses.stream().filter(s -> s >= 500).count();
    assertThat(errors).isBetween(8L, 32L);
    assertThat(statuses).containsAnyOf(500, 502, 503).contains(200);
  }

  @Test
  void clear_removesRatesAndSchedules() throws Exception {
    sim.faults().serverErrorRate(1.0).failNext(Fault.CONNECTION_RESET, 3).clear();

    assertThat(fetch().statusCode()).isEqualTo(200);
  }

  @Test
  void rateLimitEndpoint_isNeverFaulted() throws Exception {
    sim.faults().serverErrorRate(1.0);

    assertThat(Http.get(sim, "/rate_limit").statusCode()).isEqualTo(200);
  }

  @Test
  void badProbability_isRejectedNamingTheValue() {
    assertThatThrownBy(() -> sim.faults().truncatedBodyRate(1.5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.5");
  }
}
