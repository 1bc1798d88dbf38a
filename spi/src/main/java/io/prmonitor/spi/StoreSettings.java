package io.prmonitor.spi;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a {@link PullRequestStoreProvider} needs to create a store. {@code toString()} masks the
 * password.
 *
 * @param location where the store keeps its data: a JDBC URL for the JDBC store; for another provider any
 *     text it understands (a directory, a URI), or ignored by stores that keep no data outside the process
 * @param username the database user, or null
 * @param password the database password, or null
 * @param maxPoolSize the most connections the store may open at once
 * @param transactionTimeout the time limit of one transaction
 * @param properties settings of the provider's own, not interpreted by prmonitor; a provider rejects a key
 *     it does not know, naming it
 * @param name the name of the monitor the store serves, for the names of what the store creates (its pool,
 *     its threads, the {@code pool} tag of its pool's meters)
 * @param meterRegistry the host's Micrometer {@code MeterRegistry}, or null when the host gave none; a store
 *     that opens a connection pool binds the pool's meters to it and removes them when it closes. Typed
 *     {@code Object} so that this module needs no Micrometer
 */
public record StoreSettings(
    String location,
    String username,
    String password,
    int maxPoolSize,
    Duration transactionTimeout,
    Map<String, String> properties,
    String name,
    Object meterRegistry) {

  /** The name a store serving no named monitor uses. */
  public static final String DEFAULT_NAME = "prmonitor";

  private static final Duration MAX_TRANSACTION_TIMEOUT = Duration.ofHours(1);

  public StoreSettings {
    Objects.requireNonNull(location, "null location");
    Objects.requireNonNull(properties, "null properties");
    Objects.requireNonNull(name, "null name");
    if (maxPoolSize < 1) {
      throw new IllegalArgumentException("maxPoolSize must be at least 1: " + maxPoolSize);
    }
    requireTransactionTimeout("transactionTimeout", transactionTimeout);
    properties = Map.copyOf(properties);
  }

  /**
   * The rule of {@link #transactionTimeout()}, which {@code ProcessorConfig} applies to its
   * {@code databaseTransactionTimeout} too: positive, at most 1 hour.
   *
   * @param setting the setting's name as the caller knows it, for the message
   * @return {@code value}
   * @throws IllegalArgumentException naming the setting and the bad value
   */
  public static Duration requireTransactionTimeout(String setting, Duration value) {
    return SettingChecks.positive(setting, value, MAX_TRANSACTION_TIMEOUT);
  }

  /** Settings with the {@link #DEFAULT_NAME} and no meter registry. */
  public StoreSettings(String location, String username, String password, int maxPoolSize,
      Duration transactionTimeout, Map<String, String> properties) {
    this(location, username, password, maxPoolSize, transactionTimeout, properties, DEFAULT_NAME, null);
  }

  /** The {@link #location()}, by the name the JDBC store reads it under. */
  public String jdbcUrl() {
    return location;
  }

  @Override
  public String toString() {
    return "StoreSettings[location=" + location + ", username=" + username
        + ", password=" + (password == null ? null : "****") + ", maxPoolSize=" + maxPoolSize
        + ", transactionTimeout=" + transactionTimeout + ", properties=" + properties.keySet()
        + ", name=" + name + ", meterRegistry=" + (meterRegistry == null ? null : meterRegistry.getClass().getName())
        + "]";
  }
}
