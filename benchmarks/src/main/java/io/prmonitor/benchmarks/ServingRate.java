package io.prmonitor.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import io.prmonitor.spi.RepositoryId;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures how fast the standalone simulator serves a world with no latency: every list page of every
 * repository fetched once by {@code --threads} clients (gzip requested, as prmonitor does; the body read and
 * discarded, nothing parsed), then the same again. Prints one JSON line per round with pages/s and MB/s (of
 * the bytes on the wire and of the uncompressed JSON).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.prmonitor.benchmarks.ServingRate --repos 100 --prs 1000 --threads 4
 * </pre>
 */
public final class ServingRate {

  private ServingRate() {
  }

  /** Runs the measurement; flags {@code --repos}, {@code --prs}, {@code --threads}, {@code --rounds}. */
  public static void main(String[] args) throws Exception {
    int repos = 100;
    int prs = 1000;
    int threads = 4;
    int rounds = 2;
    for (int i = 0; i + 1 < args.length; i += 2) {
      int value = Integer.parseInt(args[i + 1]);
      switch (args[i]) {
        case "--repos" -> repos = value;
        case "--prs" -> prs = value;
        case "--threads" -> threads = value;
        case "--rounds" -> rounds = value;
        default -> throw new IllegalArgumentException("unknown flag: " + args[i]);
      }
    }
    try (SimulatorProcess simulator = SimulatorProcess.start(List.of("-Xmx3g", "-XX:+UseParallelGC"),
            List.of("--repos", Integer.toString(repos), "--prs", Integer.toString(prs), "--budget",
                Integer.toString(Integer.MAX_VALUE)));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      List<URI> pages = new ArrayList<>();
      int perRepository = (prs + 99) / 100;
      for (RepositoryId repository : simulator.repositories()) {
        for (int page = 1; page <= perRepository; page++) {
          pages.add(simulator.baseUrl().resolve("/repos/" + repository.fullName()
              + "/pulls?state=all&sort=updated&direction=desc&per_page=100&page=" + page));
        }
      }
      for (int round = 1; round <= rounds; round++) {
        simulator.resetStats();
        AtomicLong wire = new AtomicLong();
        long cpuBefore = simulator.cpuMillis();
        long started = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (URI page : pages) {
          futures.add(pool.submit(() -> {
            HttpRequest request = HttpRequest.newBuilder(page).header("Authorization", "token serving-rate")
                .header("Accept-Encoding", "gzip").build();
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
              byte[] buffer = new byte[64 * 1024];
              long n = 0;
              for (int read; (read = body.read(buffer)) >= 0; ) {
                n += read;
              }
              wire.addAndGet(n);
            }
            if (response.statusCode() != 200) {
              throw new IOException("page answered " + response.statusCode() + ": " + page);
            }
            return null;
          }));
        }
        for (Future<?> f : futures) {
          f.get();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long simulatorCpuMs = simulator.cpuMillis() - cpuBefore;
        JsonNode stats = simulator.stats();
        double plainMb = pages.size() * averagePlainBytes(http, pages.get(0)) / 1e6;
        System.out.printf("{\"round\":%d,\"repos\":%d,\"prs\":%d,\"threads\":%d,\"pages\":%d,\"seconds\":%.2f,"
                + "\"pagesPerSecond\":%.0f,\"wireMBPerSecond\":%.1f,\"jsonMBPerSecond\":%.0f,\"simulatorCpuMs\":%d,"
                + "\"bytesSent\":%d}%n",
            round, repos, prs, threads, pages.size(), seconds, pages.size() / seconds, wire.get() / 1e6 / seconds,
            plainMb / seconds, simulatorCpuMs, stats.path("bytesSent").asLong());
      }
    }
  }

  /** The uncompressed size of one page, as an estimate of every page's (list items are of similar size). */
  private static double averagePlainBytes(HttpClient http, URI page) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(page).header("Authorization", "token serving-rate").build(),
        HttpResponse.BodyHandlers.ofByteArray()).body().length;
  }
}
