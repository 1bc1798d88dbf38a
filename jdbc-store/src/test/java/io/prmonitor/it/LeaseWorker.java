package io.prmonitor.it;

import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.RunReport;
import io.prmonitor.jdbc.JdbcPullRequestStore;
import io.prmonitor.spi.GitHubCredentials;
import io.prmonitor.spi.ListingCursor;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.StoreSettings;
import io.prmonitor.spi.contract.ForwardingPullRequestStore;
import io.prmonitor.spi.testing.MutableClock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * One worker JVM of {@link LeasedFleetTest}: a monitor with leases on, sharing a PostgreSQL store and a token
 * pool with its peers. It reads commands from standard input and answers on standard output:
 *
 * <pre>
 * in:  PASS &lt;round&gt; &lt;clock offset in seconds&gt; &lt;stall after this many completed repositories, or -1&gt;
 * out: READY
 *      DONE &lt;round&gt; &lt;repositories this worker completed, comma-separated&gt;
 *      STALLED &lt;round&gt; &lt;repositories completed before stalling&gt;   (then hangs until killed)
 * </pre>
 *
 * The clock offset moves each round past the repository interval, so every repository is due exactly once
 * per round. A stalled worker blocks every later pass completion but keeps renewing its leases, like a
 * worker that hangs; the test then kills it.
 *
 * <p>Arguments: base URL, JDBC URL, worker id, tokens (comma-separated), file of repositories (one a line).
 */
public final class LeaseWorker {

  static final Duration LEASE = Duration.ofSeconds(2);
  static final Duration INTERVAL = Duration.ofHours(1);

  private LeaseWorker() {
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    // library logs go to standard error (the test keeps them in a file); standard output is the protocol
    System.setOut(System.err);
    String baseUrl = args[0];
    String jdbcUrl = args[1];
    String workerId = args[2];
    List<GitHubCredentials> tokens = Arrays.stream(args[3].split(","))
        .<GitHubCredentials>map(GitHubCredentials.Token::new).toList();
    List<RepositoryId> repositories = Files.readAllLines(Path.of(args[4])).stream()
        .filter(line -> !line.isBlank()).map(RepositoryId::parse).toList();
    // the system clock, moved past the repository interval each round
    MutableClock clock = MutableClock.followingSystemClock();
    ProcessorConfig config = ProcessorConfig.builder()
        .repositories(repositories)
        .githubBaseUrl(baseUrl)
        .githubCredentials(tokens.size() == 1 ? tokens.get(0) : new GitHubCredentials.Pool(tokens))
        .serverTimeBudget(null, Duration.ofSeconds(60))
        .maxConcurrentRepositories(4)
        .leases(true)
        .workerId(workerId)
        .leaseDuration(LEASE)
        .repositoryInterval(INTERVAL)
        .monitorName(workerId)
        .build();
    try (JdbcPullRequestStore jdbc = JdbcPullRequestStore.create(new StoreSettings(jdbcUrl, "postgres", null, 6,
        Duration.ofSeconds(30), Map.of()))) {
      RecordingStore store = new RecordingStore(jdbc);
      try (PRMonitor monitor = PRMonitor.builder().config(config).store(store).clock(clock).build()) {
        out.println("READY");
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = commands.readLine()) != null) {
          String[] command = line.trim().split(" ");
          if (!command[0].equals("PASS")) {
            continue;
          }
          String round = command[1];
          clock.setOffset(Duration.ofSeconds(Long.parseLong(command[2])));
          store.arm(Integer.parseInt(command[3]), () -> out.println("STALLED " + round + " "
              + String.join(",", store.completed())));
          RunReport report = monitor.run();
          System.err.println("report " + report.toJson());
          out.println("DONE " + round + " " + String.join(",", store.takeCompleted()));
        }
      }
    }
  }

  /** The JDBC store, recording every completed pass and able to hang in one, as a stalled worker would. */
  static final class RecordingStore extends ForwardingPullRequestStore {
    private final JdbcPullRequestStore delegate;
    private final List<String> completed = Collections.synchronizedList(new ArrayList<>());
    private int stallAfter = -1;
    private Runnable onStall;
    private boolean stalled;

    RecordingStore(JdbcPullRequestStore delegate) {
      this.delegate = delegate;
    }

    @Override
    protected PullRequestStore delegate() {
      return delegate;
    }

    synchronized void arm(int stallAfter, Runnable onStall) {
      this.stallAfter = stallAfter;
      this.onStall = onStall;
    }

    List<String> completed() {
      synchronized (completed) {
        return List.copyOf(completed);
      }
    }

    List<String> takeCompleted() {
      synchronized (completed) {
        List<String> taken = List.copyOf(completed);
        completed.clear();
        return taken;
      }
    }

    /** Serialized, so that the list reported on stalling holds exactly the passes that completed. */
    @Override
    public synchronized void completePass(RepositoryId repository, ListingCursor cursor, Instant completedAt) {
      if (stallAfter >= 0 && completed.size() >= stallAfter) {
        if (!stalled) {
          stalled = true;
          onStall.run();
        }
        try {
          new CountDownLatch(1).await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("stalled worker interrupted", e);
        }
      }
      delegate.completePass(repository, cursor, completedAt);
      completed.add(repository.fullName());
    }

    @Override
    public void close() {
    }
  }
}
