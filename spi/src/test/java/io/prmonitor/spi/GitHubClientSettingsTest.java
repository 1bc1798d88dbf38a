package io.prmonitor.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The constructor applies the GitHub rules, naming the setting and the value. */
class GitHubClientSettingsTest {

  private static void refused(UnaryOperator<GitHubClientSettings.Builder> setting, String message) {
    assertThatThrownBy(() -> setting.apply(GitHubClientSettings.builder()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @Test
  void defaults_passTheRules() {
    GitHubClientSettings settings = GitHubClientSettings.builder().build();
    assertThat(settings.baseUrl()).isEqualTo(GitHubClientSettings.DEFAULT_BASE_URL);
    assertThat(settings.toBuilder().build()).isEqualTo(settings);
  }

  @Test
  void baseUrl_plainHttpToANonLoopbackHost_queryOrNoHost() {
    refused(b -> b.baseUrl(URI.create("http://github.example.com/api/v3")), "baseUrl: plain http:// is refused for "
        + "a non-loopback host (tokens would travel unencrypted): http://github.example.com/api/v3");
    refused(b -> b.baseUrl(URI.create("https://ghe.example.com/api/v3?per_page=1")),
        "baseUrl must not have a query or fragment: https://ghe.example.com/api/v3?per_page=1");
    refused(b -> b.baseUrl(URI.create("ftp://127.0.0.1/")), "baseUrl must be an absolute http(s) URL: ftp://127.0.0.1/");
    refused(b -> b.baseUrl(URI.create("api.github.com")), "baseUrl must be an absolute http(s) URL: api.github.com");
    assertThat(GitHubClientSettings.builder().baseUrl(URI.create("http://127.0.0.1:8080")).build().baseUrl().getPort())
        .isEqualTo(8080);
  }

  @Test
  void bounds_nameTheSettingAndTheValue() {
    refused(b -> b.requestTimeout(Duration.ofMinutes(11)), "requestTimeout must be at most PT10M: PT11M");
    refused(b -> b.requestTimeout(Duration.ZERO), "requestTimeout must be positive: PT0S");
    refused(b -> b.requestTimeout(null), "requestTimeout must not be null");
    refused(b -> b.maxConcurrentRequests(101), "maxConcurrentRequests must be between 1 and 100: 101");
    refused(b -> b.retryMaxAttempts(11), "retryMaxAttempts must be between 1 and 10: 11");
    refused(b -> b.retryBackoffFactor(10.5), "retryBackoffFactor must be between 1.0 and 10.0: 10.5");
    refused(b -> b.retryBackoffFactor(Double.NaN), "retryBackoffFactor must be between 1.0 and 10.0: NaN");
    refused(b -> b.cacheTtl(Duration.ofDays(2)), "cacheTtl must be at most PT24H: PT48H");
    refused(b -> b.rateLimitReserve(5001), "rateLimitReserve must be between 0 and 5000: 5001");
    refused(b -> b.serverTimeBudget(Duration.ofHours(11), Duration.ofSeconds(60)),
        "serverTimeBudget must be at most PT10H: PT11H");
    refused(b -> b.serverTimeBudget(null, Duration.ofHours(2)), "serverTimeWindow must be at most PT1H: PT2H");
    refused(b -> b.retryInitialDelay(Duration.ofMillis(-1)), "retryInitialDelay must be positive: PT-0.001S");
    refused(b -> b.secondaryLimitPause(Duration.ZERO), "secondaryLimitPause must be positive: PT0S");
  }

  @Test
  void bounds_includeTheirEnds() {
    GitHubClientSettings settings = GitHubClientSettings.builder().requestTimeout(Duration.ofMinutes(10))
        .maxConcurrentRequests(100).retryMaxAttempts(10).retryBackoffFactor(10.0).cacheTtl(Duration.ofDays(1))
        .rateLimitReserve(5000).serverTimeBudget(Duration.ofHours(10), Duration.ofHours(1)).build();
    assertThat(settings.retryBackoffFactor()).isEqualTo(10.0);
    assertThat(GitHubClientSettings.builder().rateLimitReserve(0).maxConcurrentRequests(1).retryMaxAttempts(1)
        .retryBackoffFactor(1.0).serverTimeBudget(null, Duration.ofSeconds(60)).build().serverTimeBudget()).isNull();
  }

  @Test
  void rules_nameTheSettingAsTheirCallerKnowsIt() {
    assertThatThrownBy(() -> GitHubClientSettings.requireRetryMaxAttempts("retries", 0))
        .hasMessage("retries must be between 1 and 10: 0");
    assertThatThrownBy(() -> StoreSettings.requireTransactionTimeout("txTimeout", Duration.ofHours(2)))
        .hasMessage("txTimeout must be at most PT1H: PT2H");
  }
}
