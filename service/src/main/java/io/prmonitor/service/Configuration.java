package io.prmonitor.service;

import io.prmonitor.ProcessorConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Reads the service's settings from its three sources: flags (parsed by picocli, which also writes the
 * help), {@code PRMONITOR_*} environment variables, and a properties file named by {@code --config} or
 * {@code PRMONITOR_CONFIG}. For each {@link Option} a flag wins over the environment, which wins over the
 * file. An unknown flag, file key or {@code PRMONITOR_*} variable, or a bad value, is a
 * {@link UsageException} whose message names it.
 */
final class Configuration {

  /** What the command line asked for. */
  sealed interface Request {
  }

  /** Print this text (help or version) and exit 0. */
  record Print(String text) implements Request {
  }

  /** Run with these settings. */
  record Run(ServiceSettings settings) implements Request {
  }

  /** Bad arguments, file or environment; the message says which. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private static final String FOOTER = """

      Every option is also a key of the --config file (its name without '--': concurrency = 4) and an
      environment variable (PRMONITOR_CONCURRENCY=4); a flag wins over the environment, which wins over the file.
      Secrets come only from the environment or files, never from flags or the file:
        GITHUB_TOKEN            a GitHub token (or --token-file, one token a line)
        PRMONITOR_DB_PASSWORD   the database password (or --db-password-file)
        PRMONITOR_WEBHOOK_SECRET  a GitHub webhook secret (or --webhook-secret-file, one secret a line)
      Exit status: 0 done (or stopped by SIGTERM/SIGINT), 1 a pass failed or left repositories failed,
      2 bad arguments, configuration or environment.""";

  private static final Set<String> SECRET_FLAGS = Set.of("--token", "--github-token", "--db-password",
      "--password", "--github-app-key", "--webhook-secret");

  private static final Pattern FIELD_PREFIX = Pattern.compile("^([a-z][A-Za-z]*)(: | )");

  /** The names the library's messages start with: ProcessorConfig's fields. */
  private static final Set<String> LIBRARY_FIELDS = Arrays.stream(ProcessorConfig.class.getRecordComponents())
      .map(RecordComponent::getName).collect(Collectors.toUnmodifiableSet());

  private Configuration() {
  }

  /** The version of the running artifact (from its manifest), or {@code development}. */
  static String version() {
    String version = Configuration.class.getPackage().getImplementationVersion();
    return version != null ? version : "development";
  }

  static CommandLine commandLine() {
    CommandSpec spec = CommandSpec.create();
    spec.name("prmonitor");
    spec.version("prmonitor " + version(), "Java " + Runtime.version());
    spec.mixinStandardHelpOptions(true);
    spec.usageMessage()
        .description("Keeps a database in sync with the pull requests of GitHub repositories and reports "
            + "every change.")
        .footer(FOOTER)
        .sortOptions(false)
        .abbreviateSynopsis(true)
        .width(110);
    spec.addOption(OptionSpec.builder("--config").paramLabel("FILE").type(String.class)
        .description("a properties file of settings; or " + ServiceSettings.CONFIG_VARIABLE).build());
    for (Option option : ServiceSettings.OPTIONS) {
      OptionSpec.Builder builder = OptionSpec.builder(option.flag()).paramLabel(option.label())
          .description(option.description());
      switch (option.kind()) {
        case BOOLEAN -> builder.type(String.class).arity("0..1").fallbackValue("true");
        case LIST -> builder.type(List.class).auxiliaryTypes(String.class).splitRegex(",");
        default -> builder.type(String.class).arity("1");
      }
      spec.addOption(builder.build());
    }
    return new CommandLine(spec);
  }

