package io.prmonitor.spi;

/** A store operation failed; the stored state is as it was before the operation. */
public class StoreException extends PRMonitorException {

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
