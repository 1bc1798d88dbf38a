package io.prmonitor;

import io.prmonitor.spi.GitHubClientSettings;
import io.prmonitor.spi.GitHubCredentials;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.SettingChecks;
import io.prmonitor.spi.StoreSettings;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The rule of each {@link ProcessorConfig} setting, written once: the builder's setter applies it to a value
 * at once, and the record's constructor applies it again to whatever reaches it, builder or not.
 *
 * <p>The GitHub settings follow the rules of {@link GitHubClientSettings} and the database's transaction
 * timeout that of {@link StoreSettings}, which the client and store providers receive: a value is refused with
 * the same words whichever way it comes in. The rules below are those only this monitor has: what to watch,
 * the schedule and the fleet. Every message names the setting and shows the bad value.
 */
final class ProcessorConfigRules {

  private static final Pattern MONITOR_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern PROVIDER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern WORKER_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,200}");
  private static final Duration MIN_LEASE_DURATION = Duration.ofMillis(100);
  private static final Duration MAX_REPOSITORY_INTERVAL = Duration.ofDays(30);

  private ProcessorConfigRules() {
  }

  // GitHub and the database: the spi's rules, under ProcessorConfig's names

  static URI checkGithubBaseUrl(URI value) {
    return GitHubClientSettings.requireBaseUrl("githubBaseUrl", value);
  }

  static Duration checkGithubRequestTimeout(Duration value) {
    return GitHubClientSettings.requireRequestTimeout("githubRequestTimeout", value);
  }

  static int checkMaxConcurrentRequests(int value) {
    return GitHubClientSettings.requireMaxConcurrentRequests("maxConcurrentRequests", value);
  }

  static int checkRetryMaxAttempts(int value) {
    return GitHubClientSettings.requireRetryMaxAttempts("retryMaxAttempts", value);
  }

  static double checkRetryBackoffFactor(double value) {
    return GitHubClientSettings.requireRetryBackoffFactor("retryBackoffFactor", value);
  }

  static Duration checkCacheTtl(Duration value) {
    return GitHubClientSettings.requireCacheTtl("cacheTtl", value);
  }

  static int checkRateLimitReserve(int value) {
    return GitHubClientSettings.requireRateLimitReserve("rateLimitReserve", value);
  }

  static Duration checkServerTimeBudget(Duration value) {
    return GitHubClientSettings.requireServerTimeBudget("serverTimeBudget", value);
  }

  static Duration checkServerTimeWindow(Duration value) {
    return GitHubClientSettings.requireServerTimeWindow("serverTimeWindow", value);
  }

  static Duration checkDatabaseTransactionTimeout(Duration value) {
    return StoreSettings.requireTransactionTimeout("databaseTransactionTimeout", value);
  }

  // what to watch

  /** Each element a login ({@code organizations}, {@code users}). */
  static String checkLogin(String setting, String login) {
    try {
      return new RepositoryId(Objects.requireNonNull(login, setting + ": null"), "x").owner();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(setting + ": invalid login '" + login + "'", e);
    }
  }

  /** An {@code include} or {@code exclude} pattern. */
  static String checkGlob(String setting, String glob) {
    if (glob == null || glob.isBlank()) {
      throw new IllegalArgumentException(setting + " pattern must not be blank: '" + glob + "'");
    }
    try {
      Globs.toRegex(glob);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(setting + " pattern is invalid: '" + glob + "'", e);
    }
    return glob;
  }

  /**
   * The rules that span the watch settings.
   *
   * @throws IllegalStateException if nothing is to be watched, a repository is named twice, or the installation
   *     is to be discovered without GitHub App credentials
   */
  static void checkSelection(List<RepositoryId> repositories, List<String> organizations, List<String> users,
      boolean discoverInstallation, GitHubCredentials credentials) {
    if (repositories.isEmpty() && organizations.isEmpty() && users.isEmpty() && !discoverInstallation) {
      throw new IllegalStateException(
          "no repositories: name some with repositories(...) or discover them with organization(...), "
              + "user(...) or discoverInstallation(true)");
    }
    var seen = new LinkedHashSet<RepositoryId>();
    for (RepositoryId repository : repositories) {
      if (!seen.add(repository)) {
        throw new IllegalStateException("repositories: " + repository + " is listed twice");
      }
    }
    if (discoverInstallation && !(credentials instanceof GitHubCredentials.App)) {
      throw new IllegalStateException("discoverInstallation needs GitHub App credentials, not " + credentials.label());
    }
  }

  // providers and the store

  static String checkProviderName(String setting, String name) {
    if (name == null || !PROVIDER_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(setting + " must be a provider name: '" + name + "'");
    }
    return name;
  }

  static String checkJdbcUrl(String jdbcUrl) {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
      throw new IllegalArgumentException("jdbcUrl must start with 'jdbc:': " + maskUrl(jdbcUrl));
    }
    return jdbcUrl;
  }

  /** Where the store keeps its data: a JDBC URL, or any non-blank text another provider understands. */
  static String checkStoreLocation(String location) {
    if (location == null || location.isBlank()) {
      throw new IllegalArgumentException("storeLocation must not be blank: '" + location + "'");
    }
    return location;
  }

  /** A provider property ({@code storeProperty}, {@code githubClientProperty}): non-blank key, a value. */
  static void checkProperty(String setting, String key, String value) {
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException(setting + " key must not be blank: '" + key + "'");
    }
    if (value == null) {
      throw new IllegalArgumentException(setting + " '" + key + "' must not be null");
    }
  }

  static void checkProperties(String setting, Map<String, String> properties) {
    properties.forEach((key, value) -> checkProperty(setting, key, value));
  }

  /** A URL with its password settings ({@code password=}, {@code //user:password@}) masked. */
  static String maskUrl(String url) {
    if (url == null) {
      return null;
    }
    String masked = url.replaceAll("(?i)((?:password|passwd|pwd|sslpassword)=)[^&;]*", "$1****");
    return masked.replaceAll("(//[^/:@]*:)[^@/]*@", "$1****@");
  }

  // the schedule

  static int checkMaxConcurrentRepositories(int value) {
    return SettingChecks.inRange("maxConcurrentRepositories", value, 1, 1000);
  }

  static int checkMaxConcurrentPrsPerRepo(int value) {
    return SettingChecks.inRange("maxConcurrentPrsPerRepo", value, 1, 100);
  }

  static Duration checkPassInterval(Duration value) {
    return SettingChecks.positive("passInterval", value, Duration.ofDays(1));
  }

  /** Null: no deadline. */
  static Duration checkPassDeadline(Duration value) {
    return value == null ? null : SettingChecks.positive("passDeadline", value, Duration.ofDays(1));
  }

  static Duration checkShutdownTimeout(Duration value) {
    return SettingChecks.positive("shutdownTimeout", value, Duration.ofMinutes(10));
  }

  static Duration checkOutboxRetention(Duration value) {
    return SettingChecks.positive("outboxRetention", value, Duration.ofDays(3650));
  }

  static String checkMonitorName(String value) {
    if (value == null || !MONITOR_NAME.matcher(value).matches()) {
      throw new IllegalArgumentException("monitorName must be 1 to 64 of letters, digits, '.', '_', '-': " + value);
    }
    return value;
  }

  // the fleet

  static String checkWorkerId(String value) {
    if (value == null || !WORKER_ID.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "workerId must be 1 to 200 of letters, digits, '.', '_', ':', '@', '-': " + value);
    }
    return value;
  }

  static Duration checkLeaseDuration(Duration value) {
    SettingChecks.positive("leaseDuration", value, Duration.ofHours(1));
    if (value.compareTo(MIN_LEASE_DURATION) < 0) {
      throw new IllegalArgumentException("leaseDuration must be at least 100 ms: " + value);
    }
    return value;
  }

  static Duration checkRepositoryInterval(Duration value) {
    if (value == null) {
      throw new IllegalArgumentException("repositoryInterval must not be null");
    }
    if (value.isNegative()) {
      throw new IllegalArgumentException("repositoryInterval cannot be negative: " + value);
    }
    if (value.compareTo(MAX_REPOSITORY_INTERVAL) > 0) {
      throw new IllegalArgumentException("repositoryInterval must be at most " + MAX_REPOSITORY_INTERVAL + ": " + value);
    }
    return value;
  }

  /** {@code host-pid-random}: unique per monitor, readable in the store's lease_owner column. */
  static String generatedWorkerId() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "host";
    }
    host = host.replaceAll("[^A-Za-z0-9._-]", "-");
    host = host.substring(0, Math.min(host.length(), 100));
    String random = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
    return host + "-" + ProcessHandle.current().pid() + "-" + random;
  }
}
