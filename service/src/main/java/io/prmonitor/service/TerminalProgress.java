package io.prmonitor.service;

import io.prmonitor.ProgressListener;
import io.prmonitor.RunReport;
import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;

/**
 * A live progress line on a terminal for long passes: repositories done of total, pull requests, requests,
 * elapsed time and ETA, rewritten in place and ended when the pass ends. {@link #forTerminal} gives none
 * when the process has no terminal (a service under systemd, output piped), so logs and pipes stay clean.
 * Thread-safe.
 */
final class TerminalProgress implements ProgressListener {

  private final PrintStream out;
  private boolean open;

  TerminalProgress(PrintStream out) {
    this.out = out;
  }

  /** A progress line on {@code out}, or null when the process is not attached to a terminal. */
  static TerminalProgress forTerminal(PrintStream out) {
    return isTerminal() ? new TerminalProgress(out) : null;
  }

  /**
   * Whether standard input and output are a terminal. From JDK 22 on {@link System#console()} answers even
   * when they are not, and {@code Console.isTerminal()} (absent in 21) tells; on 21 a console means a terminal.
   */
  static boolean isTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(console);
    } catch (NoSuchMethodException e) {
      return true;
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }

  @Override
  public synchronized void onProgress(Progress p) {
    out.printf("\r[pass %d] %d/%d repositories, %d pull requests, %d requests, %.0f s elapsed, ETA %.0f s   ",
        p.pass(), p.repositoriesDone(), p.repositoriesTotal(), p.pullRequests(), p.requests(),
        p.elapsed().toMillis() / 1000.0, p.estimatedRemaining().toMillis() / 1000.0);
    out.flush();
    open = true;
  }

  @Override
  public synchronized void onPassEnd(RunReport report) {
    if (open) {
      out.println();
      open = false;
    }
  }
}
