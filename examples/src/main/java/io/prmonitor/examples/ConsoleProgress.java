package io.prmonitor.examples;

import io.prmonitor.ProgressListener;
import java.io.PrintStream;

/**
 * Shows a pass's progress as one line rewritten in place on a terminal: repositories done of total, pull
 * requests read, requests made, and the estimated time left. Thread-safe.
 */
public final class ConsoleProgress implements ProgressListener {

  private final PrintStream out;

  public ConsoleProgress(PrintStream out) {
    this.out = out;
  }

  @Override
  public synchronized void onProgress(Progress p) {
    out.printf("\r[pass %d] %d/%d repositories, %d pull requests, %d requests, %.1f s elapsed, ~%.1f s left   ",
        p.pass(), p.repositoriesDone(), p.repositoriesTotal(), p.pullRequests(), p.requests(),
        p.elapsed().toMillis() / 1000.0, p.estimatedRemaining().toMillis() / 1000.0);
    if (p.repositoriesDone() == p.repositoriesTotal()) {
      out.println();
    }
    out.flush();
  }
}
