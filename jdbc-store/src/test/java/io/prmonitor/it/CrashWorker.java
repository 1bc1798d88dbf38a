package io.prmonitor.it;

import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.RunReport;
import io.prmonitor.jdbc.JdbcPullRequestStore;
import io.prmonitor.spi.ChangeListener;
import io.prmonitor.spi.OutboxEntry;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.StoreSettings;
import io.prmonitor.spi.contract.ForwardingPullRequestStore;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker JVM of {@link WorkerCrashTest}: runs one pass of a real monitor (HTTP client, JDBC store)
 * against the simulator in the test JVM and records, in an append-only event file, every change it is
 * handed ({@code delivering} before the listener works, {@code delivered} after) and every outbox mark
 * the store committed ({@code marked}). Each line is {@code RUN EVENT KEY}, written with one system call
 * and forced to disk, so a {@code destroyForcibly()} cannot tear it.
 *
 * <p>It runs one pass per command line {@code RUN <run-id> <block-at>} read from standard input, until
 * end of input. On standard output it announces {@code READY} once started, {@code DELIVERING i} for the
 * i-th change of the pass, {@code BLOCKED} when it parks inside the listener at index {@code block-at}
 * (so the test can kill it with that delivery in flight; -1 never parks), and {@code DONE <report>}
 * after a finished pass.
 *
 * <p>Arguments: base URL, token, JDBC URL, event file, repositories (comma-separated).
 */
public final class CrashWorker {

  private CrashWorker() {
  }

  public static void main(String[] args) throws Exception {
    String baseUrl = args[0];
    String token = args[1];
    String jdbcUrl = args[2];
    Path eventFile = Path.of(args[3]);
    List<RepositoryId> repositories = Arrays.stream(args[4].split(",")).map(RepositoryId::parse).toList();
    BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (EventLog events = new EventLog(eventFile);
        JdbcPullRequestStore jdbc = JdbcPullRequestStore.create(
            new StoreSettings(jdbcUrl, "postgres", null, 5, Duration.ofSeconds(30), Map.of()))) {
      AtomicInteger index = new AtomicInteger();
      AtomicInteger blockAt = new AtomicInteger(-1);
      ChangeListener listener = change -> {
        int i = index.getAndIncrement();
        events.write("delivering", change.key());
        announce("DELIVERING " + i);
        if (i == blockAt.get()) {
          announce("BLOCKED");
          new CountDownLatch(1).await();
        }
        events.write("delivered", change.key());
      };
      ProcessorConfig config = ProcessorConfig.builder()
          .repositories(repositories)
          .githubBaseUrl(baseUrl)
          .githubToken(token)
          .maxConcurrentRepositories(3)
          .build();
      try (PRMonitor monitor = PRMonitor.builder().config(config).store(new MarkingStore(jdbc, events))
          .listener(listener).build()) {
        announce("READY");
        String command;
        while ((command = commands.readLine()) != null) {
          String[] fields = command.split(" ");
          events.run = fields[1];
          blockAt.set(Integer.parseInt(fields[2]));
          index.set(0);
          RunReport report = monitor.run();
          announce("DONE " + report.toJson());
        }
      }
    }
    System.exit(0);
  }

  private static void announce(String line) {
    System.out.println(line);
    System.out.flush();
  }

  /** Appends {@code RUN EVENT KEY} lines, each with one write and a forced flush to disk. */
  static final class EventLog implements AutoCloseable {
    private final FileOutputStream out;
    volatile String run = "-";

    EventLog(Path file) throws IOException {
      this.out = new FileOutputStream(file.toFile(), true);
    }

    synchronized void write(String event, String key) {
      try {
        out.write((run + ' ' + event + ' ' + key + '\n').getBytes(StandardCharsets.UTF_8));
        out.getFD().sync();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  /** A store that records, after each committed {@code markDelivered}, the keys it marked. */
  static final class MarkingStore extends ForwardingPullRequestStore {
    private final PullRequestStore delegate;
    private final EventLog events;
    private final Map<Long, String> keys = new ConcurrentHashMap<>();

    MarkingStore(PullRequestStore delegate, EventLog events) {
      this.delegate = delegate;
      this.events = events;
    }

    @Override
    protected PullRequestStore delegate() {
      return delegate;
    }

    @Override
    public List<OutboxEntry> pendingChanges(long afterSequence, int limit) {
      List<OutboxEntry> entries = delegate.pendingChanges(afterSequence, limit);
      entries.forEach(e -> keys.put(e.sequence(), e.change().key()));
      return entries;
    }

    @Override
    public void markDelivered(Collection<Long> sequences, Instant deliveredAt) {
      delegate.markDelivered(sequences, deliveredAt);
      sequences.forEach(s -> events.write("marked", keys.get(s)));
    }
  }
}
