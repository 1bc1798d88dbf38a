package io.prmonitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prmonitor.spi.GitHubCredentials;
import io.prmonitor.spi.RepositoryId;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

class ProcessorConfigTest {

  private static ProcessorConfig.Builder builder() {
    return ProcessorConfig.builder().repositories("octo/one");
  }

  private static void rejected(ThrowingCallable call, String field, String value) {
    assertThatThrownBy(call)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(field)
        .hasMessageContaining(value);
  }

  @Test
  void defaults_matchTheDocumentedValues() {
    ProcessorConfig config = builder().build();
    assertThat(config.maxConcurrentRepositories()).isEqualTo(10);
    assertThat(config.maxConcurrentPrsPerRepo()).isEqualTo(50);
    assertThat(config.githubRequestTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.databaseTransactionTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.enableCaching()).isTrue();
    assertThat(config.cacheTtl()).isEqualTo(Duration.ofSeconds(300));
    assertThat(config.retryMaxAttempts()).isEqualTo(3);
    assertThat(config.retryBackoffFactor()).isEqualTo(2.0);
    assertThat(config.githubBaseUrl()).isEqualTo(URI.create("https://api.github.com"));
    assertThat(config.emitOpenedOnBaseline()).isFalse();
    assertThat(config.repositories()).containsExactly(RepositoryId.parse("octo/one"));
  }

  @Test
  void maxConcurrentRepositories_outOfRange() {
    rejected(() -> builder().maxConcurrentRepositories(0), "maxConcurrentRepositories", "0");
    rejected(() -> builder().maxConcurrentRepositories(1001), "maxConcurrentRepositories", "1001");
  }

  @Test
  void maxConcurrentPrsPerRepo_outOfRange() {
    rejected(() -> builder().maxConcurrentPrsPerRepo(-5), "maxConcurrentPrsPerRepo", "-5");
    rejected(() -> builder().maxConcurrentPrsPerRepo(101), "maxConcurrentPrsPerRepo", "101");
  }

  @Test
  void maxConcurrentRequests_aboveGitHubsLimit() {
    rejected(() -> builder().maxConcurrentRequests(101), "maxConcurrentRequests", "101");
  }

  @Test
  void githubRequestTimeout_notPositive() {
    rejected(() -> builder().githubRequestTimeout(Duration.ZERO), "githubRequestTimeout", "PT0S");
    rejected(() -> builder().githubRequestTimeout(Duration.ofSeconds(-1)), "githubRequestTimeout", "PT-1S");
    rejected(() -> builder().githubRequestTimeout(null), "githubRequestTimeout", "null");
  }

  @Test
  void databaseTransactionTimeout_notPositiveOrTooLong() {
    rejected(() -> builder().databaseTransactionTimeout(Duration.ofMillis(-1)), "databaseTransactionTimeout",
        "PT-0.001S");
    rejected(() -> builder().databaseTransactionTimeout(Duration.ofHours(2)), "databaseTransactionTimeout",
        "PT2H");
  }

  @Test
  void cacheTtl_notPositive() {
    rejected(() -> builder().cacheTtl(Duration.ZERO), "cacheTtl", "PT0S");
  }

  @Test
  void enableCaching_canBeTurnedOff() {
    assertThat(builder().enableCaching(false).build().enableCaching()).isFalse();
  }

  @Test
  void retryMaxAttempts_outOfRange() {
    rejected(() -> builder().retryMaxAttempts(0), "retryMaxAttempts", "0");
    rejected(() -> builder().retryMaxAttempts(11), "retryMaxAttempts", "11");
  }

  @Test
  void retryBackoffFactor_outOfRangeOrNaN() {
    rejected(() -> builder().retryBackoffFactor(0.5), "retryBackoffFactor", "0.5");
    rejected(() -> builder().retryBackoffFactor(Double.NaN), "retryBackoffFactor", "NaN");
    rejected(() -> builder().retryBackoffFactor(11), "retryBackoffFactor", "11.0");
  }

  @Test
  void rateLimitReserve_negative() {
    rejected(() -> builder().rateLimitReserve(-1), "rateLimitReserve", "-1");
  }

