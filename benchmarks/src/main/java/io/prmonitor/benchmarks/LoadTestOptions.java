package io.prmonitor.benchmarks;

import io.prmonitor.spi.EnrichmentMode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The load test's parsed command line (see {@link LoadTest} for the flags); {@link #parse} rejects a bad flag or
 * value with a message naming it.
 */
final class LoadTestOptions {

  static final List<String> SCENARIOS = List.of("cold", "warm", "churn");
  /** Every scenario, in the order they run; {@code ci} and {@code reread} only when asked for. */
  static final List<String> ALL_SCENARIOS = List.of("cold", "warm", "ci", "churn", "reread");
  /** What the simulated pull requests hold: {@code ordinary}, or issue 13's {@code hostile} world. */
  static final List<String> CONTENTS = List.of("ordinary", "hostile");

  List<String> scenarios = SCENARIOS;
  List<String> contents = List.of("ordinary");
  int bodyChars;
  List<LoadTestProfile> profiles = List.of(LoadTestProfile.ENGINE, LoadTestProfile.GITHUB);
  List<String> stores = List.of("h2", "postgres");
  int repos = 100;
  int prs = 1000;
  /** The repositories of the JIT warm-up; null for the profile's default. */
  Integer warmupRepos;
  long seed = 42;
  long jitterMs = 20;
  Integer concurrency;
  Integer maxRequests;
  List<String> simulatorJvm = List.of("-Xmx3g", "-XX:+UseParallelGC");
  Path work = Path.of("target", "loadtest");
  String pgUrl = "jdbc:postgresql://127.0.0.1:5432/test";
  String pgUser = "postgres";
  EnrichmentMode enrichment = EnrichmentMode.OFF;
  /** The simulator's share of open pull requests; null for its default (35%). */
  Integer openPercent;
  long graphqlMsPerPr = 120;

  /** The repositories warmed up over before a profile's measured passes. */
  int warmupRepos(LoadTestProfile profile) {
    if (warmupRepos != null) {
      return warmupRepos;
    }
    return profile != LoadTestProfile.GITHUB ? repos : 0;
  }

  /** Parses the flags; throws {@link IllegalArgumentException} naming a bad one. */
  static LoadTestOptions parse(String[] args) {
    LoadTestOptions o = new LoadTestOptions();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value for " + flag);
      }
      String value = args[++i];
      try {
        switch (flag) {
          case "--scenarios" -> o.scenarios = list(value, ALL_SCENARIOS, "scenario");
          case "--contents" -> o.contents = list(value, CONTENTS, "content");
          case "--body-chars" -> o.bodyChars = notNegative(flag, Integer.parseInt(value));
          case "--enrichment" -> o.enrichment = EnrichmentMode.valueOf(list(value, List.of("graphql", "rest", "off"),
              "enrichment").get(0).toUpperCase(Locale.ROOT));
          case "--open-percent" -> o.openPercent = notNegative(flag, Integer.parseInt(value));
          case "--graphql-ms-per-pr" -> o.graphqlMsPerPr = notNegative(flag, Integer.parseInt(value));
          case "--profiles" -> o.profiles = list(value, List.of("engine", "paced", "github"), "profile").stream()
              .map(p -> LoadTestProfile.valueOf(p.toUpperCase(Locale.ROOT))).toList();
          case "--stores" -> o.stores = list(value, List.of("h2", "postgres"), "store");
          case "--repos" -> o.repos = positive(flag, Integer.parseInt(value));
          case "--prs" -> o.prs = positive(flag, Integer.parseInt(value));
          case "--warmup-repos" -> o.warmupRepos = notNegative(flag, Integer.parseInt(value));
          case "--seed" -> o.seed = Long.parseLong(value);
          case "--jitter-ms" -> o.jitterMs = Long.parseLong(value);
          case "--concurrency" -> o.concurrency = positive(flag, Integer.parseInt(value));
          case "--max-requests" -> o.maxRequests = positive(flag, Integer.parseInt(value));
          case "--simulator-jvm" -> o.simulatorJvm = Arrays.stream(value.trim().split("\\s+"))
              .filter(s -> !s.isEmpty()).toList();
          case "--work" -> o.work = Path.of(value);
          case "--pg-url" -> o.pgUrl = value;
          case "--pg-user" -> o.pgUser = value;
          default -> throw new IllegalArgumentException("unknown flag: " + flag);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad value for " + flag + ": '" + value + "'");
      }
    }
    return o;
  }

  private static List<String> list(String value, List<String> allowed, String what) {
    List<String> items = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    for (String item : items) {
      if (!allowed.contains(item)) {
        throw new IllegalArgumentException("unknown " + what + " '" + item + "' (expected one of " + allowed + ")");
      }
    }
    if (items.isEmpty()) {
      throw new IllegalArgumentException("no " + what + " given");
    }
    return items;
  }

  private static int notNegative(String flag, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(flag + " cannot be negative: " + value);
    }
    return value;
  }

  private static int positive(String flag, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(flag + " must be positive: " + value);
    }
    return value;
  }
}
