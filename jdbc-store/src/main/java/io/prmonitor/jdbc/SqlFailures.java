package io.prmonitor.jdbc;

import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.StoreException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What a SQL failure means and how it reaches the caller: whether the connection itself broke (worth one
 * retry on a fresh one), whether it is a unique violation, an {@link OutOfMemoryError} the driver wrapped,
 * and the {@link StoreException} that wraps it, password redacted.
 */
final class SqlFailures {

  /** The longest message of a wrapped SQL failure kept in a {@link StoreException}, in characters. */
  private static final int MAX_CAUSE_MESSAGE = 500;
  /** SQLSTATE of a unique-constraint violation, on H2 and PostgreSQL alike. */
  private static final String UNIQUE_VIOLATION = "23505";

  private SqlFailures() {
  }

  /** Whether a failure's SQLState says the connection itself broke. */
  static boolean brokenConnection(Throwable e) {
    String state = sqlState(e);
    return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
        || state.equals("57P03"));
  }

  /** Whether the failure's direct cause is a unique-constraint violation. */
  static boolean uniqueViolation(Throwable e) {
    return e.getCause() instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState());
  }

  /** The first SQLState in the cause chain, or null. */
  static String sqlState(Throwable e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
    }
    return null;
  }

  /**
   * Rethrows an {@link OutOfMemoryError} the driver wrapped (H2 turns one met inside the engine into an
   * {@code SQLException}), so that it reaches the caller as itself, never as a store failure.
   */
  static void throwOutOfMemory(Throwable e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof OutOfMemoryError oom) {
        throw oom;
      }
    }
  }

  /**
   * Wraps a failure in a {@link StoreException} whose message names the operation, the repository and the
   * database's own explanation, with the password masked. If the password appears anywhere in the cause
   * chain, the chain is replaced by a redacted copy so that no stack trace can print it.
   */
  static StoreException failure(String operation, RepositoryId repository, String where, Throwable e,
      String password) {
    String reason = Redaction.redact(rootMessage(e), password);
    if (reason.length() > MAX_CAUSE_MESSAGE) {
      reason = reason.substring(0, MAX_CAUSE_MESSAGE) + "...";
    }
    String message = operation + " failed" + (repository == null ? "" : " for repository " + repository)
        + " on " + Redaction.redact(where, password) + ": " + reason;
    Throwable cause = Redaction.leaks(e, password) ? redactedCopy(e, password) : e;
    return new StoreException(message, cause);
  }

  /** The message of the innermost SQL failure (the database's own words), else of the outermost. */
  private static String rootMessage(Throwable e) {
    Throwable chosen = e;
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof SQLException) {
        chosen = t;
      }
    }
    String text = chosen.getMessage();
    return chosen.getClass().getSimpleName() + (text == null ? "" : ": " + text.strip());
  }

  private static Throwable redactedCopy(Throwable e, String password) {
    Function<Throwable, StoreException> copy = t -> {
      StoreException redacted = new StoreException(t.getClass().getName() + ": "
          + Redaction.redact(t.getMessage(), password));
      redacted.setStackTrace(t.getStackTrace());
      return redacted;
    };
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    StoreException copied = null;
    for (int i = chain.size() - 1; i >= 0; i--) {
      StoreException next = copy.apply(chain.get(i));
      if (copied != null) {
        next.initCause(copied);
      }
      copied = next;
    }
    return copied;
  }
}
