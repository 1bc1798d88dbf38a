package io.prmonitor.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** Accept-Encoding: gzip is honoured; other clients get identity. */
class GzipTest {

  @Test
  void acceptEncodingGzip_answersGzippedBodyOfTheSameJson() throws IOException {
    try (GitHubSimulator sim = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(40).start()) {
      String path = "/repos/org-0/repo-0/pulls?state=all";
      HttpResponse<byte[]> plain = Http.get(sim, path);
      HttpResponse<byte[]> zipped = Http.get(sim, path, "Accept-Encoding", "gzip");

      assertThat(Http.header(zipped, "Content-Encoding")).isEqualTo("gzip");
      assertThat(Http.header(plain, "Content-Encoding")).isNull();
      byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(zipped.body())).readAllBytes();
      assertThat(unzipped).isEqualTo(plain.body());
      assertThat(zipped.body().length).isLessThan(plain.body().length / 2);
    }
  }

  @Test
  void cachedPage_isServedGzippedIdentically() throws IOException {
    try (GitHubSimulator sim = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(40).start()) {
      String path = "/repos/org-0/repo-0/pulls?state=all";
      byte[] plain = Http.get(sim, path).body();
      for (int i = 0; i < 3; i++) {
        HttpResponse<byte[]> zipped = Http.get(sim, path, "Accept-Encoding", "gzip");

        assertThat(new GZIPInputStream(new ByteArrayInputStream(zipped.body())).readAllBytes()).isEqualTo(plain);
      }
    }
  }

  @Test
  void singlePullRequest_isGzippedToo() throws IOException {
    try (GitHubSimulator sim = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(3).start()) {
      HttpResponse<byte[]> zipped = Http.get(sim, "/repos/org-0/repo-0/pulls/2", "Accept-Encoding", "gzip");

      byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(zipped.body())).readAllBytes();
      assertThat(Http.JSON.readTree(unzipped).get("number").asInt()).isEqualTo(2);
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(GzipMode.class)
  void everyMode_decodesToTheSameJson(GzipMode mode) throws IOException {
    try (GitHubSimulator sim = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(30)
        .gzipMode(mode).start()) {
      String path = "/repos/org-0/repo-0/pulls?state=all";
      byte[] plain = Http.get(sim, path).body();
      HttpResponse<byte[]> zipped = Http.get(sim, path, "Accept-Encoding", "gzip");

      assertThat(new GZIPInputStream(new ByteArrayInputStream(zipped.body())).readAllBytes()).isEqualTo(plain);
      if (mode == GzipMode.DEFLATE) {
        assertThat(zipped.body().length).isLessThan(plain.length / 5);
      }
    }
  }

  @Test
  void cachedDeflate_reflectsMutationsAndCompressesLikeGitHub() throws IOException {
    try (GitHubSimulator sim = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(30)
        .gzipMode(GzipMode.CACHED_DEFLATE).start()) {
      String path = "/repos/org-0/repo-0/pulls?state=all&sort=updated&direction=desc";
      sim.editTitle(sim.repositories().get(0), 7, "after the prewarm");
      byte[] plain = Http.get(sim, path).body();
      HttpResponse<byte[]> zipped = Http.get(sim, path, "Accept-Encoding", "gzip");

      byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(zipped.body())).readAllBytes();
      assertThat(unzipped).isEqualTo(plain);
      assertThat(Http.JSON.readTree(unzipped).get(0).get("title").asText()).isEqualTo("after the prewarm");
      assertThat(zipped.body().length).isLessThan(plain.length / 4);
    }
  }
}
