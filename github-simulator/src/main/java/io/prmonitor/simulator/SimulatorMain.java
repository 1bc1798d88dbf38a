package io.prmonitor.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The standalone simulator: {@code ./dev simulator --repos 100 --prs 1000 --port 8080}. Prints
 * {@code GitHub simulator ready at http://127.0.0.1:PORT} once it serves, then runs until killed.
 *
 * <pre>
 * --port N                  port on 127.0.0.1 (default 0: a free one)
 * --repos N                 repositories (default 10)
 * --prs N                   pull requests per repository (default 100)
 * --seed N                  world seed (default 42)
 * --latency-ms N            fixed latency per response
 * --per-kb-ms X             latency per KiB of body (decimal allowed)
 * --jitter-ms N             random extra latency, up to N
 * --token T                 accepted token (repeatable; none: any token is accepted)
 * --budget N                primary requests per token per hour (default 5000)
 * --server-time-budget-s N  secondary limit: summed response seconds per window (default off)
 * --server-time-window-s N  that window in seconds (default 60)
 * --max-concurrent N        secondary limit: requests in flight per token (default 100)
 * --repository-id-links     Link URLs in the /repositories/{id}/pulls form
 * --rate-limit-status N     403 (default) or 429 on primary exhaustion
 * --gzip MODE               cached_deflate (default here: a process of its own can afford the memory), spliced,
 *                           stored or deflate: see GzipMode
 * --precompressed-mb N      cached_deflate: MiB of list pages gzipped whole at start-up (default 512; 0: none)
 * --long-titles F           fraction of titles with 257 to 1,200 characters (default 0): see Content
 * --hostile F               fraction of pull requests with hostile values (default 0): see Content
 * --body-chars N            every generated body N characters of CJK text (default 0: a few paragraphs)
 * --open-percent N          share of generated pull requests that are open (default 35)
 * --mergeable-delay-ms N    how long mergeability stays unknown after a push (default 0)
 * --graphql-budget N        GraphQL points per token per hour (default 5000)
 * --graphql-ms-per-pr N     GraphQL server-time estimate per pull request a query reads (default 0: none)
 * --graphql-timeout-ms N    a query estimated at this or more is answered 502 after it (default 10000)
 * </pre>
 */
public final class SimulatorMain {

  private SimulatorMain() {}

  /** Starts the simulator with the flags above; exits with status 2 on a bad flag. */
  public static void main(String[] args) throws InterruptedException {
    GitHubSimulator.Builder builder;
    try {
      builder = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("simulator: " + e.getMessage());
      System.exit(2);
      return;
    }
    GitHubSimulator simulator = builder.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      simulator.close();
      stopped.countDown();
    }, "simulator-shutdown"));
    System.out.println("GitHub simulator ready at " + simulator.baseUrl() + " (" + simulator.repositories().size()
        + " repositories, control API at " + simulator.baseUrl() + "/_sim)");
    System.out.flush();
    stopped.await();
  }

  static GitHubSimulator.Builder parse(String[] args) {
    GitHubSimulator.Builder builder = GitHubSimulator.builder().gzipMode(GzipMode.CACHED_DEFLATE);
    long graphqlMsPerPr = 0;
    long graphqlTimeoutMs = 10_000;
    long latencyMs = 0;
    double perKbMs = 0;
    long jitterMs = 0;
    Long serverTimeBudget = null;
    long serverTimeWindow = 60;
    List<String> tokens = new ArrayList<>();
    double longTitles = 0;
    double hostile = 0;
    int bodyChars = 0;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--repository-id-links")) {
        builder.repositoryIdLinks(true);
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value for " + flag);
      }
      String value = args[++i];
      try {
        switch (flag) {
          case "--port" -> builder.port(Integer.parseInt(value));
          case "--repos" -> builder.repositories(Integer.parseInt(value));
          case "--prs" -> builder.pullRequestsPerRepository(Integer.parseInt(value));
          case "--seed" -> builder.seed(Long.parseLong(value));
          case "--latency-ms" -> latencyMs = Long.parseLong(value);
          case "--per-kb-ms" -> perKbMs = Double.parseDouble(value);
          case "--jitter-ms" -> jitterMs = Long.parseLong(value);
          case "--token" -> tokens.add(value);
          case "--budget" -> builder.requestBudgetPerHour(Integer.parseInt(value));
          case "--server-time-budget-s" -> serverTimeBudget = Long.parseLong(value);
          case "--server-time-window-s" -> serverTimeWindow = Long.parseLong(value);
          case "--max-concurrent" -> builder.maxConcurrentRequestsPerToken(Integer.parseInt(value));
          case "--rate-limit-status" -> builder.primaryLimitStatus(Integer.parseInt(value));
          case "--precompressed-mb" -> builder.precompressedPageBytes(mebibytes(flag, value));
          case "--long-titles" -> longTitles = Double.parseDouble(value);
          case "--hostile" -> hostile = Double.parseDouble(value);
          case "--body-chars" -> bodyChars = Integer.parseInt(value);
          case "--gzip" -> builder.gzipMode(GzipMode.valueOf(value.toUpperCase(java.util.Locale.ROOT)));
          case "--open-percent" -> builder.openPullRequestPercent(Integer.parseInt(value));
          case "--mergeable-delay-ms" -> builder.mergeableDelay(Duration.ofMillis(Long.parseLong(value)));
          case "--graphql-budget" -> builder.graphqlBudgetPerHour(Integer.parseInt(value));
          case "--graphql-ms-per-pr" -> graphqlMsPerPr = Long.parseLong(value);
          case "--graphql-timeout-ms" -> graphqlTimeoutMs = Long.parseLong(value);
          default -> throw new IllegalArgumentException("unknown flag: " + flag);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad value for " + flag + ": '" + value + "'", e);
      }
    }
    builder.latency(Latency.of(Duration.ofMillis(latencyMs), Duration.ofNanos((long) (perKbMs * 1_000_000)),
        Duration.ofMillis(jitterMs)));
    builder.graphqlServerTime(Duration.ofMillis(graphqlMsPerPr), Duration.ofMillis(graphqlTimeoutMs));
    builder.tokens(tokens.toArray(String[]::new));
    builder.content(new Content(longTitles, hostile, bodyChars));
    if (serverTimeBudget != null) {
      builder.serverTimeBudget(Duration.ofSeconds(serverTimeBudget), Duration.ofSeconds(serverTimeWindow));
    }
    return builder;
  }

  private static long mebibytes(String flag, String value) {
    long mb = Long.parseLong(value);
    if (mb < 0 || mb > Long.MAX_VALUE >> 20) {
      throw new IllegalArgumentException(flag + " must be in [0, " + (Long.MAX_VALUE >> 20) + "]: " + value);
    }
    return mb << 20;
  }
}
