package io.prmonitor.spi;

/**
 * A GitHub request failed. {@link #status()} is the last HTTP status received, or 0 if none was (a
 * connection failure or timeout).
 */
public class GitHubException extends PRMonitorException {

  private final int status;

  public GitHubException(String message, int status) {
    super(message);
    this.status = status;
  }

  public GitHubException(String message, int status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The last HTTP status received, or 0. */
  public int status() {
    return status;
  }
}
