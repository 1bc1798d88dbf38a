package io.prmonitor.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.prmonitor.ProcessorConfig;
import io.prmonitor.spi.GitHubClientSettings;
import io.prmonitor.spi.StoreSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each GitHub (and database) setting has one rule, whichever way a value comes in: {@code ProcessorConfig}'s
 * builder, the spi record a provider receives ({@link GitHubClientSettings}, {@link StoreSettings}), or the
 * service's flag, environment variable and configuration file. Before, these rules had drifted (a
 * {@code retryBackoffFactor} of 10.5 passed {@code GitHubClientSettings} and failed {@code ProcessorConfig}, a
 * base URL with a query the other way round); each case below is a value on one side of such a rule's edge.
 */
class OneRulePerSettingTest {

  @TempDir
  Path directory;

  @Test
  void retryBackoffFactor_atMostTen() throws Exception {
    oneRule("--retry-backoff", "10.5", "retryBackoffFactor", () -> ProcessorConfig.builder().retryBackoffFactor(10.5),
        "retryBackoffFactor", () -> GitHubClientSettings.builder().retryBackoffFactor(10.5).build());
    accepted("--retry-backoff", "10", ProcessorConfig::retryBackoffFactor, 10.0,
        () -> GitHubClientSettings.builder().retryBackoffFactor(10.0).build());
  }

  @Test
  void retryMaxAttempts_atMostTen() throws Exception {
    oneRule("--retry-attempts", "11", "retryMaxAttempts", () -> ProcessorConfig.builder().retryMaxAttempts(11),
        "retryMaxAttempts", () -> GitHubClientSettings.builder().retryMaxAttempts(11).build());
    accepted("--retry-attempts", "10", ProcessorConfig::retryMaxAttempts, 10,
        () -> GitHubClientSettings.builder().retryMaxAttempts(10).build());
  }

  @Test
  void rateLimitReserve_atMostFiveThousand() throws Exception {
    oneRule("--rate-limit-reserve", "5001", "rateLimitReserve", () -> ProcessorConfig.builder().rateLimitReserve(5001),
        "rateLimitReserve", () -> GitHubClientSettings.builder().rateLimitReserve(5001).build());
    accepted("--rate-limit-reserve", "5000", ProcessorConfig::rateLimitReserve, 5000,
        () -> GitHubClientSettings.builder().rateLimitReserve(5000).build());
  }

  @Test
  void maxConcurrentRequests_atMostGitHubsHundred() throws Exception {
    oneRule("--request-concurrency", "101", "maxConcurrentRequests",
        () -> ProcessorConfig.builder().maxConcurrentRequests(101),
        "maxConcurrentRequests", () -> GitHubClientSettings.builder().maxConcurrentRequests(101).build());
    accepted("--request-concurrency", "100", ProcessorConfig::maxConcurrentRequests, 100,
        () -> GitHubClientSettings.builder().maxConcurrentRequests(100).build());
  }

  @Test
  void requestTimeout_atMostTenMinutes() throws Exception {
    Duration bad = Duration.ofMinutes(11);
    oneRule("--request-timeout", "11m", "githubRequestTimeout", () -> ProcessorConfig.builder().githubRequestTimeout(bad),
        "requestTimeout", () -> GitHubClientSettings.builder().requestTimeout(bad).build());
    accepted("--request-timeout", "10m", ProcessorConfig::githubRequestTimeout, Duration.ofMinutes(10),
        () -> GitHubClientSettings.builder().requestTimeout(Duration.ofMinutes(10)).build());
  }

  @Test
  void cacheTtl_atMostOneDay() throws Exception {
    Duration bad = Duration.ofDays(2);
    oneRule("--cache-ttl", "2d", "cacheTtl", () -> ProcessorConfig.builder().cacheTtl(bad),
        "cacheTtl", () -> GitHubClientSettings.builder().cacheTtl(bad).build());
    accepted("--cache-ttl", "1d", ProcessorConfig::cacheTtl, Duration.ofDays(1),
        () -> GitHubClientSettings.builder().cacheTtl(Duration.ofDays(1)).build());
  }

