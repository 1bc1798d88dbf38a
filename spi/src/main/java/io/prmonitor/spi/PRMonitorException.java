package io.prmonitor.spi;

/** The base of every exception prmonitor throws on purpose. Unchecked. */
public class PRMonitorException extends RuntimeException {

  public PRMonitorException(String message) {
    super(message);
  }

  public PRMonitorException(String message, Throwable cause) {
    super(message, cause);
  }
}
