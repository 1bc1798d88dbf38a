package io.prmonitor.spi;

import java.time.Duration;

/**
 * The range checks that the configuration records ({@link GitHubClientSettings}, {@link StoreSettings} and
 * core's {@code ProcessorConfig}) build their rules from, so that every message reads the same way: it names
 * the setting, says the rule and shows the bad value ({@code retryMaxAttempts must be between 1 and 10: 11}).
 *
 * <p>Each method takes the setting's name as its caller knows it ({@code githubRequestTimeout} in
 * {@code ProcessorConfig}, {@code requestTimeout} in {@link GitHubClientSettings}), returns the value when it
 * passes and throws {@link IllegalArgumentException} otherwise. Stateless and thread-safe.
 */
public final class SettingChecks {

  private SettingChecks() {
  }

  /** {@code value} if it is between {@code min} and {@code max}, both included. */
  public static int inRange(String setting, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(setting + " must be between " + min + " and " + max + ": " + value);
    }
    return value;
  }

  /** {@code value} if it is not null, above zero and at most {@code max}. */
  public static Duration positive(String setting, Duration value, Duration max) {
    if (value == null) {
      throw new IllegalArgumentException(setting + " must not be null");
    }
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(setting + " must be positive: " + value);
    }
    if (value.compareTo(max) > 0) {
      throw new IllegalArgumentException(setting + " must be at most " + max + ": " + value);
    }
    return value;
  }
}
