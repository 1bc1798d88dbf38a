package io.prmonitor.spi;

/**
 * The configuration cannot be put together: a provider is missing or ambiguous, or settings conflict.
 * A single bad value is an {@link IllegalArgumentException} naming it instead.
 */
public class ConfigurationException extends PRMonitorException {

  public ConfigurationException(String message) {
    super(message);
  }

  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
