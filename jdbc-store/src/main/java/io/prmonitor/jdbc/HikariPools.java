package io.prmonitor.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.prmonitor.spi.StoreSettings;
import java.time.Duration;
import java.util.Map;

/**
 * The HikariCP pool a {@link JdbcPullRequestStore} opens for itself from {@link StoreSettings}: sized and
 * named by the settings, its waits derived from the transaction timeout, and on PostgreSQL the driver's
 * batch rewriting and network timeouts.
 */
final class HikariPools {

  private HikariPools() {
  }

  /**
   * Opens the pool.
   *
   * @throws RuntimeException whatever HikariCP throws when the database cannot be reached
   */
  static HikariDataSource open(StoreSettings settings, SqlDialect dialect) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(settings.name());
    if (settings.meterRegistry() != null) {
      // HikariCP recognises a Micrometer MeterRegistry by its class and removes its meters when the pool closes
      config.setMetricRegistry(settings.meterRegistry());
    }
    config.setJdbcUrl(settings.jdbcUrl());
    config.setUsername(settings.username());
    config.setPassword(settings.password());
    config.setMaximumPoolSize(settings.maxPoolSize());
    config.setMinimumIdle(Math.min(2, settings.maxPoolSize()));
    // waiting longer for a connection than a transaction may take would only hide an exhausted pool
    long connectionTimeout = Math.max(250, Math.min(settings.transactionTimeout().toMillis(), 30_000));
    config.setConnectionTimeout(connectionTimeout);
    config.setValidationTimeout(Math.max(250, Math.min(5_000, connectionTimeout / 2)));
    if (dialect == SqlDialect.POSTGRESQL) {
      // lets the driver send a batch of inserts as multi-row statements: far fewer round trips in apply()
      config.addDataSourceProperty("reWriteBatchedInserts", "true");
      networkTimeouts(settings.transactionTimeout()).forEach(config::addDataSourceProperty);
    }
    return new HikariDataSource(config);
  }

  /**
   * The PostgreSQL driver's network timeouts, derived from the transaction timeout (the driver's defaults
   * wait forever): a port that accepts but never speaks fails the connection within {@code connectTimeout}
   * and {@code loginTimeout} (the transaction timeout, at most 30 s), and a network partition fails the
   * statement waiting on it within {@code socketTimeout} (the transaction timeout), where the JDBC query
   * timeout cannot help: its cancel request needs a new connection through the same partition. Settings
   * the JDBC URL gives itself win over these.
   */
  static Map<String, String> networkTimeouts(Duration transactionTimeout) {
    long seconds = Math.max(1, (transactionTimeout.toMillis() + 999) / 1000);
    String connect = Long.toString(Math.min(seconds, 30));
    return Map.of("connectTimeout", connect, "loginTimeout", connect, "socketTimeout", Long.toString(seconds),
        "tcpKeepAlive", "true");
  }
}
