package io.prmonitor.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prmonitor.ProcessorConfig;
import io.prmonitor.spi.GitHubCredentials;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flags, environment and configuration file: precedence, reach, and errors that name what is wrong. */
class ConfigurationTest {

  @TempDir
  Path directory;

  ServiceSettings settings(Map<String, String> env, String... args) throws Configuration.UsageException {
    return ((Configuration.Run) Configuration.parse(args, env)).settings();
  }

  Path file(String name, String... lines) throws IOException {
    return Files.write(directory.resolve(name), List.of(lines));
  }

  String usageError(Map<String, String> env, String... args) {
    try {
      Configuration.parse(args, env);
    } catch (Configuration.UsageException e) {
      return e.getMessage();
    }
    throw new AssertionError("no usage error for " + Arrays.toString(args) + " with " + env);
  }

  @Test
  void flagWinsOverEnvironment_whichWinsOverTheFile() throws Exception {
    Path config = file("prmonitor.properties", "repos = a/b", "concurrency = 2");

    assertThat(settings(Map.of("PRMONITOR_CONFIG", config.toString())).config().maxConcurrentRepositories())
        .isEqualTo(2);
    assertThat(settings(Map.of("PRMONITOR_CONFIG", config.toString(), "PRMONITOR_CONCURRENCY", "3")).config()
        .maxConcurrentRepositories()).isEqualTo(3);
    assertThat(settings(Map.of("PRMONITOR_CONFIG", config.toString(), "PRMONITOR_CONCURRENCY", "3"),
        "--concurrency", "4").config().maxConcurrentRepositories()).isEqualTo(4);
    assertThat(settings(Map.of(), "--config", config.toString(), "--repos", "c/d").config().repositories())
        .as("a list from a flag replaces the file's").extracting(Object::toString).containsExactly("c/d");
  }

  @Test
  void everyLibrarySetting_isReachableByAnOption() throws Exception {
    // the armour is built, not spelled, so that no secret scan takes this stand-in for a key
    String armour = "RSA PRIVATE" + " KEY-----";
    Path key = file("app.pem", "-----BEGIN " + armour, "MIIB", "-----END " + armour);
    Map<String, List<String>> samples = new HashMap<>();
    samples.put("repos", List.of("--repos", "c/d"));
    samples.put("org", List.of("--org", "my-org"));
    samples.put("user", List.of("--user", "octocat"));
    samples.put("installation", List.of("--installation", "--github-app-id", "7", "--github-app-installation", "8",
        "--github-app-key-file", key.toString()));
    samples.put("include", List.of("--org", "o", "--include", "o/a*"));
    samples.put("exclude", List.of("--org", "o", "--exclude", "o/x*"));
    samples.put("include-archived", List.of("--include-archived"));
    samples.put("include-forks", List.of("--include-forks=false"));
    samples.put("base-url", List.of("--base-url", "http://127.0.0.1:1"));
    samples.put("token-file", List.of("--token-file", file("tokens", "tokenOne0001", "tokenTwo0002").toString()));
    samples.put("github-app-id", samples.get("installation").subList(1, 7));
    samples.put("github-app-installation", samples.get("github-app-id"));
    samples.put("github-app-key-file", samples.get("github-app-id"));
    samples.put("request-concurrency", List.of("--request-concurrency", "5"));
    samples.put("request-timeout", List.of("--request-timeout", "5s"));
    samples.put("retry-attempts", List.of("--retry-attempts", "5"));
    samples.put("retry-backoff", List.of("--retry-backoff", "3"));
    samples.put("rate-limit-reserve", List.of("--rate-limit-reserve", "10"));
    samples.put("server-time-budget", List.of("--server-time-budget", "off"));
    samples.put("server-time-window", List.of("--server-time-window", "30s"));
    samples.put("cache", List.of("--cache=false"));
    samples.put("cache-ttl", List.of("--cache-ttl", "10s"));
    samples.put("github-client-provider", List.of("--github-client-provider", "other"));
    samples.put("db", List.of("--db", "jdbc:h2:mem:x"));
    samples.put("db-user", List.of("--db-user", "u"));
    samples.put("db-password-file", List.of("--db-password-file", file("password", "s3cret").toString()));
    samples.put("transaction-timeout", List.of("--transaction-timeout", "5s"));
    samples.put("store-provider", List.of("--store-provider", "other"));
    samples.put("store-property", List.of("--store-property", "migrate=false"));
    samples.put("github-client-property", List.of("--github-client-property", "a=b"));
    samples.put("outbox-retention", List.of("--outbox-retention", "1d"));
    samples.put("interval", List.of("--interval", "1m"));
    samples.put("pass-deadline", List.of("--pass-deadline", "10m"));
    samples.put("concurrency", List.of("--concurrency", "3"));
    samples.put("prs-per-repo", List.of("--prs-per-repo", "5"));
    samples.put("emit-opened-on-baseline", List.of("--emit-opened-on-baseline"));
    samples.put("enrichment", List.of("--enrichment", "graphql"));
    samples.put("enrich-closed-history", List.of("--enrich-closed-history"));
    samples.put("shutdown-timeout", List.of("--shutdown-timeout", "5s"));
    samples.put("monitor-name", List.of("--monitor-name", "other"));
    samples.put("leases", List.of("--leases"));
    samples.put("worker-id", List.of("--worker-id", "w1"));
    samples.put("lease-duration", List.of("--lease-duration", "5s"));
    samples.put("repository-interval", List.of("--repository-interval", "1m"));
    Set<String> serviceOnly = Set.of("watch", "print-changes", "http", "log-format", "log-level",
        "webhook-secret-file", "webhook-debounce", "webhook-healthy-interval", "webhook-healthy-within",
        "webhook-retention");

    ProcessorConfig baseline = settings(Map.of(), "--repos", "a/b").config();
    Set<String> reached = new TreeSet<>();
    for (Option option : ServiceSettings.OPTIONS) {
      if (serviceOnly.contains(option.name())) {
        continue;
      }
      assertThat(samples).as("a sample value for %s in this test", option.flag()).containsKey(option.name());
      List<String> args = new ArrayList<>(List.of("--repos", "a/b"));
      args.addAll(samples.get(option.name()));
      if (option.name().equals("repos")) {
        args = samples.get("repos");
      }
      ProcessorConfig config = settings(Map.of(), args.toArray(String[]::new)).config();
      List<String> changed = changedComponents(baseline, config);
      assertThat(changed).as("what %s changes", option.flag()).isNotEmpty();
      reached.addAll(changed);
    }

    Set<String> all = new TreeSet<>();
    for (RecordComponent component : ProcessorConfig.class.getRecordComponents()) {
      all.add(component.getName());
    }
    assertThat(reached).as("ProcessorConfig settings some option sets").isEqualTo(all);
  }

