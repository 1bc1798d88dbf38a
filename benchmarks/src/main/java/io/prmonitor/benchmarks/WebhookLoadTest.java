package io.prmonitor.benchmarks;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.WebhookConfig;
import io.prmonitor.jdbc.JdbcPullRequestStore;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.simulator.WebhookSender;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.StoreSettings;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The webhook load test: a steady stream of pull request changes made in the GitHub simulator, and how long
 * each takes to reach a listener, with webhooks (the simulator's signed deliveries to the monitor's
 * {@code POST /webhooks}, each scheduling a debounced re-read) or with polling alone (the reference).
 *
 * <pre>
 * ./dev webhookload --mode webhooks --repos 100 --prs 100 --rate 1000 --seconds 60 --store h2
 * ./dev webhookload --mode polling --poll-interval-s 30 ...
 * </pre>
 *
 * <p>The simulator runs in this JVM (so that a change's instant and its arrival are read from one clock,
 * {@link System#nanoTime()}), with no latency or budget. After a cold pass, one change per tick
 * ({@code 60 / rate} seconds apart) is made to a pull request not changed before in the run, in a
 * repository drawn at random: a title edit, pushed commits or a new label in turn, each of which yields one
 * change. A change's latency is from just before the simulator call that makes it to the listener's first
 * call for that pull request. After {@code --seconds} of changes the test waits up to 60 s for the last ones.
 *
 * <p>The simulator sends up to {@code --senders} (4) deliveries at once, as GitHub does.
 *
 * <p>In {@code webhooks} mode no pass is scheduled after the cold one: every change arrives through a webhook.
 * {@code --drop}, {@code --duplicate}, {@code --reorder} set the simulator's fault knobs (then passes every
 * {@code --poll-interval-s} catch what was dropped). In {@code polling} mode the monitor runs a pass every
 * {@code --poll-interval-s} and the simulator sends nothing.
 *
 * <p>Prints one JSON line: the mode and sizes, {@code changes} made, {@code arrived}, the latency percentiles
 * in ms, the simulator's list requests during the changes ({@code listRequests}, {@code listNotModified}),
 * the deliveries the monitor accepted and found duplicate, the re-reads it ran ({@code reads}) and skipped as
 * stale, {@code listRequestsPerRead} (null when passes ran too), {@code answeredP50Ms}/{@code answeredP99Ms}
 * (from the change to the monitor's answer to its delivery: the first leg), {@code receiveMeanMs}/{@code receiveMaxMs}
 * (the receiver's own time to answer an accepted delivery, its {@code prmonitor.webhook.deliveries} timer), the CPU this JVM used and the load average.
 */
public final class WebhookLoadTest {

  private static final String TOKEN = "test_webhook_load_token";
  private static final String SECRET = "webhook-load-secret";

  private WebhookLoadTest() {
  }

  /** Parsed options. */
  static final class Options {
    String mode = "webhooks";
    int repos = 100;
    int prs = 100;
    int rate = 1000;
    int seconds = 60;
    String store = "h2";
    int debounceMs = 200;
    int pollIntervalS = 30;
    double drop;
    double duplicate;
    double reorder;
    long seed = 42;
    int senders = 4;
    Path work = Path.of("target", "webhookload");
    String pgUrl = "jdbc:postgresql://127.0.0.1:5432/test";
    String pgUser = "postgres";
  }

  public static void main(String[] args) throws Exception {
    Options o;
    try {
      o = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("webhookload: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.out.println(run(o));
  }

  static Options parse(String[] args) {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value for " + name);
      }
      String value = args[++i];
      try {
        switch (name) {
          case "--mode" -> o.mode = oneOf(name, value, "webhooks", "polling");
          case "--repos" -> o.repos = positive(name, value);
          case "--prs" -> o.prs = positive(name, value);
          case "--rate" -> o.rate = positive(name, value);
          case "--seconds" -> o.seconds = positive(name, value);
          case "--store" -> o.store = oneOf(name, value, "h2", "postgres");
          case "--debounce-ms" -> o.debounceMs = Integer.parseInt(value);
          case "--poll-interval-s" -> o.pollIntervalS = positive(name, value);
          case "--drop" -> o.drop = Double.parseDouble(value);
          case "--duplicate" -> o.duplicate = Double.parseDouble(value);
          case "--reorder" -> o.reorder = Double.parseDouble(value);
          case "--seed" -> o.seed = Long.parseLong(value);
          case "--senders" -> o.senders = positive(name, value);
          case "--work" -> o.work = Path.of(value);
          case "--pg-url" -> o.pgUrl = value;
          case "--pg-user" -> o.pgUser = value;
          default -> throw new IllegalArgumentException("unknown option " + name);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be a number: " + value);
      }
    }
    if ((long) o.rate * o.seconds / 60 > (long) o.repos * o.prs) {
      throw new IllegalArgumentException("--rate x --seconds / 60 changes need as many pull requests: "
          + o.repos + " x " + o.prs + " is too few");
    }
    return o;
  }

  private static String oneOf(String name, String value, String... allowed) {
    if (!Arrays.asList(allowed).contains(value)) {
      throw new IllegalArgumentException(name + " must be one of " + Arrays.toString(allowed) + ": " + value);
    }
    return value;
  }

  private static int positive(String name, String value) {
    int n = Integer.parseInt(value);
    if (n <= 0) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
    return n;
  }

  static String run(Options o) throws Exception {
    boolean webhooks = o.mode.equals("webhooks");
    String schema = null;
    String jdbcUrl;
    if (o.store.equals("h2")) {
      Path dir = o.work.resolve("h2-" + UUID.randomUUID());
      Files.createDirectories(dir);
      jdbcUrl = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("prmonitor");
    } else {
      schema = "webhookload_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
      execute(o, "CREATE SCHEMA " + schema);
      jdbcUrl = o.pgUrl + (o.pgUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
    try (GitHubSimulator simulator = GitHubSimulator.builder().repositories(o.repos).pullRequestsPerRepository(o.prs)
            .seed(o.seed).tokens(TOKEN).start();
        JdbcPullRequestStore store = JdbcPullRequestStore.create(new StoreSettings(jdbcUrl,
            o.store.equals("h2") ? null : o.pgUser, null, 12, Duration.ofSeconds(30), Map.of()))) {
      Map<String, Long> madeAt = new ConcurrentHashMap<>();
      Map<String, Long> latencyNanos = new ConcurrentHashMap<>();
      Map<String, String> deliveryOf = new ConcurrentHashMap<>();
      AtomicInteger expected = new AtomicInteger(Integer.MAX_VALUE);
      CountDownLatch allArrived = new CountDownLatch(1);
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      ProcessorConfig config = ProcessorConfig.builder().repositories(simulator.repositories())
          .githubBaseUrl(simulator.baseUrl()).githubToken(TOKEN).serverTimeBudget(null, Duration.ofSeconds(60))
          .passInterval(Duration.ofSeconds(o.pollIntervalS)).build();
      PRMonitor.Builder builder = PRMonitor.builder().config(config).store(store).meterRegistry(registry)
          .listener(change -> {
            long now = System.nanoTime();
            String key = change.repository().fullName() + "#" + change.number();
            Long made = madeAt.get(key);
            if (made != null && latencyNanos.putIfAbsent(key, now - made) == null && latencyNanos.size() >= expected.get()) {
              allArrived.countDown();
            }
          });
      if (webhooks) {
        builder.webhooks(WebhookConfig.builder().secret(SECRET).debounce(Duration.ofMillis(o.debounceMs)).build())
            .httpEndpoint(new InetSocketAddress("127.0.0.1", 0));
      }
      try (PRMonitor monitor = builder.build()) {
        monitor.run();
        if (webhooks) {
          simulator.webhooks().register(URI.create("http://127.0.0.1:"
                  + monitor.httpAddress().orElseThrow().getPort() + "/webhooks"), SECRET)
              .concurrency(o.senders).seed(o.seed).dropRate(o.drop).duplicateRate(o.duplicate).reorderRate(o.reorder)
              .onCreated(d -> deliveryOf.put(d.repository().fullName() + "#" + d.number(), d.id()));
        }
        List<String> targets = new ArrayList<>();
        for (RepositoryId repository : simulator.repositories()) {
          for (int n = 1; n <= o.prs; n++) {
            targets.add(repository.fullName() + "#" + n);
          }
        }
        Collections.shuffle(targets, new Random(o.seed));
        int total = o.rate * o.seconds / 60;
        simulator.resetStats();
        com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        long started = System.nanoTime();
        if (!webhooks || o.drop > 0) {
          // polling is the reference, or the safety net for dropped deliveries; the first pass is a pass later
          monitor.start();
        }
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger made = new AtomicInteger();
        CountDownLatch allMade = new CountDownLatch(1);
        long periodNanos = 60_000_000_000L / o.rate;
        ticker.scheduleAtFixedRate(() -> {
          int i = made.getAndIncrement();
          if (i >= total) {
            allMade.countDown();
            return;
          }
          String key = targets.get(i);
          RepositoryId repository = RepositoryId.parse(key.substring(0, key.indexOf('#')));
          int number = Integer.parseInt(key.substring(key.indexOf('#') + 1));
          madeAt.put(key, System.nanoTime());
          switch (i % 3) {
            case 0 -> simulator.editTitle(repository, number, "load " + i);
            case 1 -> simulator.pushCommits(repository, number);
            default -> simulator.addLabel(repository, number, "load-" + i);
          }
        }, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
        allMade.await();
        ticker.shutdownNow();
        long madeEnded = System.nanoTime();
        var duringChanges = simulator.stats();
        expected.set(total);
        if (latencyNanos.size() >= total) {
          allArrived.countDown();
        }
        allArrived.await(60, TimeUnit.SECONDS);
        long cpu = os.getProcessCpuTime() - cpuBefore;
        var atEnd = simulator.stats();
        long[] sorted = latencyNanos.values().stream().mapToLong(Long::longValue).sorted().toArray();
        WebhookSender.Stats sent = simulator.webhooks().stats();
        // the first leg: from the change to the monitor's answer to its delivery
        long[] answered = madeAt.entrySet().stream().mapToLong(e -> {
          String id = deliveryOf.get(e.getKey());
          Long at = id == null ? null : simulator.webhooks().answeredNanos(id);
          return at == null ? -1 : at - e.getValue();
        }).filter(n -> n >= 0).sorted().toArray();
        double reads = counter(registry, "prmonitor.webhook.reads", "read");
        long listRequests = atEnd.requests("GET /repos/{owner}/{repo}/pulls");
        return String.format(Locale.ROOT, "{\"mode\":\"%s\",\"store\":\"%s\",\"repos\":%d,\"prs\":%d,\"rate\":%d,"
                + "\"seconds\":%d,\"senders\":%d,\"debounceMs\":%d,\"pollIntervalS\":%d,\"drop\":%s,\"duplicate\":%s,\"reorder\":%s,"
                + "\"changes\":%d,\"arrived\":%d,\"p50Ms\":%s,\"p90Ms\":%s,\"p99Ms\":%s,\"maxMs\":%s,"
                + "\"answeredP50Ms\":%s,\"answeredP99Ms\":%s,\"receiveMeanMs\":%s,\"receiveMaxMs\":%s,"
                + "\"changesWallMs\":%d,\"listRequests\":%d,\"listRequestsDuringChanges\":%d,\"listNotModified\":%d,"
                + "\"deliveriesSent\":%d,\"accepted\":%.0f,\"duplicates\":%.0f,\"reads\":%.0f,\"stale\":%.0f,"
                + "\"listRequestsPerRead\":%s,\"passes\":%d,\"cpuMs\":%d,\"loadAvg\":%.1f}",
            o.mode, o.store, o.repos, o.prs, o.rate, o.seconds, o.senders, o.debounceMs, o.pollIntervalS, o.drop, o.duplicate,
            o.reorder, total, sorted.length, ms(sorted, 0.50), ms(sorted, 0.90), ms(sorted, 0.99), ms(sorted, 1.0),
            ms(answered, 0.50), ms(answered, 0.99), receiveMs(registry, false), receiveMs(registry, true),
            (madeEnded - started) / 1_000_000, listRequests,
            duringChanges.requests("GET /repos/{owner}/{repo}/pulls"), atEnd.notModified(), sent.sent(),
            counter(registry, "prmonitor.webhook.deliveries", "accepted"),
            counter(registry, "prmonitor.webhook.deliveries", "duplicate"), reads,
            counter(registry, "prmonitor.webhook.reads", "stale"),
            // with passes running too, list requests are not all re-reads
            reads == 0 || monitor.lastReport().map(r -> r.pass()).orElse(0L) > 1 ? "null"
                : String.format(Locale.ROOT, "%.3f", listRequests / reads),
            monitor.lastReport().map(r -> r.pass()).orElse(0L), cpu / 1_000_000, os.getSystemLoadAverage());
      }
    } finally {
      if (schema != null) {
        execute(o, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  private static double counter(SimpleMeterRegistry registry, String name, String outcome) {
    var search = registry.find(name).tag("outcome", outcome);
    return search.timer() != null ? search.timer().count() : search.counter() != null ? search.counter().count() : 0;
  }

  /** The mean or the max time the receiver took to answer an accepted delivery, in ms. */
  private static String receiveMs(SimpleMeterRegistry registry, boolean max) {
    var timer = registry.find("prmonitor.webhook.deliveries").tag("outcome", "accepted").timer();
    if (timer == null) {
      return "null";
    }
    return String.format(Locale.ROOT, "%.2f", max ? timer.max(TimeUnit.MILLISECONDS) : timer.mean(TimeUnit.MILLISECONDS));
  }

  private static String ms(long[] sorted, double quantile) {
    if (sorted.length == 0) {
      return "null";
    }
    int index = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(quantile * sorted.length) - 1));
    return String.format(Locale.ROOT, "%.1f", sorted[index] / 1e6);
  }

  private static void execute(Options o, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(o.pgUrl, o.pgUser, null); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
