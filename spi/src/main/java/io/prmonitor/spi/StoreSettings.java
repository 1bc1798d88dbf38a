package io.prmonitor.spi;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a {@link PullRequestStoreProvider} needs to create a store. {@code toString()} masks the
 * password.
 *
 * @param jdbcUrl where the store keeps its data; a JDBC URL for the JDBC store, ignored by stores that
 *     keep no data outside the process
 * @param username the database user, or null
 * @param password the database password, or null
 * @param maxPoolSize the most connections the store may open at once
 * @param transactionTimeout the time limit of one transaction
 * @param properties provider-specific settings, not interpreted by prmonitor
 */
public record StoreSettings(
    String jdbcUrl,
    String username,
    String password,
    int maxPoolSize,
    Duration transactionTimeout,
    Map<String, String> properties) {

  public StoreSettings {
    Objects.requireNonNull(jdbcUrl, "null jdbcUrl");
    Objects.requireNonNull(transactionTimeout, "null transactionTimeout");
    if (maxPoolSize < 1) {
      throw new IllegalArgumentException("maxPoolSize must be at least 1: " + maxPoolSize);
    }
    if (transactionTimeout.isNegative() || transactionTimeout.isZero()) {
      throw new IllegalArgumentException("transactionTimeout must be positive: " + transactionTimeout);
    }
    properties = Map.copyOf(properties);
  }

  @Override
  public String toString() {
    return "StoreSettings[jdbcUrl=" + jdbcUrl + ", username=" + username
        + ", password=" + (password == null ? null : "****") + ", maxPoolSize=" + maxPoolSize
        + ", transactionTimeout=" + transactionTimeout + ", properties=" + properties.keySet() + "]";
  }
}
