package io.prmonitor.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.prmonitor.spi.RepositoryId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link GzipMode#CACHED_DEFLATE} serves the pages of the initial world in the default listing as one
 * whole-page gzip stream compressed at start-up, and everything else as before.
 */
class PrecompressedPageTest {

  private static final String DEFAULT_LISTING = "/pulls?state=all&sort=updated&direction=desc&per_page=100";
  private static final Pattern NEXT = Pattern.compile("<([^>]+)>; rel=\"next\"");

  @AutoClose
  GitHubSimulator sim;
  RepositoryId repo;

  @BeforeEach
  void start() {
    sim = world(GitHubSimulator.builder());
    repo = sim.repositories().get(1);
  }

  private static GitHubSimulator world(GitHubSimulator.Builder builder) {
    // 250 pull requests: two full pages and a last page of 50
    return builder.repositories(2).pullRequestsPerRepository(250).gzipMode(GzipMode.CACHED_DEFLATE).tokens("t")
        .start();
  }

  @Test
  void everyPageOfTheDefaultListing_isOneWholeLevel1GzipStreamOfTheSameJson() {
    List<String> urls = defaultListing(sim, repo);
    sim.resetStats();

    for (String url : urls) {
      HttpResponse<byte[]> zipped = Http.getUrl(url, "Authorization", "token t", "Accept-Encoding", "gzip");
      HttpResponse<byte[]> plain = Http.getUrl(url, "Authorization", "token t");

      assertThat(zipped.statusCode()).isEqualTo(200);
      assertThat(Http.header(zipped, "Content-Encoding")).isEqualTo("gzip");
      assertThat(Http.header(plain, "Content-Encoding")).isNull();
      assertThat(inflate(zipped.body())).as(url).isEqualTo(plain.body());
      assertThat(zipped.body()).as("one level-1 gzip stream of the whole page: " + url)
          .isEqualTo(PageCache.gzip(plain.body()));
      assertThat(Http.header(zipped, "ETag")).isEqualTo(Http.header(plain, "ETag"));
      assertThat(Http.header(zipped, "Link")).isEqualTo(Http.header(plain, "Link"));
      assertThat(Integer.parseInt(Http.header(plain, "X-RateLimit-Remaining")))
          .isEqualTo(Integer.parseInt(Http.header(zipped, "X-RateLimit-Remaining")) - 1);
    }
    assertThat(urls).hasSize(3);
    assertThat(Http.json(Http.getUrl(urls.get(2), "Authorization", "token t"))).hasSize(50);
    assertThat(sim.stats().charged()).isEqualTo(2L * urls.size() + 1);
  }

  @Test
  void mutatedPage_isSplicedFromItsItems_withTheNewContent_whileUnchangedPagesStayWhole() {
    List<String> urls = defaultListing(sim, repo);
    HttpResponse<byte[]> before = gzipGet(urls.get(0));
    int top = json(inflate(before.body())).get(0).get("number").asInt();

    // the most recently updated pull request stays on top: page 1 changes, pages 2 and 3 keep their items
    sim.editTitle(repo, top, "changed after the prewarm");
    HttpResponse<byte[]> zipped = gzipGet(urls.get(0));
    byte[] plain = Http.getUrl(urls.get(0), "Authorization", "token t").body();

    assertThat(Http.header(zipped, "ETag")).isNotEqualTo(Http.header(before, "ETag"));
    assertThat(inflate(zipped.body())).isEqualTo(plain);
    assertThat(json(plain).get(0).get("title").asText()).isEqualTo("changed after the prewarm");
    assertThat(zipped.body()).as("spliced from per-item deflate blocks").isNotEqualTo(PageCache.gzip(plain));
    for (String unchanged : urls.subList(1, urls.size())) {
      HttpResponse<byte[]> page = gzipGet(unchanged);
      assertThat(page.body()).isEqualTo(PageCache.gzip(Http.getUrl(unchanged, "Authorization", "token t").body()));
    }
  }

  @Test
  void conditionalRequestForAPrecompressedPage_answers304WithoutBodyAndCostsNothing() {
    String url = defaultListing(sim, repo).get(1);
    String etag = Http.header(gzipGet(url), "ETag");
    sim.resetStats();

    HttpResponse<byte[]> response = Http.getUrl(url, "Authorization", "token t", "Accept-Encoding", "gzip",
        "If-None-Match", etag);

    assertThat(response.statusCode()).isEqualTo(304);
    assertThat(response.body()).isEmpty();
    assertThat(Http.header(response, "ETag")).isEqualTo(etag);
    assertThat(sim.stats().notModified()).isEqualTo(1);
    assertThat(sim.stats().charged()).isZero();
  }

