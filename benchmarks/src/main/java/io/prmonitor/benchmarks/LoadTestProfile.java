package io.prmonitor.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A simulator and client setting: what a load-test pass is measured against. */
enum LoadTestProfile {
  /** No latency, no budgets, no client pacing: the engine's own speed. */
  ENGINE,
  /**
   * The engine's simulator (no latency, no budgets) with the client's default pacing on (90 s per 60 s):
   * what the default runner's pacing costs where the server enforces no budget, against {@link #ENGINE}.
   */
  PACED,
  /** GitHub's latency shape and budgets, client pacing on: the pacing's efficiency. */
  GITHUB;

  List<String> simulatorFlags(LoadTestOptions options, String content) {
    int worldRepos = options.repos + options.warmupRepos(this);
    // room for every page of the world gzipped whole (~200 KB each), so that which measured pages are
    // precompressed never depends on how the start-up threads raced to the simulator's default bound
    long pages = (long) worldRepos * ((options.prs + 99) / 100);
    long precompressedMb = Math.max(512, pages * 256 / 1024);
    List<String> flags = new ArrayList<>(List.of("--body-chars", Integer.toString(options.bodyChars),
        "--repos", Integer.toString(worldRepos),
        "--prs", Integer.toString(options.prs), "--seed", Long.toString(options.seed), "--token", LoadTest.TOKEN,
        "--precompressed-mb", Long.toString(precompressedMb)));
    if (content.equals("hostile")) {
      // issue 13's world: 1.5% of titles between 257 and 1,200 characters, 10% hostile pull requests
      flags.addAll(List.of("--long-titles", "0.015", "--hostile", "0.1"));
    }
    if (options.openPercent != null) {
      flags.addAll(List.of("--open-percent", Integer.toString(options.openPercent)));
    }
    if (this == GITHUB) {
      flags.addAll(List.of("--latency-ms", "50", "--per-kb-ms", "0.1", "--jitter-ms",
          Long.toString(options.jitterMs), "--budget", "5000", "--server-time-budget-s", "90",
          "--server-time-window-s", "60"));
      // GitHub's 10 s GraphQL timeout, reached by a query of 84 pull requests or more at 120 ms each
      flags.addAll(List.of("--graphql-ms-per-pr", Long.toString(options.graphqlMsPerPr), "--graphql-timeout-ms",
          "10000"));
    } else {
      flags.addAll(List.of("--budget", Integer.toString(Integer.MAX_VALUE)));
    }
    return flags;
  }

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
