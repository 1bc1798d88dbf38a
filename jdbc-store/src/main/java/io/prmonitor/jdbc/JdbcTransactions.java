package io.prmonitor.jdbc;

import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.StoreException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.SqlStatements;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every unit of work of the JDBC store runs: a read on one handle, a write in one transaction whose
 * statements are limited to the transaction timeout, or one statement in autocommit; each failure wrapped
 * by {@link SqlFailures#failure} and, where that is safe, retried once on a fresh connection. Also holds
 * whether the store is closed: nothing runs after {@link #markClosed()}. Thread-safe.
 */
final class JdbcTransactions {

  private static final Logger LOG = LoggerFactory.getLogger(JdbcTransactions.class);

  private final Jdbi jdbi;
  private final SqlDialect dialect;
  private final Duration transactionTimeout;
  private final String password;
  private final String description;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @param password the database password, masked in every failure; null if unknown
   * @param description where the store runs, named in every failure
   */
  JdbcTransactions(Jdbi jdbi, SqlDialect dialect, Duration transactionTimeout, String password,
      String description) {
    this.jdbi = jdbi;
    this.dialect = dialect;
    this.transactionTimeout = transactionTimeout;
    this.password = password;
    this.description = description;
    // the JDBC query timeout has whole-second granularity: round up so that no timeout becomes zero (= none)
    long seconds = Math.max(1, (transactionTimeout.toMillis() + 999) / 1000);
    jdbi.getConfig(SqlStatements.class).setQueryTimeout((int) Math.min(Integer.MAX_VALUE, seconds));
  }

  Jdbi jdbi() {
    return jdbi;
  }

  SqlDialect dialect() {
    return dialect;
  }

  /** The JDBC query timeout of the statements run outside JDBI, as JDBI's are configured. */
  int queryTimeoutSeconds() {
    return jdbi.getConfig(SqlStatements.class).getQueryTimeout();
  }

  /** A read on one handle, retried once on a broken connection. */
  <R> R read(String operation, RepositoryId repository, HandleCallback<R, SQLException> work) {
    return retryingOnce(operation, repository, true, () -> jdbi.withHandle(work));
  }

  /** An idempotent write (running it twice leaves what running it once does): retried once, see below. */
  <R> R write(String operation, RepositoryId repository, HandleCallback<R, SQLException> work) {
    return write(operation, repository, true, work);
  }

  /** A write that must not run twice (a claim whose commit may have happened), never retried. */
  <R> R writeOnce(String operation, RepositoryId repository, HandleCallback<R, SQLException> work) {
    return write(operation, repository, false, work);
  }

  /**
   * One statement in autocommit, never retried: no BEGIN, statement-timeout setting or COMMIT round trip
   * (the JDBC query timeout still bounds it), for work whose caller waits on it.
   */
  <R> R autocommitOnce(String operation, HandleCallback<R, SQLException> work) {
    return retryingOnce(operation, null, false, () -> jdbi.withHandle(work));
  }

  /** Runs a {@code DELETE} whose one parameter, {@code :before}, is the instant; returns the rows deleted. */
  int deleteBefore(String operation, String delete, Instant before) {
    return write(operation, null, handle -> handle.createUpdate(delete)
        .bind("before", SqlValues.timestamp(before))
        .execute());
  }

  /** Marks the store closed; returns false if it already was. */
  boolean markClosed() {
    return !closed.getAndSet(true);
  }

  /** Wraps a failure of the store's own (not of a unit of work) like a unit of work's. */
  StoreException failure(String operation, String where, Throwable e) {
    return SqlFailures.failure(operation, null, where, e, password);
  }

  private <R> R write(String operation, RepositoryId repository, boolean idempotent,
      HandleCallback<R, SQLException> work) {
    return retryingOnce(operation, repository, idempotent, () -> jdbi.inTransaction(handle -> {
      limitStatements(handle);
      return work.withHandle(handle);
    }));
  }

  /**
   * Runs an operation, and once more on a fresh connection if it failed quickly because its connection
   * was broken (SQLState class {@code 08}, or {@code 57P01}-{@code 57P03}: terminated by an administrator,
   * a crash, a restart). HikariCP skips its liveness check for a connection used within the last 500 ms,
   * so a connection killed while idle in the pool can be handed out once; HikariCP evicts it on that
   * failure, and the second attempt gets another. Only a quick failure is retried (within a quarter of the
   * transaction timeout): a connection that failed after waiting (a partition, a socket timeout) would
   * only make the caller wait twice. Only reads and idempotent writes: a commit whose answer was lost may
   * have happened.
   */
  private <R> R retryingOnce(String operation, RepositoryId repository, boolean retryable,
      Attempt<R> attempt) {
    checkOpen();
    long started = System.nanoTime();
    try {
      return attempt.run();
    } catch (JdbiException | SQLException e) {
      SqlFailures.throwOutOfMemory(e);
      long elapsed = System.nanoTime() - started;
      if (!retryable || elapsed > transactionTimeout.toNanos() / 4 || !SqlFailures.brokenConnection(e)) {
        throw SqlFailures.failure(operation, repository, description, e, password);
      }
      LOG.info("{} failed on a broken connection ({}); retrying once on a fresh one", operation,
          SqlFailures.sqlState(e));
      try {
        return attempt.run();
      } catch (JdbiException | SQLException again) {
        SqlFailures.throwOutOfMemory(again);
        again.addSuppressed(e);
        throw SqlFailures.failure(operation, repository, description, again, password);
      }
    }
  }

  @FunctionalInterface
  private interface Attempt<R> {
    R run() throws SQLException;
  }

  private void limitStatements(Handle handle) {
    if (dialect.transactionStatementTimeout != null) {
      handle.createQuery(dialect.transactionStatementTimeout)
          .bind("timeout", String.valueOf(transactionTimeout.toMillis()))
          .mapTo(String.class)
          .one();
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("store is closed: " + description);
    }
  }
}
