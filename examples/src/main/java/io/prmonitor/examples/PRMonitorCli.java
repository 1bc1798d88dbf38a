package io.prmonitor.examples;

import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.RunReport;
import io.prmonitor.WritingChangeListener;
import io.prmonitor.spi.GitHubAuthenticationException;
import io.prmonitor.spi.PRMonitorException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The command-line runner: one pass (or passes on an interval with {@code --watch}) over the given
 * repositories, each pass's {@link RunReport} printed as one JSON line on standard output. Logs go to
 * standard error. The token comes from the environment variable {@code GITHUB_TOKEN}, never from an
 * argument (arguments show in process lists).
 *
 * <pre>
 * GITHUB_TOKEN=... ./dev run --repos octocat/Hello-World,octocat/linguist --db jdbc:postgresql://db/prs
 * </pre>
 *
 * <p>Exit status: 0 when every pass completed, 1 when a pass failed, left repositories failed, or a change
 * (with {@code --print-changes}) or the report could not be written (a full disk, a closed pipe: those
 * changes stay pending and the next run prints them), 2 on bad arguments.
 */
public final class PRMonitorCli {

  static final String USAGE = """
      usage: prmonitor [options]
        --repos OWNER/NAME[,OWNER/NAME...]  repositories to watch (repeatable)
        --org NAME                          watch every repository of an organization (repeatable)
        --user LOGIN                        watch every repository of a user (repeatable)
        --base-url URL                      GitHub API root (default https://api.github.com;
                                            GitHub Enterprise: https://HOST/api/v3)
        --db JDBC_URL                       store (default jdbc:h2:file:./prmonitor-data/prmonitor)
        --db-user USER                      database user (password from PRMONITOR_DB_PASSWORD)
        --watch                             run passes on an interval until stopped
        --interval DURATION                 time between passes with --watch, e.g. 300s, 5m, PT5M (default 5m)
        --concurrency N                     repositories synchronized at once (default 10)
        --emit-opened-on-baseline           report existing pull requests as OPENED on the first pass
        --print-changes                     print each detected change as a JSON line too; a change
                                            that cannot be written stays pending (exit status 1)
        --server-time-budget DURATION|off   GitHub server time the client may use per 60 s, e.g. 90s
                                            (default 90s; off: no pacing, for servers without the limit)
        --help                              this text
      environment: GITHUB_TOKEN (optional for public repositories), PRMONITOR_DB_PASSWORD (optional)
      """;

  private PRMonitorCli() {
  }

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  /** Parsed arguments. */
  record Options(ProcessorConfig config, boolean watch, boolean printChanges) {
  }