  static List<String> changedComponents(ProcessorConfig a, ProcessorConfig b) throws Exception {
    List<String> changed = new ArrayList<>();
    for (RecordComponent component : ProcessorConfig.class.getRecordComponents()) {
      if (!Objects.equals(component.getAccessor().invoke(a), component.getAccessor().invoke(b))) {
        changed.add(component.getName());
      }
    }
    return changed;
  }

  @Test
  void serviceSettings_fromEnvironment() throws Exception {
    ServiceSettings settings = settings(Map.of("PRMONITOR_REPOS", "a/b, c/d", "PRMONITOR_WATCH", "true",
        "PRMONITOR_PRINT_CHANGES", "yes", "PRMONITOR_HTTP", "127.0.0.1:0", "PRMONITOR_LOG_FORMAT", "json",
        "PRMONITOR_LOG_LEVEL", "debug", "PRMONITOR_SERVER_TIME_BUDGET", "off"));

    assertThat(settings.watch()).isTrue();
    assertThat(settings.printChanges()).isTrue();
    assertThat(settings.http().getPort()).isZero();
    assertThat(settings.http().getHostString()).isEqualTo("127.0.0.1");
    assertThat(settings.logFormat()).isEqualTo("json");
    assertThat(settings.logLevel()).isEqualTo("DEBUG");
    assertThat(settings.config().repositories()).hasSize(2);
    assertThat(settings.config().serverTimeBudget()).isNull();
  }

  @Test
  void tokens_fromEnvironmentAndTokenFile_makeAPool() throws Exception {
    Path tokens = file("tokens", "# the fleet's tokens", "tokenFromFile0001", "", "tokenFromFile0002");

    GitHubCredentials credentials = settings(Map.of("GITHUB_TOKEN", "tokenFromEnv0003"), "--repos", "a/b",
        "--token-file", tokens.toString()).config().githubCredentials();

    assertThat(credentials).isInstanceOf(GitHubCredentials.Pool.class);
    assertThat(((GitHubCredentials.Pool) credentials).members()).hasSize(3);
    assertThat(settings(Map.of("GITHUB_TOKEN", "tokenFromEnv0003"), "--repos", "a/b").config().githubCredentials())
        .isEqualTo(new GitHubCredentials.Token("tokenFromEnv0003"));
  }