  /**
   * Reads the settings.
   *
   * @throws UsageException naming the bad flag, key, variable or value
   */
  static Request parse(String[] args, Map<String, String> env) throws UsageException {
    for (String arg : args) {
      String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      if (SECRET_FLAGS.contains(flag)) {
        throw new UsageException(flag + ": secrets are never read from flags (they show in process lists): "
            + "use " + ServiceSettings.TOKEN_VARIABLE + ", --token-file, " + ServiceSettings.DB_PASSWORD_VARIABLE
            + ", --db-password-file, --github-app-key-file, " + ServiceSettings.WEBHOOK_SECRET_VARIABLE
            + " or --webhook-secret-file");
      }
    }
    CommandLine commandLine = commandLine();
    ParseResult parsed;
    try {
      parsed = commandLine.parseArgs(args);
    } catch (ParameterException e) {
      throw new UsageException(e.getMessage());
    }
    if (parsed.isUsageHelpRequested()) {
      return new Print(commandLine.getUsageMessage());
    }
    if (parsed.isVersionHelpRequested()) {
      return new Print(String.join(System.lineSeparator(), commandLine.getCommandSpec().version())
          + System.lineSeparator());
    }
    checkEnvironment(env);
    String configFile = parsed.hasMatchedOption("--config") ? parsed.matchedOptionValue("--config", (String) null)
        : env.get(ServiceSettings.CONFIG_VARIABLE);
    Properties file = configFile == null ? new Properties() : load(Path.of(configFile));
    ServiceSettings.Builder settings = new ServiceSettings.Builder();
    for (Option option : ServiceSettings.OPTIONS) {
      Object value;
      String source;
      try {
        if (parsed.hasMatchedOption(option.flag())) {
          source = null;
          Object raw = parsed.matchedOption(option.flag()).getValue();
          value = option.kind() == Option.Kind.LIST ? raw : option.kind().parse((String) raw);
        } else if (env.containsKey(option.environmentVariable())) {
          source = option.environmentVariable();
          value = option.kind().parse(env.get(option.environmentVariable()));
        } else if (file.containsKey(option.name())) {
          source = configFile;
          value = option.kind().parse(file.getProperty(option.name()));
        } else {
          continue;
        }
      } catch (IllegalArgumentException e) {
        throw new UsageException(where(option, sourceOf(option, parsed, env, configFile)) + ": " + e.getMessage());
      }
      try {
        option.apply().apply(settings, value);
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new UsageException(where(option, source) + ": " + withoutFieldName(e.getMessage()));
      }
    }
    try {
      return new Run(settings.build(env));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static String sourceOf(Option option, ParseResult parsed, Map<String, String> env, String configFile) {
    if (parsed.hasMatchedOption(option.flag())) {
      return null;
    }
    return env.containsKey(option.environmentVariable()) ? option.environmentVariable() : configFile;
  }

  private static String where(Option option, String source) {
    return source == null ? option.flag() : option.flag() + " (from " + source + ")";
  }

  /**
   * The library names its fields ({@code maxConcurrentRepositories must be ...}); the user typed a flag, so
   * the field name goes and the caller puts the flag in front.
   */
  static String withoutFieldName(String message) {
    if (message == null) {
      return "invalid value";
    }
    Matcher field = FIELD_PREFIX.matcher(message);
    return field.find() && LIBRARY_FIELDS.contains(field.group(1)) ? message.substring(field.end()) : message;
  }

  private static void checkEnvironment(Map<String, String> env) throws UsageException {
    Set<String> known = ServiceSettings.knownVariables();
    Set<String> unknown = new TreeSet<>();
    for (String name : env.keySet()) {
      if (name.startsWith("PRMONITOR_") && !known.contains(name)) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      throw new UsageException("unknown environment variable" + (unknown.size() > 1 ? "s " : " ")
          + String.join(", ", unknown) + " (each option's is PRMONITOR_ and its name: see --help)");
    }
  }

  private static Properties load(Path path) throws UsageException {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      properties.load(in);
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException("--config: cannot read " + path + ": " + e.getMessage());
    }
    Set<String> names = new TreeSet<>();
    ServiceSettings.OPTIONS.forEach(o -> names.add(o.name()));
    List<String> unknown = new ArrayList<>();
    for (String key : new TreeSet<>(properties.stringPropertyNames())) {
      if (names.contains(key)) {
        continue;
      }
      String lower = key.toLowerCase(Locale.ROOT);
      if (lower.contains("token") || lower.contains("password") || lower.contains("secret")) {
        throw new UsageException(path + ": '" + key + "': secrets are not read from the configuration file: use "
            + ServiceSettings.TOKEN_VARIABLE + " or --token-file, " + ServiceSettings.DB_PASSWORD_VARIABLE
            + " or --db-password-file");
      }
      unknown.add("'" + key + "'");
    }
    if (!unknown.isEmpty()) {
      throw new UsageException(path + ": unknown key" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
          + " (the keys are the options' names without '--': see --help)");
    }
    return properties;
  }
}
