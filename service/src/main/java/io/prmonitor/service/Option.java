package io.prmonitor.service;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One setting of the service, reachable three ways: the flag {@code --NAME}, the key {@code NAME} of the
 * configuration file and the environment variable {@code PRMONITOR_NAME} (upper case, '-' as '_'). A flag
 * wins over the environment, which wins over the file. The value is read as text by {@link Kind} and handed
 * to {@link #apply}; an error names the flag and where the value came from, never an internal field.
 *
 * @param name the flag without its dashes, the file key
 * @param kind how the text is read
 * @param label what the help shows for the value
 * @param description the help text, default included
 * @param apply where the value goes
 */
record Option(String name, Kind kind, String label, String description, Applier apply) {

  /** Puts a parsed value into the settings being built; throws IllegalArgumentException for a bad one. */
  @FunctionalInterface
  interface Applier {
    void apply(ServiceSettings.Builder settings, Object value);
  }

  /** How an option's text is read. */
  enum Kind {
    TEXT, LIST, INT, LONG, NUMBER, BOOLEAN, DURATION, DURATION_OR_OFF, PATH;

    Object parse(String text) {
      String t = text.strip();
      return switch (this) {
        case TEXT -> t;
        case LIST -> list(t);
        case INT -> {
          try {
            yield Integer.parseInt(t);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number: '" + text + "'");
          }
        }
        case LONG -> {
          try {
            yield Long.parseLong(t);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number: '" + text + "'");
          }
        }
        case NUMBER -> {
          try {
            yield Double.parseDouble(t);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: '" + text + "'");
          }
        }
        case BOOLEAN -> switch (t.toLowerCase(Locale.ROOT)) {
          case "true", "yes", "on" -> true;
          case "false", "no", "off" -> false;
          default -> throw new IllegalArgumentException("not true or false: '" + text + "'");
        };
        case DURATION -> duration(t);
        case DURATION_OR_OFF -> t.equalsIgnoreCase("off") ? Off.OFF : duration(t);
        case PATH -> {
          if (t.isEmpty()) {
            throw new IllegalArgumentException("empty file name");
          }
          yield Path.of(t);
        }
      };
    }
  }

  /** The value of a {@link Kind#DURATION_OR_OFF} option that was turned off. */
  enum Off {
    OFF
  }

  /** The flag, as the help and every error show it. */
  String flag() {
    return "--" + name;
  }

  /** The environment variable. */
  String environmentVariable() {
    return "PRMONITOR_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** Comma-separated, blanks dropped. */
  static List<String> list(String text) {
    List<String> items = new ArrayList<>();
    for (String item : text.split(",")) {
      if (!item.isBlank()) {
        items.add(item.strip());
      }
    }
    return items;
  }

  /** Reads {@code 300s}, {@code 5m}, {@code 2h}, {@code 1d}, {@code 250ms}, {@code 0} or ISO-8601 {@code PT5M}. */
  static Duration duration(String text) {
    try {
      if (text.equals("0")) {
        return Duration.ZERO;
      }
      if (text.startsWith("P") || text.startsWith("p")) {
        return Duration.parse(text);
      }
      if (text.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
      }
      long amount = Long.parseLong(text.substring(0, text.length() - 1));
      return switch (text.charAt(text.length() - 1)) {
        case 's' -> Duration.ofSeconds(amount);
        case 'm' -> Duration.ofMinutes(amount);
        case 'h' -> Duration.ofHours(amount);
        case 'd' -> Duration.ofDays(amount);
        default -> throw new IllegalArgumentException("not a duration (300s, 5m, 2h, 1d, 250ms, PT5M): '" + text + "'");
      };
    } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("not a duration (300s, 5m, 2h, 1d, 250ms, PT5M): '" + text + "'");
    }
  }
}
