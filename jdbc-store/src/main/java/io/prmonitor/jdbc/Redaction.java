package io.prmonitor.jdbc;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Removes database passwords from text that may end up in logs, exception messages or toString(). */
final class Redaction {

  static final String MASK = "****";

  /** {@code password=...} as a URL query parameter (PostgreSQL) or setting (H2), up to the next separator. */
  private static final Pattern PASSWORD_SETTING =
      Pattern.compile("(?i)((?:password|passwd|pwd|sslpassword)=)[^&;]*");
  /** {@code //user:password@host} user information. */
  private static final Pattern USER_INFO = Pattern.compile("(//[^/:@]*:)[^@/]*@");

  private Redaction() {
  }

  /** Returns the URL with every password setting and user-info password replaced by {@link #MASK}. */
  static String maskUrl(String jdbcUrl) {
    if (jdbcUrl == null) {
      return null;
    }
    String masked = PASSWORD_SETTING.matcher(jdbcUrl).replaceAll("$1" + Matcher.quoteReplacement(MASK));
    return USER_INFO.matcher(masked).replaceAll("$1" + Matcher.quoteReplacement(MASK) + "@");
  }

  /** Returns the text with the password (if any) replaced by {@link #MASK}, and any URL in it masked. */
  static String redact(String text, String password) {
    if (text == null) {
      return null;
    }
    String redacted = text;
    if (password != null && !password.isEmpty()) {
      redacted = redacted.replace(password, MASK);
    }
    return maskUrl(redacted);
  }

  /** Whether the text or any message in the cause chain of the throwable contains the password. */
  static boolean leaks(Throwable throwable, String password) {
    if (password == null || password.isEmpty()) {
      return false;
    }
    for (Throwable t = throwable; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (message != null && message.contains(password)) {
        return true;
      }
      for (Throwable suppressed : t.getSuppressed()) {
        if (leaks(suppressed, password)) {
          return true;
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
