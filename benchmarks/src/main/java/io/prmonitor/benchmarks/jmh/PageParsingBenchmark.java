package io.prmonitor.benchmarks.jmh;

import io.prmonitor.github.json.GitHubJson;
import io.prmonitor.github.json.PullRequestListReader;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.simulator.GzipMode;
import io.prmonitor.spi.RepositoryId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parsing one real page of the pull request list: 100 {@code pull-request-simple} items (~2 MB of JSON)
 * as the simulator serves them, read by github-client's {@link PullRequestListReader}, which keeps only
 * the tracked fields. {@code parse} reads the plain bytes; {@code gunzipAndParse} the gzip body as it comes
 * off the wire: one level-1 gzip stream of the whole page, as GitHub's frontends send and as the simulator
 * serves it in {@link GzipMode#CACHED_DEFLATE}. Time per page.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
@State(Scope.Benchmark)
public class PageParsingBenchmark {

  private final PullRequestListReader reader = new PullRequestListReader(
      new GitHubJson(GitHubJson.DEFAULT_MAX_NESTING_DEPTH));
  private byte[] plain;
  private byte[] gzip;

  /** Fetches page 1 of a 100-pull-request repository from a simulator, plain and gzip. */
  @Setup
  public void fetchPage() throws IOException, InterruptedException {
    try (GitHubSimulator simulator = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(100)
        .seed(42L).gzipMode(GzipMode.CACHED_DEFLATE).start(); HttpClient http = HttpClient.newHttpClient()) {
      RepositoryId repository = simulator.repositories().get(0);
      URI uri = URI.create(simulator.baseUrl() + "/repos/" + repository.fullName()
          + "/pulls?state=all&sort=updated&direction=desc&per_page=100");
      plain = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
      gzip = http.send(HttpRequest.newBuilder(uri).header("Accept-Encoding", "gzip").build(),
          HttpResponse.BodyHandlers.ofByteArray()).body();
    }
    int items = reader.read(new ByteArrayInputStream(plain)).pullRequests().size();
    if (items != 100) {
      throw new IllegalStateException("expected a page of 100 pull requests, read " + items);
    }
  }

  @Benchmark
  public PullRequestListReader.Page parse() throws IOException {
    return reader.read(new ByteArrayInputStream(plain));
  }

  @Benchmark
  public PullRequestListReader.Page gunzipAndParse() throws IOException {
    return reader.read(new GZIPInputStream(new ByteArrayInputStream(gzip), 16 * 1024));
  }
}
