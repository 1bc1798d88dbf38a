package io.prmonitor.service;

import static io.prmonitor.service.Option.Kind.BOOLEAN;
import static io.prmonitor.service.Option.Kind.DURATION;
import static io.prmonitor.service.Option.Kind.DURATION_OR_OFF;
import static io.prmonitor.service.Option.Kind.INT;
import static io.prmonitor.service.Option.Kind.LIST;
import static io.prmonitor.service.Option.Kind.LONG;
import static io.prmonitor.service.Option.Kind.NUMBER;
import static io.prmonitor.service.Option.Kind.PATH;
import static io.prmonitor.service.Option.Kind.TEXT;

import io.prmonitor.ProcessorConfig;
import io.prmonitor.WebhookConfig;
import io.prmonitor.spi.EnrichmentMode;
import io.prmonitor.spi.GitHubCredentials;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * What the service runs with: the library's {@link ProcessorConfig} and the service's own settings.
 *
 * <p>{@link #OPTIONS} is the one table of settings: each line gives a flag, its file key and its
 * environment variable (see {@link Option}), its help, and the setter it feeds. Adding a library setting to
 * the service is one line there. Secrets never come from flags or the file: the token from
 * {@code GITHUB_TOKEN} or {@code --token-file}, the database password from {@code PRMONITOR_DB_PASSWORD} or
 * {@code --db-password-file}, a GitHub App key from {@code --github-app-key-file}, webhook secrets from
 * {@code PRMONITOR_WEBHOOK_SECRET} or {@code --webhook-secret-file}.
 *
 * <p>No library setting's rule is written here: an option hands its value to the library's setter, which
 * applies the setting's one rule (for the GitHub settings that of {@code GitHubClientSettings}, for the others
 * {@link ProcessorConfig}'s and {@link WebhookConfig}'s), and {@link Configuration} puts the flag in front of
 * the message. This file is a little over 400 lines because {@link #OPTIONS} is one table of every option
 * (about 120 lines), kept whole so that adding a setting stays one line.
 *
 * @param config the library configuration
 * @param watch whether passes run on the library's schedule until the process is stopped
 * @param printChanges whether each delivered change is printed as a JSON line on standard output
 * @param http where {@code /health}, {@code /metrics}, the status page and {@code /api/status} are served,
 *     or null for nowhere
 * @param logFormat {@code text} or {@code json}
 * @param logLevel the level of the root logger
 * @param webhooks the webhook receiver's settings, served as {@code POST /webhooks} on {@code --http}, or null
 *     when no webhook secret is given
 */
record ServiceSettings(ProcessorConfig config, boolean watch, boolean printChanges, InetSocketAddress http,
    String logFormat, String logLevel, WebhookConfig webhooks) {

  /** Environment variables the service reads besides the options' own. */
  static final String TOKEN_VARIABLE = "GITHUB_TOKEN";
  static final String DB_PASSWORD_VARIABLE = "PRMONITOR_DB_PASSWORD";
  static final String CONFIG_VARIABLE = "PRMONITOR_CONFIG";
  static final String WEBHOOK_SECRET_VARIABLE = "PRMONITOR_WEBHOOK_SECRET";

  /** Every option, in the order the help lists them. */
  static final List<Option> OPTIONS = List.of(
      // what to watch
      option("repos", LIST, "OWNER/NAME", "repositories to watch by name (repeatable)",
          (s, v) -> s.config.repositories(strings(v).toArray(String[]::new))),
      option("org", LIST, "NAME", "watch every repository of these organizations",
          (s, v) -> strings(v).forEach(s.config::organization)),
      option("user", LIST, "LOGIN", "watch every repository of these users",
          (s, v) -> strings(v).forEach(s.config::user)),
      option("installation", BOOLEAN, "true|false",
          "watch every repository of the GitHub App installation (default false)",
          (s, v) -> s.config.discoverInstallation((Boolean) v)),
      option("include", LIST, "GLOB", "keep only discovered repositories matching one (* and ?)",
          (s, v) -> strings(v).forEach(s.config::include)),
      option("exclude", LIST, "GLOB", "drop discovered repositories matching one",
          (s, v) -> strings(v).forEach(s.config::exclude)),
      option("include-archived", BOOLEAN, "true|false", "keep discovered archived repositories (default false)",
          (s, v) -> s.config.includeArchived((Boolean) v)),
      option("include-forks", BOOLEAN, "true|false", "keep discovered forks (default true)",
          (s, v) -> s.config.includeForks((Boolean) v)),
      // GitHub
      option("base-url", TEXT, "URL", "GitHub API root (default https://api.github.com; GitHub Enterprise "
          + "Server: https://HOST/api/v3)", (s, v) -> s.config.githubBaseUrl((String) v)),
      option("token-file", PATH, "FILE", "GitHub tokens, one a line (several make a pool); or GITHUB_TOKEN",
          (s, v) -> s.tokenFile = (Path) v),
      option("github-app-id", LONG, "ID", "GitHub App id (with --github-app-installation and --github-app-key-file)",
          (s, v) -> s.appId = (Long) v),
      option("github-app-installation", LONG, "ID", "GitHub App installation id",
          (s, v) -> s.appInstallation = (Long) v),
      option("github-app-key-file", PATH, "FILE", "GitHub App private key (PEM)", (s, v) -> s.appKeyFile = (Path) v),
      option("request-concurrency", INT, "N", "GitHub requests in flight at once (default 16, at most 100)",
          (s, v) -> s.config.maxConcurrentRequests((Integer) v)),
      option("request-timeout", DURATION, "DURATION", "time limit of one GitHub request (default 30s)",
          (s, v) -> s.config.githubRequestTimeout((Duration) v)),
      option("retry-attempts", INT, "N", "tries per GitHub request in all (default 3)",
          (s, v) -> s.config.retryMaxAttempts((Integer) v)),
      option("retry-backoff", NUMBER, "FACTOR", "factor between retry delays (default 2.0)",
          (s, v) -> s.config.retryBackoffFactor((Double) v)),
      option("rate-limit-reserve", INT, "N", "requests per credential never spent (default 50)",
          (s, v) -> s.config.rateLimitReserve((Integer) v)),
      option("server-time-budget", DURATION_OR_OFF, "DURATION|off", "GitHub server time allowed per window "
          + "(default 90s, as github.com; off for a server with no secondary limit)",
          (s, v) -> s.serverTimeBudget = v),
      option("server-time-window", DURATION, "DURATION", "the window of --server-time-budget (default 60s)",
          (s, v) -> s.serverTimeWindow = (Duration) v),
      option("cache", BOOLEAN, "true|false", "cache conditional per-pull-request responses (default true)",
          (s, v) -> s.config.enableCaching((Boolean) v)),
      option("cache-ttl", DURATION, "DURATION", "how long cached responses are kept (default 300s)",
          (s, v) -> s.config.cacheTtl((Duration) v)),
      option("github-client-provider", TEXT, "NAME", "GitHub client provider (default: the only one)",
          (s, v) -> s.config.githubClientProvider((String) v)),
      option("github-client-property", LIST, "KEY=VALUE", "a setting of the GitHub client provider's own (repeatable)",
          (s, v) -> strings(v).forEach(p -> s.config.githubClientProperty(key(p), value(p)))),
      // the store
      option("db", TEXT, "JDBC_URL", "the store (default jdbc:h2:file:./prmonitor-data/prmonitor)",
          (s, v) -> s.config.jdbcUrl((String) v)),
      option("db-user", TEXT, "USER", "database user", (s, v) -> s.dbUser = (String) v),
      option("db-password-file", PATH, "FILE", "database password (its first line); or PRMONITOR_DB_PASSWORD",
          (s, v) -> s.dbPasswordFile = (Path) v),
      option("transaction-timeout", DURATION, "DURATION", "time limit of one database transaction (default 60s)",
          (s, v) -> s.config.databaseTransactionTimeout((Duration) v)),
      option("store-provider", TEXT, "NAME", "store provider (default: the only one)",
          (s, v) -> s.config.storeProvider((String) v)),
      option("store-property", LIST, "KEY=VALUE", "a setting of the store provider's own (repeatable), such as "
              + "migrate=false for a schema its DBA manages",
          (s, v) -> strings(v).forEach(p -> s.config.storeProperty(key(p), value(p)))),
      option("outbox-retention", DURATION, "DURATION", "how long delivered changes stay in the outbox (default 7d)",
          (s, v) -> s.config.outboxRetention((Duration) v)),
      // passes
      option("watch", BOOLEAN, "true|false", "run passes every --interval until stopped (default: one pass)",
          (s, v) -> s.watch = (Boolean) v),
      option("interval", DURATION, "DURATION", "time between pass starts with --watch (default 5m)",
          (s, v) -> s.config.passInterval((Duration) v)),
      option("pass-deadline", DURATION_OR_OFF, "DURATION|off", "longest a pass runs before deferring the rest "
          + "(default off)", (s, v) -> s.config.passDeadline(v == Option.Off.OFF ? null : (Duration) v)),
      option("concurrency", INT, "N", "repositories synchronized at once (default 10)",
          (s, v) -> s.config.maxConcurrentRepositories((Integer) v)),
      option("prs-per-repo", INT, "N", "per-pull-request requests in flight per repository (default 50)",
          (s, v) -> s.config.maxConcurrentPrsPerRepo((Integer) v)),
      option("emit-opened-on-baseline", BOOLEAN, "true|false",
          "report existing pull requests as OPENED on a repository's first pass (default false)",
          (s, v) -> s.config.emitOpenedOnBaseline((Boolean) v)),
      option("enrichment", TEXT, "graphql|rest|off", "read reviews, CI state, mergeability and comments through "
              + "GitHub's GraphQL API, REST only, or not at all (default off)",
          (s, v) -> s.config.enrichment(EnrichmentMode.valueOf(
              oneOf(((String) v).toLowerCase(Locale.ROOT), "graphql", "rest", "off").toUpperCase(Locale.ROOT)))),
      option("enrich-closed-history", BOOLEAN, "true|false",
          "a repository's first pass also enriches its closed and merged pull requests (default false)",
          (s, v) -> s.config.enrichClosedHistory((Boolean) v)),
      option("shutdown-timeout", DURATION, "DURATION", "how long stopping lets a running pass finish (default 30s)",
          (s, v) -> s.config.shutdownTimeout((Duration) v)),
      option("monitor-name", TEXT, "NAME", "the monitor tag on every metric (default prmonitor)",
          (s, v) -> s.config.monitorName((String) v)),
      // workers
      option("leases", BOOLEAN, "true|false", "share the repositories with other workers on one PostgreSQL "
          + "(default false)", (s, v) -> s.config.leases((Boolean) v)),
      option("worker-id", TEXT, "ID", "this worker's id in the fleet (default host-pid-random)",
          (s, v) -> s.config.workerId((String) v)),
      option("lease-duration", DURATION, "DURATION", "how long a repository lease lasts unless renewed (default 60s)",
          (s, v) -> s.config.leaseDuration((Duration) v)),
      option("repository-interval", DURATION, "DURATION",
          "with leases, least time between two passes over one repository (default 0)",
          (s, v) -> s.config.repositoryInterval((Duration) v)),
      // the service
      option("print-changes", BOOLEAN, "true|false", "print each change as a JSON line on standard output",
          (s, v) -> s.printChanges = (Boolean) v),
      option("http", TEXT, "HOST:PORT", "serve /health, /metrics, the status page (/) and /api/status here "
          + "(port 0: any free one)", (s, v) -> s.http = address((String) v)),
      // webhooks
      option("webhook-secret-file", PATH, "FILE", "GitHub webhook secrets, one a line (several while rotating); "
          + "or PRMONITOR_WEBHOOK_SECRET. Turns on POST /webhooks at --http", (s, v) -> s.webhookSecretFile = (Path) v),
      option("webhook-debounce", DURATION, "DURATION", "how long a webhook-prompted re-read waits for more events "
          + "about the same repository (default 200ms, at most 1m)", (s, v) -> s.webhook(b -> b.debounce((Duration) v))),
      option("webhook-healthy-interval", DURATION, "DURATION", "time between passes while webhooks arrive "
          + "(default: --interval)", (s, v) -> s.webhook(b -> b.healthyPassInterval((Duration) v))),
      option("webhook-healthy-within", DURATION, "DURATION", "webhooks count as arriving if one was verified this "
          + "recently (default 15m)", (s, v) -> s.webhook(b -> b.healthyWithin((Duration) v))),
      option("webhook-retention", DURATION, "DURATION", "how long delivery ids are kept to refuse replays "
          + "(default 7d, at least 1h)", (s, v) -> s.webhook(b -> b.deliveryRetention((Duration) v))),
      option("log-format", TEXT, "text|json", "log lines as text or as JSON objects (default text)",
          (s, v) -> s.logFormat = oneOf((String) v, "text", "json")),
      option("log-level", TEXT, "LEVEL", "ERROR, WARN, INFO, DEBUG or TRACE (default INFO)",
          (s, v) -> s.logLevel = oneOf(((String) v).toUpperCase(Locale.ROOT), "ERROR", "WARN", "INFO", "DEBUG",
              "TRACE")));

  private static <T> Option option(String name, Option.Kind kind, String label, String description,
      BiConsumer<Builder, T> apply) {
    @SuppressWarnings("unchecked")
    Option.Applier applier = (settings, value) -> apply.accept(settings, (T) value);
    return new Option(name, kind, label, description, applier);
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Object value) {
    return (List<String>) value;
  }

  private static String key(String keyValue) {
    int equals = keyValue.indexOf('=');
    if (equals <= 0) {
      throw new IllegalArgumentException("expected KEY=VALUE: '" + keyValue + "'");
    }
    return keyValue.substring(0, equals);
  }

  private static String value(String keyValue) {
    return keyValue.substring(keyValue.indexOf('=') + 1);
  }

  private static String oneOf(String value, String... allowed) {
    for (String a : allowed) {
      if (a.equals(value)) {
        return value;
      }
    }
    throw new IllegalArgumentException("must be one of " + String.join(", ", allowed) + ": '" + value + "'");
  }

  /** {@code HOST:PORT}, {@code [::1]:PORT}; port 0 to 65535. */
  static InetSocketAddress address(String text) {
    int colon = text.lastIndexOf(':');
    String host = colon > 0 ? text.substring(0, colon) : "";
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (host.isEmpty() || port < 0 || port > 65535) {
      throw new IllegalArgumentException("expected HOST:PORT, for example 127.0.0.1:9464: '" + text + "'");
    }
    return new InetSocketAddress(host, port);
  }

  /** Collects option values; {@link #build} checks what spans options and reads the secrets. */
  static final class Builder {
    final ProcessorConfig.Builder config = ProcessorConfig.builder();
    boolean watch;
    boolean printChanges;
    InetSocketAddress http;
    String logFormat = "text";
    String logLevel = "INFO";
    Path tokenFile;
    Long appId;
    Long appInstallation;
    Path appKeyFile;
    String dbUser;
    Path dbPasswordFile;
    Object serverTimeBudget;
    Duration serverTimeWindow;
    Path webhookSecretFile;
    final WebhookConfig.Builder webhooks = WebhookConfig.builder();
    boolean webhookSettings;

    void webhook(java.util.function.Consumer<WebhookConfig.Builder> setting) {
      setting.accept(webhooks);
      webhookSettings = true;
    }

    /**
     * Reads the secrets and builds.
     *
     * @throws IllegalArgumentException naming the flag or variable at fault
     */
    ServiceSettings build(Map<String, String> env) {
      config.githubCredentials(credentials(env));
      String password = env.get(DB_PASSWORD_VARIABLE);
      if (dbPasswordFile != null) {
        if (password != null) {
          throw new IllegalArgumentException("give the database password once: " + DB_PASSWORD_VARIABLE
              + " or --db-password-file, not both");
        }
        List<String> lines = lines("--db-password-file", dbPasswordFile);
        password = lines.isEmpty() ? "" : lines.get(0);
      }
      if (dbUser != null || password != null) {
        config.databaseCredentials(dbUser, password);
      }
      if (serverTimeBudget != null || serverTimeWindow != null) {
        Duration window = serverTimeWindow != null ? serverTimeWindow : ProcessorConfig.DEFAULT_SERVER_TIME_WINDOW;
        Duration budget = serverTimeBudget == null ? ProcessorConfig.DEFAULT_SERVER_TIME_BUDGET
            : serverTimeBudget == Option.Off.OFF ? null : (Duration) serverTimeBudget;
        try {
          config.serverTimeBudget(budget, window);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(e.getMessage().replace("serverTimeWindow", "--server-time-window")
              .replace("serverTimeBudget", "--server-time-budget"), e);
        }
      }
      ProcessorConfig built;
      try {
        built = config.build();
      } catch (IllegalStateException e) {
        throw new IllegalArgumentException(crossFieldMessage(e.getMessage()), e);
      }
      return new ServiceSettings(built, watch, printChanges, http, logFormat, logLevel, webhookConfig(env));
    }

    private WebhookConfig webhookConfig(Map<String, String> env) {
      List<String> secrets = new ArrayList<>();
      String variable = env.get(WEBHOOK_SECRET_VARIABLE);
      if (variable != null) {
        secrets.add(variable);
      }
      if (webhookSecretFile != null) {
        List<String> lines = lines("--webhook-secret-file", webhookSecretFile).stream()
            .filter(line -> !line.isBlank() && !line.strip().startsWith("#")).map(String::strip).toList();
        if (lines.isEmpty()) {
          throw new IllegalArgumentException("--webhook-secret-file " + webhookSecretFile + " holds no secret");
        }
        secrets.addAll(lines);
      }
      if (secrets.isEmpty()) {
        if (webhookSettings) {
          throw new IllegalArgumentException("webhook settings need a webhook secret: " + WEBHOOK_SECRET_VARIABLE
              + " or --webhook-secret-file");
        }
        return null;
      }
      if (http == null) {
        throw new IllegalArgumentException("webhook secrets need --http, where POST /webhooks receives deliveries");
      }
      for (int i = 0; i < secrets.size(); i++) {
        try {
          webhooks.secret(secrets.get(i));
        } catch (IllegalArgumentException e) {
          // the builder's message shows a length at most, never the secret
          throw new IllegalArgumentException((variable != null && i == 0 ? WEBHOOK_SECRET_VARIABLE
              : "--webhook-secret-file " + webhookSecretFile) + ": " + e.getMessage(), e);
        }
      }
      return webhooks.build();
    }

    private GitHubCredentials credentials(Map<String, String> env) {
      List<GitHubCredentials> tokens = new ArrayList<>();
      String token = env.get(TOKEN_VARIABLE);
      if (token != null && !token.isBlank()) {
        // not stripped: a token with a stray character is refused with a message that does not show it
        tokens.add(new GitHubCredentials.Token(token));
      }
      if (tokenFile != null) {
        for (String line : lines("--token-file", tokenFile)) {
          if (!line.isBlank() && !line.strip().startsWith("#")) {
            tokens.add(new GitHubCredentials.Token(line.strip()));
          }
        }
        if (tokens.isEmpty()) {
          throw new IllegalArgumentException("--token-file " + tokenFile + " holds no token");
        }
      }
      boolean app = appId != null || appInstallation != null || appKeyFile != null;
      if (app) {
        if (appId == null || appInstallation == null || appKeyFile == null) {
          throw new IllegalArgumentException("a GitHub App needs all of --github-app-id, --github-app-installation "
              + "and --github-app-key-file");
        }
        if (!tokens.isEmpty()) {
          throw new IllegalArgumentException("give GitHub App credentials or tokens (" + TOKEN_VARIABLE
              + ", --token-file), not both");
        }
        String pem = String.join("\n", lines("--github-app-key-file", appKeyFile));
        try {
          return new GitHubCredentials.App(appId, pem, appInstallation);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("--github-app-key-file " + appKeyFile + ": " + e.getMessage(), e);
        }
      }
      if (tokens.isEmpty()) {
        return new GitHubCredentials.Anonymous();
      }
      return tokens.size() == 1 ? tokens.get(0) : new GitHubCredentials.Pool(tokens);
    }

    private static List<String> lines(String flag, Path file) {
      try {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalArgumentException(flag + ": cannot read " + file + ": " + e, e);
      }
    }

    private static String crossFieldMessage(String message) {
      if (message.startsWith("no repositories")) {
        return "no repositories: give --repos, --org, --user or --installation";
      }
      if (message.startsWith("repositories: ")) {
        return "--repos: " + message.substring("repositories: ".length());
      }
      if (message.startsWith("discoverInstallation")) {
        return "--installation needs GitHub App credentials (--github-app-id, --github-app-installation, "
            + "--github-app-key-file)";
      }
      return message;
    }
  }

  /** The names the service accepts in the environment, besides GITHUB_TOKEN. */
  static Set<String> knownVariables() {
    Set<String> names = new java.util.HashSet<>(Set.of(DB_PASSWORD_VARIABLE, CONFIG_VARIABLE,
        WEBHOOK_SECRET_VARIABLE));
    OPTIONS.forEach(o -> names.add(o.environmentVariable()));
    return names;
  }
}