  @Test
  void databasePassword_fromEnvironmentOrFile_neverBoth() throws Exception {
    assertThat(settings(Map.of("PRMONITOR_DB_PASSWORD", "pw"), "--repos", "a/b").config().databasePassword())
        .isEqualTo("pw");
    Path password = file("password", "from-file");
    assertThat(settings(Map.of(), "--repos", "a/b", "--db-password-file", password.toString()).config()
        .databasePassword()).isEqualTo("from-file");
    assertThat(usageError(Map.of("PRMONITOR_DB_PASSWORD", "pw"), "--repos", "a/b", "--db-password-file",
        password.toString())).contains("not both");
  }

  @Test
  void secretsInFlags_areRefused() {
    assertThat(usageError(Map.of(), "--repos", "a/b", "--token", "abc")).contains("--token")
        .contains("never read from flags").doesNotContain("abc");
    assertThat(usageError(Map.of(), "--repos", "a/b", "--db-password=abc")).contains("--db-password")
        .doesNotContain("abc");
  }

  @Test
  void secretsInTheFile_areRefused() throws Exception {
    Path config = file("prmonitor.properties", "repos = a/b", "github-token = abc");

    assertThat(usageError(Map.of(), "--config", config.toString())).contains("github-token")
        .contains("secrets are not read from the configuration file").doesNotContain("abc");
  }

  @Test
  void unknownKeysInTheFile_areNamed() throws Exception {
    Path config = file("prmonitor.properties", "repos = a/b", "concurency = 3", "intervall = 5m");

    assertThat(usageError(Map.of(), "--config", config.toString())).contains(config.toString())
        .contains("'concurency'").contains("'intervall'");
  }

  @Test
  void unknownEnvironmentVariables_areNamed() {
    assertThat(usageError(Map.of("PRMONITOR_CONCURENCY", "3"), "--repos", "a/b"))
        .contains("PRMONITOR_CONCURENCY");
  }

  @Test
  void badValues_nameTheFlagAndWhereTheValueCameFrom() throws Exception {
    assertThat(usageError(Map.of("PRMONITOR_CONCURRENCY", "lots"), "--repos", "a/b"))
        .isEqualTo("--concurrency (from PRMONITOR_CONCURRENCY): not a whole number: 'lots'");
    Path config = file("prmonitor.properties", "repos = a/b", "interval = soon");
    assertThat(usageError(Map.of(), "--config", config.toString()))
        .startsWith("--interval (from " + config + "): not a duration").contains("'soon'");
    assertThat(usageError(Map.of(), "--repos", "a/b", "--lease-duration", "10ms"))
        .isEqualTo("--lease-duration: must be at least 100 ms: PT0.01S");
    assertThat(usageError(Map.of(), "--repos", "a/b", "--http", "nowhere")).startsWith("--http: expected HOST:PORT");
    assertThat(usageError(Map.of(), "--repos", "a/b", "--log-format", "xml")).contains("--log-format")
        .contains("xml");
    assertThat(usageError(Map.of(), "--repos", "a/b", "--watch=maybe")).contains("--watch").contains("maybe");
    assertThat(usageError(Map.of(), "--repos", "a/b", "--db", "postgres://x")).startsWith("--db: ");
    assertThat(usageError(Map.of(), "--repos", "a/b", "--interval", "5m", "--interval", "6m"))
        .contains("--interval");
    assertThat(usageError(Map.of(), "--github-app-id", "1", "--installation")).contains("--github-app-key-file");
    assertThat(usageError(Map.of(), "--installation")).contains("--installation needs GitHub App credentials");
  }

