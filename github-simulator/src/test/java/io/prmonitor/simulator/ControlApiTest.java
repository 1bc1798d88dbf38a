package io.prmonitor.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.prmonitor.spi.RepositoryId;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The /_sim control API drives a simulator over HTTP, as a load test in another process would. */
class ControlApiTest {

  @AutoClose
  GitHubSimulator sim;
  RepositoryId repo;

  @BeforeEach
  void start() {
    sim = GitHubSimulator.builder().repositories(2).pullRequestsPerRepository(10).tokens("t").start();
    repo = sim.repositories().get(0);
  }

  @Test
  void webhooks_registeredOverHttp_sendAMutationAndCountIt() throws Exception {
    java.util.concurrent.BlockingQueue<String> events = new java.util.concurrent.LinkedBlockingQueue<>();
    com.sun.net.httpserver.HttpServer hook = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    hook.createContext("/hook", exchange -> {
      events.add(exchange.getRequestHeaders().getFirst("X-GitHub-Event"));
      exchange.sendResponseHeaders(202, -1);
      exchange.close();
    });
    hook.start();
    try {
      Http.post(sim, "/_sim/webhooks", "{\"url\":\"http://127.0.0.1:" + hook.getAddress().getPort()
          + "/hook\",\"secret\":\"control-api-secret\",\"concurrency\":2,\"dropRate\":0}");
      Http.post(sim, "/_sim/mutate", "{\"op\":\"pushCommits\",\"repo\":\"" + repo.fullName() + "\",\"number\":2}");

      assertThat(events.poll(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("pull_request");
      JsonNode stats = Http.json(Http.get(sim, "/_sim/webhooks"));
      assertThat(stats.get("created").asLong()).isEqualTo(1);
      assertThat(Http.json(Http.post(sim, "/_sim/webhooks/redeliver", "{\"dropped\":true}")).get("redelivered")
          .asInt()).isZero();
    } finally {
      hook.stop(0);
    }
  }

  @Test
  void mutate_appliesAMutationAndOpenReturnsTheNumber() {
    HttpResponse<byte[]> opened = Http.post(sim, "/_sim/mutate",
        "{\"op\":\"openPullRequest\",\"repo\":\"" + repo.fullName() + "\"}");
    int n = Http.json(opened).get("number").asInt();
    Http.post(sim, "/_sim/mutate", "{\"op\":\"editTitle\",\"repo\":\"" + repo.fullName() + "\",\"number\":" + n
        + ",\"value\":\"over http\"}");

    assertThat(n).isEqualTo(11);
    assertThat(sim.truth(repo).get(n - 1).title()).isEqualTo("over http");
  }

  @Test
  void mutate_illegalTransition_answers400WithTheReason() {
    int closed = sim.openPullRequest(repo);
    sim.close(repo, closed);

    HttpResponse<byte[]> response = Http.post(sim, "/_sim/mutate", "{\"op\":\"close\",\"repo\":\""
        + repo.fullName() + "\",\"number\":" + closed + "}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Http.json(response).get("message").asText()).contains("cannot close");
  }

  @Test
  void truth_isServedAsJson() {
    JsonNode truth = Http.json(Http.get(sim, "/_sim/truth/" + repo.fullName()));

    assertThat(truth).hasSize(10);
    assertThat(truth.get(0).get("number").asInt()).isEqualTo(1);
    assertThat(truth.get(0).get("updatedAt").asText()).isEqualTo(sim.truth(repo).get(0).updatedAt().toString());
  }

  @Test
  void statsAndReset_reportAndZeroTheCounters() {
    Http.get(sim, "/repos/" + repo.fullName() + "/pulls", "Authorization", "token t");

    JsonNode stats = Http.json(Http.get(sim, "/_sim/stats"));
    Http.post(sim, "/_sim/reset-stats", "");

    assertThat(stats.get("requests").asInt()).isEqualTo(1);
    assertThat(stats.get("byEndpoint").get("GET /repos/{owner}/{repo}/pulls 200").asInt()).isEqualTo(1);
    assertThat(sim.stats().requests()).isZero();
  }

  @Test
  void faults_configuresTheNextRequests() {
    Http.post(sim, "/_sim/faults", "{\"clear\":true,\"secondaryLimitBurst\":1}");

    assertThat(Http.get(sim, "/repos/" + repo.fullName() + "/pulls", "Authorization", "token t").statusCode())
        .isEqualTo(403);
    assertThat(Http.get(sim, "/repos/" + repo.fullName() + "/pulls", "Authorization", "token t").statusCode())
        .isEqualTo(200);
  }

  @Test
  void faults_failNextSchedulesAnyKind() {
    Http.post(sim, "/_sim/faults", "{\"failNext\":{\"kind\":\"SERVICE_UNAVAILABLE\",\"count\":2}}");

    assertThat(Http.get(sim, "/repos/" + repo.fullName() + "/pulls", "Authorization", "token t").statusCode())
        .isEqualTo(503);
    assertThat(Http.get(sim, "/repos/" + repo.fullName() + "/pulls", "Authorization", "token t").statusCode())
        .isEqualTo(503);
  }

  @Test
  void remaining_setsATokensBudget() {
    Http.post(sim, "/_sim/remaining", "{\"token\":\"t\",\"remaining\":0}");

    assertThat(Http.get(sim, "/repos/" + repo.fullName() + "/pulls", "Authorization", "token t").statusCode())
        .isEqualTo(403);
  }

  @Test
  void controlRequests_areNotCountedAsApiRequests() {
    Http.get(sim, "/_sim/repositories");

    assertThat(sim.stats().requests()).isZero();
  }
}
