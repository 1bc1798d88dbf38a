package io.prmonitor.simulator;

import io.prmonitor.spi.RepositoryId;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures how fast the simulator serves a world: every list page of every repository fetched by a pool of
 * concurrent clients, first with an empty page cache (serialization) and then again (cache hits), plain and
 * gzip. Not a test; run with {@code java -cp ... io.prmonitor.simulator.ServingBenchmark [repos] [prs] [clients]
 * [gzipMode]}.
 */
public final class ServingBenchmark {

  private ServingBenchmark() {}

  public static void main(String[] args) throws Exception {
    int repos = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int prs = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int clients = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    GzipMode gzipMode = args.length > 3 ? GzipMode.valueOf(args[3]) : GzipMode.SPLICED;
    long t0 = System.nanoTime();
    try (GitHubSimulator sim = GitHubSimulator.builder().repositories(repos).pullRequestsPerRepository(prs)
        .maxConcurrentRequestsPerToken(0).requestBudgetPerHour(Integer.MAX_VALUE).gzipMode(gzipMode).start();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      System.gc();
      Runtime rt = Runtime.getRuntime();
      System.out.printf("world %d x %d generated in %d ms, heap used %d MB%n", repos, prs,
          (System.nanoTime() - t0) / 1_000_000, (rt.totalMemory() - rt.freeMemory()) >> 20);
      for (String mode : new String[] {"plain warmup", "plain", "plain", "gzip", "gzip"}) {
        sim.clearPageCache();
        run(sim, client, sim.repositories(), prs, clients, mode);
      }
      notModified(sim, client, sim.repositories());
      notModified(sim, client, sim.repositories());
    }
  }

  /** A warm pass: page 1 of every repository with its ETag, answered 304, ten times over. */
  private static void notModified(GitHubSimulator sim, HttpClient client, List<RepositoryId> repos) throws Exception {
    java.util.Map<RepositoryId, String> etags = new java.util.HashMap<>();
    for (RepositoryId repo : repos) {
      etags.put(repo, client.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/repos/" + repo.fullName()
          + "/pulls?state=all&sort=updated&direction=desc&per_page=100")).build(),
          HttpResponse.BodyHandlers.discarding()).headers().firstValue("ETag").orElseThrow());
    }
    long start = System.nanoTime();
    int count = 0;
    for (int round = 0; round < 10; round++) {
      for (RepositoryId repo : repos) {
        HttpResponse<Void> response = client.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/repos/"
            + repo.fullName() + "/pulls?state=all&sort=updated&direction=desc&per_page=100"))
            .header("If-None-Match", etags.get(repo)).build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() != 304) {
          throw new IllegalStateException("status " + response.statusCode());
        }
        count++;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("304 sequential %5d requests in %6.2f s: %7.0f requests/s, %.2f ms each%n", count, seconds,
        count / seconds, seconds * 1000 / count);
  }

  private static void run(GitHubSimulator sim, HttpClient client, List<RepositoryId> repos, int prs, int clients,
      String mode) throws Exception {
    boolean gzip = mode.startsWith("gzip");
    int pages = (prs + 99) / 100;
    AtomicLong bytes = new AtomicLong();
    AtomicLong count = new AtomicLong();
    AtomicLong plainBytes = new AtomicLong();
    long start = System.nanoTime();
    try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
      List<Future<?>> futures = new java.util.ArrayList<>();
      for (RepositoryId repo : repos) {
        futures.add(pool.submit(() -> {
          for (int page = 1; page <= pages; page++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/repos/"
                + repo.fullName() + "/pulls?state=all&sort=updated&direction=desc&per_page=100&page=" + page));
            if (gzip) {
              request.header("Accept-Encoding", "gzip");
            }
            HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            // counts the wire bytes, then decodes as a client would (gzip costs the client too)
            InputStream wire = new java.io.FilterInputStream(response.body()) {
              @Override
              public int read(byte[] b, int off, int len) throws java.io.IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                  bytes.addAndGet(n);
                }
                return n;
              }
            };
            try (InputStream in = gzip ? new java.util.zip.GZIPInputStream(wire, 64 * 1024) : wire) {
              byte[] buffer = new byte[64 * 1024];
              while (in.read(buffer) > 0) {
                plainBytes.incrementAndGet();
              }
            }
            if (response.statusCode() != 200) {
              throw new IllegalStateException("status " + response.statusCode());
            }
            count.incrementAndGet();
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("%-13s %5d pages in %6.2f s: %7.0f pages/s, %7.1f MB/s on the wire (%d clients)%n", mode,
        count.get(), seconds, count.get() / seconds, bytes.get() / 1e6 / seconds, clients);
  }
}
