package io.prmonitor.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.RunReport;
import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.EnrichmentMode;
import io.prmonitor.spi.ListingCursor;
import io.prmonitor.spi.RepositoryId;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load test: runs each scenario once against a GitHub simulator in a separate JVM and prints one JSON
 * line per scenario on standard output.
 *
 * <pre>
 * JAVA_OPTS=-Xmx128m ./dev loadtest --scenarios cold,warm,churn --profiles engine,github --stores h2,postgres \
 *     --repos 100 --prs 1000
 * </pre>
 *
 * <p>Scenarios, run in this order on one store per profile and store: {@code cold} (empty store: every page
 * of every repository), {@code warm} (nothing changed: one conditional request per repository) and
 * {@code churn} (1% of the pull requests changed, spread evenly over the repositories, through the
 * simulator's control API before the pass). A {@code warm} or {@code churn} without a {@code cold} before it
 * runs an unreported cold pass first. Under the github profile each pass after the first starts once the
 * previous pass's 60-second server-time window has drained, as a scheduled pass minutes later would.
 *
 * <p>Before the measured passes, the JVM is warmed up, as JMH does with a warm-up iteration: the simulator
 * holds {@code --warmup-repos} repositories more than {@code --repos}, and a monitor of their own, into a
 * database of their own, runs a cold, a churn and a warm pass over them, unmeasured. The measured passes
 * thus run in a JVM that has run the workload once (the JIT still compiles during them, less), and still
 * read pages and write a database nothing has touched. The default is as many repositories as
 * {@code --repos} under the engine profile (measured: after a 20-repository warm-up the JIT compiles through
 * most of the measured cold pass) and none under the github profile, whose passes are bound by pacing, not
 * by the CPU, and whose token budget (5,000 an hour) a warm-up would spend: ~12 requests per repository.
 * {@code --warmup-repos 0} measures the first passes of a fresh JVM, JIT compilation included (on two cores
 * it competes with the pass).
 *
 * <p>Profiles: {@code engine} measures prmonitor alone (no latency, no server-time budget, client pacing
 * off); {@code paced} is the same simulator with the client's default pacing on (90 s per 60 s), the
 * default runner's cost of pacing against a server without a budget; {@code github} measures pacing (50 ms + 0.1 ms per KiB of body + up to {@code --jitter-ms} of
 * jitter, 5,000 requests per hour, 90 s of server time per 60 s, client pacing on at the same budget).
 * Stores: {@code h2} (a file database under {@code --work}) and {@code postgres} (a schema of its own in
 * {@code --pg-url}, dropped afterwards).
 *
 * <p>Each line holds {@code scenario, store, profile, repos, prs, warmupRepos, wallMs} (the pass alone, as
 * seen by the caller of {@link PRMonitor#run()}), {@code requests, notModified, charged, secondaryLimited} (the
 * simulator's counts, the truth), {@code changes} (the pass's report), {@code peakHeapMb} (the peak of this
 * JVM's heap pools during the pass, reset before it), then {@code serverTimeMs} (the simulator's summed
 * response time), {@code floorMs} (the server-time floor {@code serverTimeMs * 60 / 90} under the github
 * profile, else null), {@code complete} (whether every repository finished), {@code cpuMs} and
 * {@code simulatorCpuMs} (CPU time this JVM and the simulator's used during the pass: on a shared machine
 * these vary less than the wall time), {@code loadAvg} (the system's one-minute load average after it),
 * {@code clientResponseMs} (the summed response time prmonitor measured, its
 * {@code prmonitor.github.requests} timer) and {@code storeMs} (its {@code prmonitor.store.transaction} timer).
 *
 * <p>Contents ({@code --contents ordinary,hostile}, default {@code ordinary}): {@code hostile} is issue 13's
 * world, 1.5% of titles between 257 and 1,200 characters and 10% of pull requests with hostile values (the
 * simulator's {@code Content}), measured after the ordinary world on the same profile and store. The
 * {@code reread} scenario (not run by default) forgets every cursor first, so the pass reads every page and
 * compares every item with its stored snapshot: it must report no change. {@code --body-chars N} makes every
 * generated body N characters of CJK text (65536: GitHub's limit). Lines carry {@code content},
 * {@code bodyChars}, {@code failed} and {@code quarantined}.
 *
 * <p>Enrichment: {@code --enrichment graphql|rest|off} (default off) turns it on for the measured monitor;
 * {@code --open-percent N} sets the simulator's share of open pull requests (its default 35; the enrichment
 * rows use 10); the {@code ci} scenario (after {@code warm}) puts a failing check run on the head of 1% of
 * the open pull requests before the pass, which moves neither {@code updated_at} nor the list. Lines then
 * add {@code openPrs}, {@code enriched} (full and checks-only reads), {@code enrichmentDeferred},
 * {@code checksChanged}, the simulator's GraphQL counts ({@code graphqlQueries, graphqlPoints,
 * graphqlTimeouts, graphqlSecondaryLimited, graphqlRateLimited}) and {@code pointsPer100Open}; the
 * {@code ci} line adds {@code ciMutations} and {@code ciRollupsChanged}. Under the github profile the
 * simulator estimates 120 ms of server time per pull request a GraphQL query reads
 * ({@code --graphql-ms-per-pr}) and answers 502 past 10 s, as GitHub does.
 *
 * <p>Other options: {@code --seed N} (world seed, 42), {@code --jitter-ms N} (20), {@code --concurrency N}
 * (maxConcurrentRepositories, default ProcessorConfig's), {@code --max-requests N} (maxConcurrentRequests),
 * {@code --simulator-jvm "-Xmx2g ..."}, {@code --work DIR} ({@code target/loadtest}),
 * {@code --pg-url URL}, {@code --pg-user USER}. Exits 2 on a bad argument, 1 if a scenario fails.
 */
public final class LoadTest {

  /** The token the simulator accepts and the monitors send. */
  static final String TOKEN = "loadtest-token-not-a-secret";
  private static final List<String> ALL_SCENARIOS = LoadTestOptions.ALL_SCENARIOS;
  private static final ObjectMapper JSON = new ObjectMapper();

  private LoadTest() {
  }

  /** Runs the scenarios; see the class documentation for the arguments. */
  public static void main(String[] args) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
        System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    LoadTestOptions options;
    try {
      options = LoadTestOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("loadtest: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      for (LoadTestProfile profile : options.profiles) {
        for (String store : options.stores) {
          for (String content : options.contents) {
            run(options, profile, store, content);
          }
        }
      }
    } catch (Exception e) {
      System.err.println("loadtest failed: " + e);
      e.printStackTrace(System.err);
      System.exit(1);
    }
  }

  /** One profile on one store: a fresh simulator, a fresh database, the scenarios in order. */
  private static void run(LoadTestOptions options, LoadTestProfile profile, String storeName, String content)
      throws Exception {
    try (SimulatorProcess simulator = SimulatorProcess.start(options.simulatorJvm,
        profile.simulatorFlags(options, content));
        TargetDatabase database = TargetDatabase.open(storeName, options)) {
      List<RepositoryId> world = simulator.repositories();
      List<RepositoryId> repositories = world.subList(0, options.repos);
      List<RepositoryId> warmup = world.subList(options.repos, world.size());
      if (!warmup.isEmpty()) {
        warmUp(options, profile, storeName, simulator, warmup);
      }
      AtomicLong delivered = new AtomicLong();
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      try (PRMonitor monitor = PRMonitor.builder().config(config(options, profile, simulator, repositories, database))
          .meterRegistry(registry).listener(change -> delivered.incrementAndGet()).build()) {
        boolean populated = false;
        int churnRound = 0;
        Map<String, Object> extra = new LinkedHashMap<>();
        for (String scenario : ALL_SCENARIOS) {
          boolean wanted = options.scenarios.contains(scenario);
          boolean later = options.scenarios.stream()
              .anyMatch(s -> ALL_SCENARIOS.indexOf(s) > ALL_SCENARIOS.indexOf(scenario));
          if (scenario.equals("cold") && !wanted && later) {
            monitor.run();
            populated = true;
            continue;
          }
          if (!wanted) {
            continue;
          }
          if (!scenario.equals("cold") && !populated) {
            monitor.run();
            populated = true;
          }
          extra.clear();
          if (options.enrichment != EnrichmentMode.OFF || scenario.equals("ci")) {
            extra.put("openPrs", openPullRequests(simulator, repositories));
          }
          if (scenario.equals("churn")) {
            churn(simulator, repositories, options.prs, ++churnRound);
          }
          if (scenario.equals("reread")) {
            // forget every cursor and entity tag: the pass reads every page and compares every item
            for (RepositoryId repository : repositories) {
              monitor.store().completePass(repository, ListingCursor.NONE, Instant.now());
            }
          }
          if (scenario.equals("ci")) {
            ciChanges(simulator, repositories, extra);
          }
          if (profile == LoadTestProfile.GITHUB && populated) {
            drainServerTimeWindow();
          }
          measure(monitor, registry, simulator, options, profile, storeName, scenario, content, extra);
          populated = true;
        }
      }
    }
  }

  /**
   * Runs the code paths of every scenario once, unmeasured, over the extra repositories of the simulator and
   * into a database of their own: a cold pass, a churn pass and a warm pass. The measured passes then run
   * compiled code (the JIT compiles what is hot in the first seconds of a JVM, which a long-running host has
   * long done) while their simulator pages and database stay untouched.
   */
  private static void warmUp(LoadTestOptions options, LoadTestProfile profile, String storeName,
      SimulatorProcess simulator,       List<RepositoryId> warmup) throws Exception {
    try (TargetDatabase database = TargetDatabase.open(storeName, options);
        PRMonitor monitor = PRMonitor.builder().config(config(options, profile, simulator, warmup, database))
            .listener(change -> { }).build()) {
      monitor.run();
      churn(simulator, warmup, options.prs, 0);
      monitor.run();
      monitor.run();
    }
    if (profile == LoadTestProfile.GITHUB) {
      drainServerTimeWindow();
    }
  }

  /**
   * Scheduled passes are minutes apart (passInterval, 5 min by default): lets the 60 s server-time window of
   * the previous pass drain, or the next pass would measure the previous one's pacing.
   */
  private static void drainServerTimeWindow() throws InterruptedException {
    Thread.sleep(ProcessorConfig.DEFAULT_SERVER_TIME_WINDOW.toMillis());
  }

  private static ProcessorConfig config(LoadTestOptions options, LoadTestProfile profile, SimulatorProcess simulator,
      List<RepositoryId> repositories, TargetDatabase database) {
    ProcessorConfig.Builder config = ProcessorConfig.builder()
        .repositories(repositories)
        .githubBaseUrl(simulator.baseUrl())
        .githubToken(TOKEN)
        .jdbcUrl(database.jdbcUrl())
        .databaseCredentials(database.user(), null);
    if (profile == LoadTestProfile.ENGINE) {
      config.serverTimeBudget(null, ProcessorConfig.DEFAULT_SERVER_TIME_WINDOW);
    }
    if (options.concurrency != null) {
      config.maxConcurrentRepositories(options.concurrency);
    }
    if (options.maxRequests != null) {
      config.maxConcurrentRequests(options.maxRequests);
    }
    config.enrichment(options.enrichment);
    return config.build();
  }

  /** Changes 1% of the pull requests, the same number in each repository, spread over its numbers. */
  private static void churn(SimulatorProcess simulator, List<RepositoryId> repositories, int prs, int round)
      throws IOException {
    int perRepository = Math.max(1, prs / 100);
    int stride = Math.max(1, prs / perRepository);
    for (int r = 0; r < repositories.size(); r++) {
      RepositoryId repository = repositories.get(r);
      for (int j = 0; j < perRepository; j++) {
        int number = 1 + j * stride + (r % stride);
        switch ((r + j) % 3) {
          case 0 -> simulator.mutate("editTitle", repository, number, "Churn " + round + " of #" + number);
          case 1 -> simulator.mutate("pushCommits", repository, number, null);
          default -> simulator.mutate("addLabel", repository, number, "churn-" + round);
        }
      }
    }
  }

  /** The open pull requests of the measured repositories, by the simulator's truth. */
  private static long openPullRequests(SimulatorProcess simulator, List<RepositoryId> repositories)
      throws IOException {
    long open = 0;
    for (RepositoryId repository : repositories) {
      for (JsonNode pr : simulator.truth(repository)) {
        open += pr.path("state").asText().equals("OPEN") ? 1 : 0;
      }
    }
    return open;
  }

  /**
   * CI only: a failing check run on the head of 1% of the open pull requests (at least one per repository),
   * which moves neither {@code updated_at} nor the list. Records how many were changed and how many of those
   * changed their CI rollup (a head already failing stays failing), by the simulator's truth.
   */
  private static void ciChanges(SimulatorProcess simulator, List<RepositoryId> repositories,
      Map<String, Object> extra) throws IOException {
    long open = (Long) extra.get("openPrs");
    int perRepository = (int) Math.max(1, open / 100 / Math.max(1, repositories.size()));
    int mutations = 0;
    int rollupsChanged = 0;
    for (RepositoryId repository : repositories) {
      List<Integer> numbers = new ArrayList<>();
      for (JsonNode pr : simulator.truth(repository)) {
        if (pr.path("state").asText().equals("OPEN")) {
          numbers.add(pr.path("number").asInt());
        }
      }
      JsonNode before = simulator.enrichmentTruth(repository);
      for (int j = 0; j < perRepository && j < numbers.size(); j++) {
        int number = numbers.get(j * Math.max(1, numbers.size() / perRepository));
        simulator.mutate(Map.of("op", "setCheckRun", "repo", repository.fullName(), "number", number,
            "name", "loadtest-ci", "value", "completed", "conclusion", "failure"));
        mutations++;
        String was = before.path(Integer.toString(number)).path("checks").asText();
        rollupsChanged += was.equals("FAILURE") ? 0 : 1;
      }
    }
    extra.put("ciMutations", mutations);
    extra.put("ciRollupsChanged", rollupsChanged);
  }

  private static void measure(PRMonitor monitor, MeterRegistry registry, SimulatorProcess simulator,
      LoadTestOptions options, LoadTestProfile profile, String store, String scenario, String content,
      Map<String, Object> extra)
      throws IOException {
    double clientBefore = totalMillis(registry, "prmonitor.github.requests");
    double storeBefore = totalMillis(registry, "prmonitor.store.transaction");
    simulator.resetStats();
    System.gc();
    List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP).toList();
    heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long simulatorCpuBefore = simulator.cpuMillis();
    long cpuBefore = os.getProcessCpuTime();
    long started = System.nanoTime();
    RunReport report = monitor.run();
    long wallMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
    long cpuMs = (os.getProcessCpuTime() - cpuBefore) / 1_000_000;
    long simulatorCpuMs = simulator.cpuMillis() - simulatorCpuBefore;
    double load = os.getSystemLoadAverage();
    long clientResponseMs = Math.round(totalMillis(registry, "prmonitor.github.requests") - clientBefore);
    long storeMs = Math.round(totalMillis(registry, "prmonitor.store.transaction") - storeBefore);
    long peakHeap = heapPools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    JsonNode stats = simulator.stats();
    long serverTimeMs = stats.path("serverTimeMillis").asLong();
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("scenario", scenario);
    line.put("store", store);
    line.put("profile", profile.label());
    line.put("content", content);
    line.put("bodyChars", options.bodyChars);
    line.put("repos", options.repos);
    line.put("prs", options.prs);
    line.put("warmupRepos", options.warmupRepos(profile));
    line.put("wallMs", wallMs);
    line.put("requests", stats.path("requests").asLong());
    line.put("notModified", stats.path("notModified").asLong());
    line.put("charged", stats.path("charged").asLong());
    line.put("secondaryLimited", stats.path("secondaryLimited").asLong());
    line.put("changes", report.totalChanges());
    line.put("peakHeapMb", Math.round(peakHeap / (1024.0 * 1024.0) * 10) / 10.0);
    line.put("serverTimeMs", serverTimeMs);
    line.put("floorMs", profile == LoadTestProfile.GITHUB ? serverTimeMs * 60 / 90 : null);
    line.put("complete", report.isComplete());
    line.put("failed", report.failed().size());
    line.put("quarantined", report.quarantined().size());
    line.put("cpuMs", cpuMs);
    line.put("simulatorCpuMs", simulatorCpuMs);
    line.put("loadAvg", Math.round(load * 10) / 10.0);
    line.put("clientResponseMs", clientResponseMs);
    line.put("storeMs", storeMs);
    if (options.enrichment != EnrichmentMode.OFF) {
      JsonNode graphql = simulator.graphqlStats();
      line.put("enrichment", options.enrichment.name().toLowerCase(Locale.ROOT));
      line.putAll(extra);
      line.put("enriched", report.enrichment().pullRequestsRead());
      line.put("enrichedFull", report.enrichment().fullReads());
      line.put("enrichedChecks", report.enrichment().checksReads());
      line.put("enrichmentDeferred", report.enrichment().deferredPullRequests());
      line.put("checksChanged", report.changes().getOrDefault(ChangeKind.CHECKS_CHANGED, 0L));
      line.put("graphqlQueries", graphql.path("queries").asLong());
      line.put("graphqlPoints", graphql.path("points").asLong());
      line.put("graphqlTimeouts", graphql.path("timeouts").asLong());
      line.put("graphqlSecondaryLimited", graphql.path("secondaryLimited").asLong());
      line.put("graphqlRateLimited", graphql.path("rateLimited").asLong());
      long open = extra.get("openPrs") instanceof Long l ? l : 0;
      line.put("pointsPer100Open", open == 0 ? null
          : Math.round(graphql.path("points").asLong() * 100.0 / open * 100) / 100.0);
    }
    System.out.println(JSON.writeValueAsString(line));
    System.out.flush();
    if (!report.isComplete() || !report.quarantined().isEmpty()) {
      System.err.println("incomplete pass: " + report.toJson());
    }
  }

  /** The summed time of every timer of that name, in milliseconds. */
  private static double totalMillis(MeterRegistry registry, String name) {
    return registry.find(name).timers().stream()
        .collect(Collectors.summingDouble(t -> t.totalTime(TimeUnit.MILLISECONDS)));
  }

}