  @Test
  void webhooks_readSecretsFromTheFileAndTheEnvironment_andEveryKnob() throws Exception {
    String secret = "whsec-from-env-0123";
    Path file = file("webhook-secrets", "# rotating", "whsec-new-0123456", "", "whsec-old-0123456");
    ServiceSettings settings = ((Configuration.Run) Configuration.parse(new String[] {"--repos", "a/b",
        "--http", "127.0.0.1:0", "--webhook-secret-file", file.toString(), "--webhook-debounce", "50ms",
        "--webhook-healthy-interval", "1h", "--webhook-healthy-within", "5m", "--webhook-retention", "2d"},
        Map.of(ServiceSettings.WEBHOOK_SECRET_VARIABLE, secret))).settings();

    io.prmonitor.WebhookConfig webhooks = settings.webhooks();
    assertThat(webhooks.secrets()).containsExactly(secret, "whsec-new-0123456", "whsec-old-0123456");
    assertThat(webhooks.debounce()).isEqualTo(Duration.ofMillis(50));
    assertThat(webhooks.healthyPassInterval()).isEqualTo(Duration.ofHours(1));
    assertThat(webhooks.healthyWithin()).isEqualTo(Duration.ofMinutes(5));
    assertThat(webhooks.deliveryRetention()).isEqualTo(Duration.ofDays(2));
    assertThat(settings(Map.of(), "--repos", "a/b").webhooks()).as("no secret, no webhooks").isNull();
    assertThat(settings.toString()).doesNotContain(secret).doesNotContain("whsec-new");
  }

  @Test
  void webhooks_badValues_nameTheFlag_andNeverShowTheSecret() throws Exception {
    String shortSecret = "whs-7";
    assertThat(usageError(Map.of(), "--repos", "a/b", "--webhook-secret", "whsec-0123456789"))
        .contains("--webhook-secret").contains("never read from flags").doesNotContain("whsec-0123456789");
    assertThat(usageError(Map.of(ServiceSettings.WEBHOOK_SECRET_VARIABLE, shortSecret), "--repos", "a/b",
        "--http", "127.0.0.1:0")).contains(ServiceSettings.WEBHOOK_SECRET_VARIABLE).contains("at least 8")
        .doesNotContain(shortSecret);
    Path empty = file("no-secrets", "# none yet", "");
    assertThat(usageError(Map.of(), "--repos", "a/b", "--http", "127.0.0.1:0", "--webhook-secret-file",
        empty.toString())).contains("--webhook-secret-file").contains("holds no secret");
    assertThat(usageError(Map.of(), "--repos", "a/b", "--http", "127.0.0.1:0", "--webhook-secret-file",
        directory.resolve("missing").toString())).contains("--webhook-secret-file").contains("cannot read");
    assertThat(usageError(Map.of(ServiceSettings.WEBHOOK_SECRET_VARIABLE, "whsec-0123456789"), "--repos", "a/b"))
        .contains("--http").doesNotContain("whsec-0123456789");
    assertThat(usageError(Map.of(), "--repos", "a/b", "--webhook-debounce", "1s")).contains("webhook secret");
    Map<String, String> env = Map.of(ServiceSettings.WEBHOOK_SECRET_VARIABLE, "whsec-0123456789");
    for (String[] bad : List.of(new String[] {"--webhook-debounce", "2m"}, new String[] {"--webhook-debounce", "x"},
        new String[] {"--webhook-healthy-interval", "0"}, new String[] {"--webhook-healthy-within", "0"},
        new String[] {"--webhook-retention", "10m"})) {
      assertThat(usageError(env, "--repos", "a/b", "--http", "127.0.0.1:0", bad[0], bad[1])).as(bad[0] + " " + bad[1])
          .startsWith(bad[0]).doesNotContain("whsec-0123456789");
    }
    Path config = file("webhook.properties", "repos = a/b", "webhook-secret = whsec-0123456789");
    assertThat(usageError(Map.of(), "--config", config.toString())).contains("webhook-secret")
        .contains("secrets are not read from the configuration file").doesNotContain("whsec-0123456789");
  }

  @Test
  void readme_documentsEveryOption_andNoOther() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    List<String> documented = new ArrayList<>();
    java.util.regex.Matcher row = java.util.regex.Pattern.compile("(?m)^\\| `--([a-z-]+)` \\| `(PRMONITOR_[A-Z_]+)` \\|")
        .matcher(readme);
    while (row.find()) {
      documented.add(row.group(1));
      assertThat(row.group(2)).isEqualTo("PRMONITOR_" + row.group(1).toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
    assertThat(documented).containsExactlyElementsOf(ServiceSettings.OPTIONS.stream().map(Option::name).toList());
  }

  @Test
  void durations_readCommonForms() {
    assertThat(Option.duration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Option.duration("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Option.duration("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Option.duration("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(Option.duration("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(Option.duration("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Option.duration("0")).isZero();
    assertThatThrownBy(() -> Option.duration("5 minutes")).hasMessageContaining("'5 minutes'");
  }
}
