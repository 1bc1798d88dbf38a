package io.prmonitor;

import java.util.regex.Pattern;

/** Turns the include/exclude globs of {@link ProcessorConfig} into patterns. */
final class Globs {

  private Globs() {
  }

  /** {@code *} matches any run of characters, {@code ?} one character; everything else is literal. */
  static Pattern toRegex(String glob) {
    StringBuilder regex = new StringBuilder();
    for (String part : glob.split("(?=[*?])|(?<=[*?])")) {
      switch (part) {
        case "*" -> regex.append(".*");
        case "?" -> regex.append('.');
        default -> regex.append(Pattern.quote(part));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
  }
}