  @Test
  void serverTimeBudget_notPositive_orWindowMissing() {
    rejected(() -> builder().serverTimeBudget(Duration.ZERO, Duration.ofSeconds(60)), "serverTimeBudget", "PT0S");
    rejected(() -> builder().serverTimeBudget(Duration.ofSeconds(90), null), "serverTimeWindow", "null");
    assertThat(builder().serverTimeBudget(null, Duration.ofSeconds(60)).build().serverTimeBudget()).isNull();
    assertThat(builder().build().serverTimeBudget()).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void passInterval_passDeadline_shutdownTimeout_outboxRetention_notPositive() {
    rejected(() -> builder().passInterval(Duration.ZERO), "passInterval", "PT0S");
    rejected(() -> builder().passDeadline(Duration.ofSeconds(-2)), "passDeadline", "PT-2S");
    rejected(() -> builder().shutdownTimeout(Duration.ZERO), "shutdownTimeout", "PT0S");
    rejected(() -> builder().outboxRetention(Duration.ZERO), "outboxRetention", "PT0S");
    assertThat(builder().passDeadline(null).build().passDeadline()).isNull();
  }

  @Test
  void repositories_malformedName() {
    rejected(() -> builder().repositories("no-slash"), "repositories", "no-slash");
    rejected(() -> builder().repositories("a/b/c"), "repositories", "a/b/c");
    rejected(() -> builder().repositories("-bad/name"), "repositories", "-bad");
    rejected(() -> builder().repositories("owner/.."), "repositories", "..");
    rejected(() -> builder().repositories("owner/sp ace"), "repositories", "sp ace");
  }

  @Test
  void repositories_duplicate() {
    assertThatThrownBy(() -> builder().repositories("octo/one").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("octo/one");
  }

  @Test
  void build_withoutRepositories() {
    assertThatThrownBy(() -> ProcessorConfig.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no repositories");
  }

  @Test
  void organizationAndUser_invalidLogin() {
    rejected(() -> builder().organization("bad org"), "organizations", "bad org");
    rejected(() -> builder().user("-x"), "users", "-x");
  }

  @Test
  void includeExclude_blank() {
    rejected(() -> builder().include(" "), "include", " ");
    rejected(() -> builder().exclude(""), "exclude", "");
  }

  @Test
  void githubBaseUrl_plainHttpToRemoteHost() {
    rejected(() -> builder().githubBaseUrl("http://github.example.com/api/v3"), "githubBaseUrl",
        "http://github.example.com/api/v3");
    rejected(() -> builder().githubBaseUrl("ftp://127.0.0.1/"), "githubBaseUrl", "ftp://127.0.0.1/");
    rejected(() -> builder().githubBaseUrl("http://127.0.0.1.nip.io/"), "githubBaseUrl", "127.0.0.1.nip.io");
    rejected(() -> builder().githubBaseUrl("not a url"), "githubBaseUrl", "not a url");
    assertThat(builder().githubBaseUrl("http://127.0.0.1:8080").build().githubBaseUrl().getPort())
        .isEqualTo(8080);
  }

  @Test
  void githubToken_blank() {
    rejected(() -> builder().githubToken("  "), "githubToken", "blank");
  }

  @Test
  void providers_invalidName() {
    rejected(() -> builder().storeProvider("two words"), "storeProvider", "two words");
    rejected(() -> builder().githubClientProvider(""), "githubClientProvider", "''");
  }

  @Test
  void jdbcUrl_notJdbc() {
    rejected(() -> builder().jdbcUrl("postgres://localhost/test"), "jdbcUrl", "postgres://localhost/test");
  }

  @Test
  void jdbcUrl_withPasswords_isMaskedInMessagesAndToString() {
    assertThatThrownBy(() -> builder().jdbcUrl("postgresql://app:Pw-hidden-1@db/prs"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("postgresql://app:****@db/prs")
        .hasMessageNotContaining("Pw-hidden-1");
    ProcessorConfig config = builder().jdbcUrl("jdbc:postgresql://db/prs?user=app&password=Pw-hidden-2").build();
    assertThat(config.toString()).contains("password=****").doesNotContain("Pw-hidden-2");
  }

  @Test
  void githubToken_thatCannotBeSentAsAHeader_isRefusedWithoutQuotingIt() {
    String secret = "ghp_abcdefghijklmnop0123";
    for (String token : java.util.List.of("\uFEFF" + secret, secret + "\u200B", secret + "\n", secret + "\u4E2D",
        "ghp_\u00FC" + secret)) {
      assertThatThrownBy(() -> builder().githubToken(token))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("token holds U+")
          .hasMessageNotContaining(secret)
          .hasMessageNotContaining(secret.substring(4, 16));
    }
  }

  @Test
  void monitorName_invalid() {
    rejected(() -> builder().monitorName("has space"), "monitorName", "has space");
  }

  @Test
  void leases_offByDefault_withoutAWorkerId() {
    ProcessorConfig config = builder().build();
    assertThat(config.leases()).isFalse();
    assertThat(config.workerId()).isNull();
    assertThat(config.leaseDuration()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.repositoryInterval()).isEqualTo(Duration.ZERO);
  }

  @Test
  void leases_on_generateAUniqueWorkerId() {
    ProcessorConfig first = builder().leases(true).build();
    ProcessorConfig second = builder().leases(true).build();
    assertThat(first.leases()).isTrue();
    assertThat(first.workerId()).isNotBlank().isNotEqualTo(second.workerId());
    assertThat(builder().workerId(first.workerId()).build().workerId()).isEqualTo(first.workerId());
  }

  @Test
  void workerId_invalid() {
    rejected(() -> builder().workerId("has space"), "workerId", "has space");
    rejected(() -> builder().workerId(""), "workerId", "");
    rejected(() -> builder().workerId("w".repeat(201)), "workerId", "w".repeat(201));
    rejected(() -> builder().workerId(null), "workerId", "null");
  }

  @Test
  void leaseDuration_outOfRange() {
    rejected(() -> builder().leaseDuration(Duration.ofMillis(99)), "leaseDuration", "PT0.099S");
    rejected(() -> builder().leaseDuration(Duration.ZERO), "leaseDuration", "PT0S");
    rejected(() -> builder().leaseDuration(Duration.ofHours(2)), "leaseDuration", "PT2H");
    rejected(() -> builder().leaseDuration(null), "leaseDuration", "null");
  }

  @Test
  void repositoryInterval_negativeOrTooLong() {
    rejected(() -> builder().repositoryInterval(Duration.ofSeconds(-1)), "repositoryInterval", "PT-1S");
    rejected(() -> builder().repositoryInterval(Duration.ofDays(31)), "repositoryInterval", "PT744H");
    rejected(() -> builder().repositoryInterval(null), "repositoryInterval", "null");
    assertThat(builder().repositoryInterval(Duration.ofMinutes(15)).build().repositoryInterval())
        .isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void discoverInstallation_needsAppCredentials() {
    assertThatThrownBy(() -> builder().discoverInstallation(true).githubToken("secret-token-1234").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("discoverInstallation")
        .hasMessageNotContaining("secret-token-1234");
  }

  @Test
  void toString_masksSecrets() {
    ProcessorConfig config = builder().githubToken("ghs_supersecretvalue9876")
        .databaseCredentials("app", "db-password-xyz").build();
    assertThat(config.toString())
        .doesNotContain("ghs_supersecretvalue9876")
        .doesNotContain("db-password-xyz")
        .contains("9876");
    assertThat(config.githubCredentials()).isInstanceOf(GitHubCredentials.Token.class);
  }

  @Test
  void toBuilder_roundTrips() {
    ProcessorConfig config = builder().maxConcurrentRepositories(3).organization("acme").include("acme/*")
        .passDeadline(Duration.ofMinutes(1)).build();
    assertThat(config.toBuilder().build()).isEqualTo(config);
  }

  @Test
  void providerProperties_blankKeyOrNullValueOrBlankLocation_rejectedNamingThem() {
    rejected(() -> builder().storeProperty(" ", "x"), "storeProperty", "' '");
    rejected(() -> builder().storeProperty("migrate", null), "storeProperty", "'migrate'");
    rejected(() -> builder().githubClientProperty("", "x"), "githubClientProperty", "''");
    rejected(() -> builder().storeLocation(" "), "storeLocation", "' '");
  }

  @Test
  void providerProperties_keptInOrderAndByToBuilder() {
    ProcessorConfig config = builder().storeProperty("b", "2").storeProperty("a", "1").githubClientProperty("p", "q")
        .storeLocation("/data/store").build();

    assertThat(config.storeProperties()).containsExactly(Map.entry("b", "2"), Map.entry("a", "1"));
    assertThat(config.githubClientProperties()).containsExactly(Map.entry("p", "q"));
    assertThat(config.jdbcUrl()).isEqualTo("/data/store");
    assertThat(config.toBuilder().build()).isEqualTo(config);
  }

  @Test
  void constructor_appliesTheSetterRules_toValuesThatBypassTheBuilder() throws Throwable {
    ProcessorConfig valid = builder().build();
    rejected(() -> with(valid, "retryBackoffFactor", 11.0), "retryBackoffFactor", "11.0");
    rejected(() -> with(valid, "maxConcurrentRepositories", 0), "maxConcurrentRepositories", "0");
    rejected(() -> with(valid, "githubBaseUrl", URI.create("http://github.example.com")), "githubBaseUrl",
        "http://github.example.com");
    rejected(() -> with(valid, "databaseTransactionTimeout", Duration.ofHours(2)), "databaseTransactionTimeout",
        "PT2H");
    rejected(() -> with(valid, "workerId", "has space"), "workerId", "has space");
    rejected(() -> with(valid, "include", java.util.List.of(" ")), "include", "' '");
    rejected(() -> with(valid, "storeProperties", Map.of(" ", "x")), "storeProperty", "' '");
    assertThatThrownBy(() -> with(valid, "repositories",
        java.util.List.of(RepositoryId.parse("octo/one"), RepositoryId.parse("octo/one"))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("octo/one is listed twice");
    assertThat(with(valid, "retryBackoffFactor", 10.0).retryBackoffFactor()).isEqualTo(10.0);
  }

  /** {@code config} through its canonical constructor, with one component replaced. */
  private static ProcessorConfig with(ProcessorConfig config, String component, Object value) throws Throwable {
    var components = ProcessorConfig.class.getRecordComponents();
    Object[] values = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      values[i] = components[i].getName().equals(component) ? value : components[i].getAccessor().invoke(config);
    }
    try {
      return ProcessorConfig.class.getDeclaredConstructor(types).newInstance(values);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