  @Test
  void serverTimeBudget_atMostTenHours_andItsWindow_atMostOneHour() throws Exception {
    Duration window = Duration.ofSeconds(60);
    oneRule("--server-time-budget", "11h", "serverTimeBudget",
        () -> ProcessorConfig.builder().serverTimeBudget(Duration.ofHours(11), window),
        "serverTimeBudget", () -> GitHubClientSettings.builder().serverTimeBudget(Duration.ofHours(11), window).build());
    accepted("--server-time-budget", "10h", ProcessorConfig::serverTimeBudget, Duration.ofHours(10),
        () -> GitHubClientSettings.builder().serverTimeBudget(Duration.ofHours(10), window).build());
    oneRule("--server-time-window", "2h", "serverTimeWindow",
        () -> ProcessorConfig.builder().serverTimeBudget(null, Duration.ofHours(2)),
        "serverTimeWindow", () -> GitHubClientSettings.builder().serverTimeBudget(null, Duration.ofHours(2)).build());
    accepted("--server-time-window", "1h", ProcessorConfig::serverTimeWindow, Duration.ofHours(1),
        () -> GitHubClientSettings.builder().serverTimeBudget(null, Duration.ofHours(1)).build());
  }

  @Test
  void baseUrl_plainHttpOnlyToLoopback_andNoQuery() throws Exception {
    for (String bad : List.of("http://github.example.com/api/v3", "https://ghe.example.com/api/v3?per_page=1",
        "http://127.0.0.1.nip.io/")) {
      oneRule("--base-url", bad, "githubBaseUrl", () -> ProcessorConfig.builder().githubBaseUrl(bad),
          "baseUrl", () -> GitHubClientSettings.builder().baseUrl(URI.create(bad)).build());
    }
    for (String good : List.of("https://ghe.example.com/api/v3", "http://127.0.0.1:8080")) {
      accepted("--base-url", good, ProcessorConfig::githubBaseUrl, URI.create(good),
          () -> GitHubClientSettings.builder().baseUrl(URI.create(good)).build());
    }
  }

  @Test
  void transactionTimeout_atMostOneHour() throws Exception {
    oneRule("--transaction-timeout", "2h", "databaseTransactionTimeout",
        () -> ProcessorConfig.builder().databaseTransactionTimeout(Duration.ofHours(2)),
        "transactionTimeout", () -> new StoreSettings("jdbc:h2:mem:x", null, null, 1, Duration.ofHours(2), Map.of()));
    accepted("--transaction-timeout", "1h", ProcessorConfig::databaseTransactionTimeout, Duration.ofHours(1),
        () -> new StoreSettings("jdbc:h2:mem:x", null, null, 1, Duration.ofHours(1), Map.of()));
  }

  /**
   * The value is refused through the builder, the spi record, the flag, the environment variable and the
   * file, each time with the same rule, after the setting's name as that entry point knows it.
   */
  private void oneRule(String flag, String value, String configName, ThrowingCallable viaBuilder, String spiName,
      ThrowingCallable viaSpi) throws IOException {
    String rule = rule(refusal(viaBuilder), configName);
    assertThat(rule).as("the rule names the bad value").isNotBlank();
    assertThat(rule(refusal(viaSpi), spiName)).as("the spi's rule for %s", spiName).isEqualTo(rule);

    assertThat(usageError(Map.of(), "--repos", "a/b", flag, value)).as("the flag").startsWith(flag).endsWith(rule);
    assertThat(usageError(Map.of(variable(flag), value, "PRMONITOR_REPOS", "a/b"))).as("the environment variable")
        .startsWith(flag).endsWith(rule);
    Path file = Files.write(directory.resolve("prmonitor.properties"),
        List.of("repos = a/b", flag.substring(2) + " = " + value));
    assertThat(usageError(Map.of(), "--config", file.toString())).as("the file").startsWith(flag).endsWith(rule);
  }

  /** The value is accepted through the builder (by the service's flag) and the spi record alike. */
  private void accepted(String flag, String value, Function<ProcessorConfig, Object> read, Object expected,
      Runnable viaSpi) throws Exception {
    ProcessorConfig config = ((Configuration.Run) Configuration.parse(new String[] {"--repos", "a/b", flag, value},
        Map.of())).settings().config();
    assertThat(read.apply(config)).isEqualTo(expected);
    viaSpi.run();
  }

  private static String refusal(ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
    return thrown.getMessage();
  }

  /** The message without the setting's name in front: what the rule says about the value. */
  private static String rule(String message, String setting) {
    assertThat(message).startsWith(setting);
    return message.substring(setting.length()).replaceFirst("^:? ", "");
  }

  private static String variable(String flag) {
    return "PRMONITOR_" + flag.substring(2).toUpperCase(Locale.ROOT).replace('-', '_');
  }

  private static String usageError(Map<String, String> env, String... args) {
    Throwable thrown = catchThrowable(() -> Configuration.parse(args, env));
    assertThat(thrown).isInstanceOf(Configuration.UsageException.class);
    return thrown.getMessage();
  }
}