  /** Thrown for bad arguments; the message says which. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  /**
   * Runs the command; returns the exit status instead of exiting, so that tests can call it.
   */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = parse(args, env);
    } catch (UsageException e) {
      err.println("prmonitor: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
    if (options == null) {
      out.print(USAGE);
      return 0;
    }
    PRMonitor.Builder builder = PRMonitor.builder().config(options.config());
    if (options.printChanges()) {
      // PrintStream swallows write errors: this listener checks for them, so an unwritten change stays pending
      builder.listener(WritingChangeListener.to(out, ChangeJson::toJson));
    }
    try (PRMonitor monitor = builder.build()) {
      if (!options.watch()) {
        return exitStatus(monitor.run(), out, err);
      }
      return watch(monitor, out, err);
    } catch (GitHubAuthenticationException e) {
      err.println("prmonitor: GitHub rejected the credentials (check GITHUB_TOKEN): " + e.getMessage());
      return 1;
    } catch (PRMonitorException | IllegalArgumentException | IllegalStateException e) {
      err.println("prmonitor: " + e.getMessage());
      return 1;
    }
  }

  /**
   * Prints the report; returns 0 if the pass completed and everything was written, else 1 (saying why on
   * {@code err}).
   */
  private static int exitStatus(RunReport report, PrintStream out, PrintStream err) {
    out.println(report.toJson());
    int status = report.failed().isEmpty() ? 0 : 1;
    if (report.deliveryFailures() > 0) {
      err.println("prmonitor: " + report.deliveryFailures() + " changes could not be delivered; they stay "
          + "pending for the next run");
      status = 1;
    }
    if (out.checkError()) {
      err.println("prmonitor: writing to standard output failed (a full disk, a closed pipe?)");
      status = 1;
    }
    return status;
  }

  /**
   * Runs passes until the process is asked to stop (SIGINT/SIGTERM), waiting the interval between the
   * end of one pass and the start of the next; a failing pass is reported and the next one runs.
   */
  private static int watch(PRMonitor monitor, PrintStream out, PrintStream err) {
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.countDown();
      try {
        finished.await(monitor.config().shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "prmonitor-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      while (stop.getCount() > 0) {
        try {
          exitStatus(monitor.run(), out, err);
        } catch (PRMonitorException e) {
          err.println("prmonitor: pass failed: " + e.getMessage());
        }
        stop.await(monitor.config().passInterval().toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      finished.countDown();
    }
    return 0;
  }

  /** Parses the arguments; returns null for {@code --help}. */
  static Options parse(String[] args, Map<String, String> env) throws UsageException {
    ProcessorConfig.Builder config = ProcessorConfig.builder();
    boolean watch = false;
    boolean printChanges = false;
    boolean any = false;
    String dbUser = null;
    try {
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--help", "-h" -> {
            return null;
          }
          case "--repos" -> {
            for (String name : value(args, ++i, arg).split(",")) {
              if (!name.isBlank()) {
                config.repositories(name.trim());
                any = true;
              }
            }
          }
          case "--org" -> {
            config.organization(value(args, ++i, arg));
            any = true;
          }
          case "--user" -> {
            config.user(value(args, ++i, arg));
            any = true;
          }
          case "--base-url" -> config.githubBaseUrl(value(args, ++i, arg));
          case "--db" -> config.jdbcUrl(value(args, ++i, arg));
          case "--db-user" -> dbUser = value(args, ++i, arg);
          case "--watch" -> watch = true;
          case "--interval" -> config.passInterval(duration(arg, value(args, ++i, arg)));
          case "--concurrency" -> config.maxConcurrentRepositories(integer(arg, value(args, ++i, arg)));
          case "--emit-opened-on-baseline" -> config.emitOpenedOnBaseline(true);
          case "--print-changes" -> printChanges = true;
          case "--server-time-budget" -> {
            String budget = value(args, ++i, arg);
            config.serverTimeBudget(budget.equals("off") ? null : duration(arg, budget),
                ProcessorConfig.DEFAULT_SERVER_TIME_WINDOW);
          }
          default -> throw new UsageException("unknown argument '" + arg + "'");
        }
      }
      if (!any) {
        throw new UsageException("no repositories: give --repos, --org or --user");
      }
      String token = env.get("GITHUB_TOKEN");
      if (token != null && !token.isBlank()) {
        // not trimmed: a token with a stray character is refused with a message that does not show it
        config.githubToken(token);
      }
      String password = env.get("PRMONITOR_DB_PASSWORD");
      if (dbUser != null || password != null) {
        config.databaseCredentials(dbUser, password);
      }
      return new Options(config.build(), watch, printChanges);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static String value(String[] args, int i, String option) throws UsageException {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new UsageException(option + " needs a value");
    }
    return args[i];
  }

  private static int integer(String option, String text) throws UsageException {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new UsageException(option + " must be a whole number: '" + text + "'");
    }
  }

  /** Reads {@code 300s}, {@code 5m}, {@code 2h}, {@code 250ms} or ISO-8601 {@code PT5M}. */
  static Duration duration(String option, String text) throws UsageException {
    try {
      if (text.startsWith("P") || text.startsWith("p")) {
        return Duration.parse(text);
      }
      if (text.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
      }
      long amount = Long.parseLong(text.substring(0, text.length() - 1));
      return switch (text.charAt(text.length() - 1)) {
        case 's' -> Duration.ofSeconds(amount);
        case 'm' -> Duration.ofMinutes(amount);
        case 'h' -> Duration.ofHours(amount);
        default -> throw new UsageException(option + ": not a duration: '" + text + "'");
      };
    } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
      throw new UsageException(option + ": not a duration: '" + text + "'");
    }
  }
}