  @Test
  void otherPageSize_isServedCorrectly() {
    String base = sim.baseUrl() + "/repos/" + repo.fullName();
    String thirty = base + "/pulls?state=all&sort=updated&direction=desc&per_page=30&page=2";

    HttpResponse<byte[]> zipped = gzipGet(thirty);
    byte[] plain = Http.getUrl(thirty, "Authorization", "token t").body();

    assertThat(inflate(zipped.body())).isEqualTo(plain);
    JsonNode hundred = json(Http.getUrl(base + DEFAULT_LISTING, "Authorization", "token t").body());
    List<JsonNode> expected = new ArrayList<>();
    for (int i = 30; i < 60; i++) {
      expected.add(hundred.get(i));
    }
    assertThat(json(plain)).containsExactlyElementsOf(expected);
    assertThat(Http.header(zipped, "Link")).contains("per_page=30&page=3>; rel=\"next\"");
  }

  @Test
  void clientWithoutGzip_getsPlainJson() {
    HttpResponse<byte[]> plain = Http.getUrl(defaultListing(sim, repo).get(0), "Authorization", "token t");

    assertThat(Http.header(plain, "Content-Encoding")).isNull();
    assertThat(json(plain.body())).hasSize(100);
  }

  @Test
  void latency_isChargedOnTheJsonLength() {
    try (GitHubSimulator slow = world(GitHubSimulator.builder()
        .latency(Latency.of(Duration.ZERO, Duration.ofNanos(50_000), Duration.ZERO)))) {
      String url = defaultListing(slow, slow.repositories().get(0)).get(0);

      long started = System.nanoTime();
      HttpResponse<byte[]> zipped = gzipGet(url);
      long elapsedMicros = (System.nanoTime() - started) / 1_000;

      byte[] json = inflate(zipped.body());
      assertThat(zipped.body()).as("precompressed").isEqualTo(PageCache.gzip(json));
      assertThat(elapsedMicros).isGreaterThanOrEqualTo(json.length / 1024 * 50L);
    }
  }

  @Test
  void malformedJsonFault_damagesAPrecompressedPageToo() {
    String url = defaultListing(sim, repo).get(0);
    sim.faults().failNext(Fault.MALFORMED_JSON, 1);

    byte[] damaged = inflate(gzipGet(url).body());

    assertThatThrownBy(() -> Http.JSON.readTree(damaged)).isInstanceOf(JsonProcessingException.class);
    assertThat(json(inflate(gzipGet(url).body()))).hasSize(100);
  }

  @Test
  void pagesPastTheBound_areSplicedAndStillCorrect() {
    try (GitHubSimulator bounded = world(GitHubSimulator.builder().precompressedPageBytes(1))) {
      for (String url : defaultListing(bounded, bounded.repositories().get(0))) {
        byte[] zipped = gzipGet(url).body();
        byte[] plain = Http.getUrl(url, "Authorization", "token t").body();

        assertThat(inflate(zipped)).isEqualTo(plain);
        assertThat(zipped).isNotEqualTo(PageCache.gzip(plain));
      }
    }
  }

  @Test
  void negativeBound_isRejectedNamingIt() {
    assertThatThrownBy(() -> GitHubSimulator.builder().precompressedPageBytes(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("precompressedPageBytes")
        .hasMessageContaining("-1");
  }

  /** The page URLs of the default listing, following the Link headers the simulator emits. */
  private static List<String> defaultListing(GitHubSimulator sim, RepositoryId repository) {
    List<String> urls = new ArrayList<>();
    String url = sim.baseUrl() + "/repos/" + repository.fullName() + DEFAULT_LISTING;
    while (url != null) {
      urls.add(url);
      String link = Http.header(Http.getUrl(url, "Authorization", "token t"), "Link");
      Matcher next = link == null ? null : NEXT.matcher(link);
      url = next != null && next.find() ? next.group(1) : null;
    }
    return urls;
  }

  private static HttpResponse<byte[]> gzipGet(String url) {
    HttpResponse<byte[]> response = Http.getUrl(url, "Authorization", "token t", "Accept-Encoding", "gzip");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Http.header(response, "Content-Encoding")).isEqualTo("gzip");
    return response;
  }

  private static byte[] inflate(byte[] gzip) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode json(byte[] body) {
    try {
      return Http.JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
