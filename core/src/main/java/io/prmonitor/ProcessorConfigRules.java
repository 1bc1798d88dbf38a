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
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The rule of each {@link ProcessorConfig} setting, written once, grouped as the settings are (GitHub, the
 * database and store, the schedule, the fleet, what to watch): the builder's setter applies it to a value at
 * once, and the record's constructor applies it again to whatever reaches it, builder or not.
 *
 * <p>The GitHub settings follow the rules of {@link GitHubClientSettings} and the database's transaction
 * timeout that of {@link StoreSettings}, which the client and store providers receive: a value is refused with
 * the same words whichever way it comes in. The rules below are those only this monitor has: what to watch,
 * the schedule and the fleet. Every message names the setting and shows the bad value.
 */
final class ProcessorConfigRules {

  private static final Pattern MONITOR_NAME_PATTERN = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern PROVIDER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern WORKER_ID_PATTERN = Pattern.compile("[A-Za-z0-9._:@-]{1,200}");
  private static final Duration MIN_LEASE_DURATION = Duration.ofMillis(100);
  private static final Duration MAX_REPOSITORY_INTERVAL = Duration.ofDays(30);

  private ProcessorConfigRules() {
  }

  /**
   * A setting's name and its rule.
   *
   * @param <T> the setting's type
   */
  record Rule<T>(String setting, BiFunction<String, T, T> rule) {

    /** {@code value} if the rule accepts it; otherwise an {@link IllegalArgumentException} naming the setting. */
    T check(T value) {
      return rule.apply(setting, value);
    }
  }

  // GitHub and the database: the spi's rules, under ProcessorConfig's names
  static final Rule<URI> GITHUB_BASE_URL = new Rule<>("githubBaseUrl", GitHubClientSettings::requireBaseUrl);
  static final Rule<Duration> GITHUB_REQUEST_TIMEOUT =
      new Rule<>("githubRequestTimeout", GitHubClientSettings::requireRequestTimeout);
  static final Rule<Integer> MAX_CONCURRENT_PRS_PER_REPO =
      new Rule<>("maxConcurrentPrsPerRepo", GitHubClientSettings::requireMaxConcurrentPrsPerRepo);
  static final Rule<Integer> MAX_CONCURRENT_REQUESTS =
      new Rule<>("maxConcurrentRequests", GitHubClientSettings::requireMaxConcurrentRequests);
  static final Rule<Integer> RETRY_MAX_ATTEMPTS =
      new Rule<>("retryMaxAttempts", GitHubClientSettings::requireRetryMaxAttempts);
  static final Rule<Double> RETRY_BACKOFF_FACTOR =
      new Rule<>("retryBackoffFactor", GitHubClientSettings::requireRetryBackoffFactor);
  static final Rule<Duration> CACHE_TTL = new Rule<>("cacheTtl", GitHubClientSettings::requireCacheTtl);
  static final Rule<Integer> RATE_LIMIT_RESERVE =
      new Rule<>("rateLimitReserve", GitHubClientSettings::requireRateLimitReserve);
  static final Rule<Duration> SERVER_TIME_BUDGET =
      new Rule<>("serverTimeBudget", GitHubClientSettings::requireServerTimeBudget);
  static final Rule<Duration> SERVER_TIME_WINDOW =
      new Rule<>("serverTimeWindow", GitHubClientSettings::requireServerTimeWindow);
  static final Rule<Duration> DATABASE_TRANSACTION_TIMEOUT =
      new Rule<>("databaseTransactionTimeout", StoreSettings::requireTransactionTimeout);

  // the schedule
  static final Rule<Integer> MAX_CONCURRENT_REPOSITORIES =
      new Rule<>("maxConcurrentRepositories", (setting, value) -> SettingChecks.inRange(setting, value, 1, 1000));
  static final Rule<Duration> PASS_INTERVAL =
      new Rule<>("passInterval", (setting, value) -> SettingChecks.positive(setting, value, Duration.ofDays(1)));
  /** Null: no deadline. */
  static final Rule<Duration> PASS_DEADLINE = new Rule<>("passDeadline",
      (setting, value) -> value == null ? null : SettingChecks.positive(setting, value, Duration.ofDays(1)));
  static final Rule<Duration> SHUTDOWN_TIMEOUT = new Rule<>("shutdownTimeout",
      (setting, value) -> SettingChecks.positive(setting, value, Duration.ofMinutes(10)));
  static final Rule<Duration> OUTBOX_RETENTION = new Rule<>("outboxRetention",
      (setting, value) -> SettingChecks.positive(setting, value, Duration.ofDays(3650)));
  static final Rule<String> MONITOR_NAME = new Rule<>("monitorName", (setting, value) -> matching(setting, value,
      MONITOR_NAME_PATTERN, "1 to 64 of letters, digits, '.', '_', '-'"));

  // the fleet
  static final Rule<String> WORKER_ID = new Rule<>("workerId", (setting, value) -> matching(setting, value,
      WORKER_ID_PATTERN, "1 to 200 of letters, digits, '.', '_', ':', '@', '-'"));
  static final Rule<Duration> LEASE_DURATION = new Rule<>("leaseDuration", ProcessorConfigRules::leaseDuration);
  static final Rule<Duration> REPOSITORY_INTERVAL =
      new Rule<>("repositoryInterval", ProcessorConfigRules::repositoryInterval);

  // the store
  static final Rule<String> JDBC_URL = new Rule<>("jdbcUrl", ProcessorConfigRules::jdbcUrl);
  static final Rule<String> STORE_LOCATION = new Rule<>("storeLocation", ProcessorConfigRules::storeLocation);

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

  private static String jdbcUrl(String setting, String jdbcUrl) {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
      throw new IllegalArgumentException(setting + " must start with 'jdbc:': " + maskUrl(jdbcUrl));
    }
    return jdbcUrl;
  }

  /** Where the store keeps its data: a JDBC URL, or any non-blank text another provider understands. */
  private static String storeLocation(String setting, String location) {
    if (location == null || location.isBlank()) {
      throw new IllegalArgumentException(setting + " must not be blank: '" + location + "'");
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

  private static String matching(String setting, String value, Pattern pattern, String what) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(setting + " must be " + what + ": " + value);
    }
    return value;
  }

  private static Duration leaseDuration(String setting, Duration value) {
    SettingChecks.positive(setting, value, Duration.ofHours(1));
    if (value.compareTo(MIN_LEASE_DURATION) < 0) {
      throw new IllegalArgumentException(setting + " must be at least 100 ms: " + value);
    }
    return value;
  }

  private static Duration repositoryInterval(String setting, Duration value) {
    if (value == null) {
      throw new IllegalArgumentException(setting + " must not be null");
    }
    if (value.isNegative()) {
      throw new IllegalArgumentException(setting + " cannot be negative: " + value);
    }
    if (value.compareTo(MAX_REPOSITORY_INTERVAL) > 0) {
      throw new IllegalArgumentException(setting + " must be at most " + MAX_REPOSITORY_INTERVAL + ": " + value);
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
