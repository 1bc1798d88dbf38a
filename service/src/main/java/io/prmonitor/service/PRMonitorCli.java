package io.prmonitor.service;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prmonitor.PRMonitor;
import io.prmonitor.ProgressListener;
import io.prmonitor.RunReport;
import io.prmonitor.WritingChangeListener;
import io.prmonitor.spi.GitHubAuthenticationException;
import io.prmonitor.spi.PRMonitorException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * prmonitor as a program: one pass over the configured repositories, or with {@code --watch} passes on the
 * library's schedule ({@link PRMonitor#start()}) until SIGTERM or SIGINT. Each pass's {@link RunReport} is
 * printed as one JSON line on standard output ({@code --print-changes} adds a line per change); logs go to
 * standard error, as text or JSON. With {@code --http} it serves {@code /health}, {@code /metrics}, a status
 * page and {@code /api/status}, and with a webhook secret GitHub's deliveries on {@code POST /webhooks}.
 * Settings come from flags, {@code PRMONITOR_*} environment variables and a
 * properties file ({@link Configuration}); secrets only from the environment or files.
 *
 * <pre>
 * GITHUB_TOKEN=... prmonitor --repos octocat/Hello-World,octocat/linguist --db jdbc:postgresql://db/prs
 * prmonitor --config /etc/prmonitor/prmonitor.properties --watch --http 127.0.0.1:9464
 * </pre>
 *
 * <p>Exit status: 0 when every pass completed, or the process was stopped by SIGTERM/SIGINT (a running pass
 * finishes or is handed back within {@code shutdown-timeout}); 1 when a pass failed, left repositories
 * failed, or a change could not be written to standard output (it stays pending in the outbox); 2 on bad
 * arguments, configuration or environment.
 */
public final class PRMonitorCli {

  /** How often the status page's budget chart takes a sample between passes. */
  static final long SAMPLE_SECONDS = 60;

  private PRMonitorCli() {
  }

  /** Runs the program and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err, true));
  }

  /** Runs the command; returns the exit status instead of exiting, so that tests can call it. */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    return run(args, env, out, err, false);
  }

  private static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err,
      boolean handleSignals) {
    Configuration.Request request;
    try {
      request = Configuration.parse(args, env);
    } catch (Configuration.UsageException e) {
      err.println("prmonitor: " + e.getMessage());
      err.println("Run 'prmonitor --help' for the options.");
      return 2;
    }
    if (request instanceof Configuration.Print print) {
      out.print(print.text());
      out.flush();
      return 0;
    }
    ServiceSettings settings = ((Configuration.Run) request).settings();
    Logging.configure(settings.logFormat(), settings.logLevel());
    return new Service(settings, out, err, handleSignals).run();
  }

  /** One run of the program with its settings. */
  private static final class Service {
    private static final Logger log = LoggerFactory.getLogger(PRMonitorCli.class);

    private final ServiceSettings settings;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean handleSignals;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicBoolean writeFailed = new AtomicBoolean();

    Service(ServiceSettings settings, PrintStream out, PrintStream err, boolean handleSignals) {
      this.settings = settings;
      this.out = out;
      this.err = err;
      this.handleSignals = handleSignals;
    }

    int run() {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      new JvmMemoryMetrics().bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new UptimeMetrics().bindTo(registry);
      StatusBoard board = new StatusBoard(Clock.systemUTC(), registry);
      PRMonitor.Builder builder = PRMonitor.builder().config(settings.config()).meterRegistry(registry);
      if (settings.webhooks() != null) {
        builder.webhooks(settings.webhooks());
      }
      if (settings.printChanges()) {
        // PrintStream swallows write errors; a change nobody received must stay pending and fail the run
        WritingChangeListener printer = WritingChangeListener.to(out, ChangeJson::toJson);
        builder.listener(change -> {
          try {
            printer.onChange(change);
          } catch (IOException e) {
            writeFailed.set(true);
            stop.countDown();
            throw e;
          }
        });
      }
      builder.listener(board).progressListener(board);
      TerminalProgress progress = TerminalProgress.forTerminal(err);
      if (progress != null) {
        builder.progressListener(progress);
      }
      if (settings.watch()) {
        builder.progressListener(new ProgressListener() {
          @Override
          public void onProgress(Progress p) {
          }

          @Override
          public void onPassEnd(RunReport report) {
            out.println(report.toJson());
          }
        });
      }
      log.info("prmonitor {} starting: {}", Configuration.version(), settings.config());
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "prmonitor-service-sampler");
        thread.setDaemon(true);
        return thread;
      });
      AtomicReference<PRMonitor> running = new AtomicReference<>();
      if (handleSignals) {
        // at once, so that a signal during start-up (migrations can take seconds) is an orderly stop too
        Signals.onStop(() -> {
          log.info("stop signal received; finishing or handing back the running pass (shutdown timeout {})",
              settings.config().shutdownTimeout());
          stopped.set(true);
          stop.countDown();
          PRMonitor monitor = running.get();
          if (monitor != null && !settings.watch()) {
            // one pass: close() lets it finish for the shutdown timeout, then interrupts it
            monitor.close();
          }
        });
      }
      try (PRMonitor monitor = builder.build()) {
        running.set(monitor);
        board.attach(monitor);
        if (stopped.get()) {
          return 0;
        }
        sampler.scheduleAtFixedRate(board::sample, 0, SAMPLE_SECONDS, TimeUnit.SECONDS);
        StatusServer server = settings.http() == null ? null
            : StatusServer.start(settings.http(), monitor, registry, board);
        try {
          if (server != null) {
            log.info("status page, /health, /metrics and /api/status{} on http://{}:{}/",
                settings.webhooks() != null ? ", POST /webhooks" : "", server.address().getHostString(),
                server.address().getPort());
          }
          if (!settings.watch()) {
            return onePass(monitor);
          }
          monitor.start();
          stop.await();
          return writeFailed.get() ? 1 : 0;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return 0;
        } finally {
          if (server != null) {
            server.close();
          }
        }
      } catch (GitHubAuthenticationException e) {
        err.println("prmonitor: GitHub rejected the credentials (check GITHUB_TOKEN or --token-file): "
            + e.getMessage());
        return 1;
      } catch (PRMonitorException | IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
        if (stopped.get()) {
          log.info("stopped: {}", e.getMessage());
          return 0;
        }
        err.println("prmonitor: " + e.getMessage());
        return 1;
      } finally {
        sampler.shutdownNow();
        registry.close();
        log.info("prmonitor stopped");
      }
    }

    private int onePass(PRMonitor monitor) {
      RunReport report = monitor.run();
      out.println(report.toJson());
      if (writeFailed.get()) {
        err.println("prmonitor: standard output refused changes; they stay pending in the outbox");
        return 1;
      }
      return report.failed().isEmpty() || stopped.get() ? 0 : 1;
    }
  }
}
