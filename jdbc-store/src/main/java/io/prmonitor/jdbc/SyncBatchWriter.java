package io.prmonitor.jdbc;

import io.prmonitor.spi.ListingCursor;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.SyncBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The writes of a synchronisation: a {@link SyncBatch} (snapshots by conditional upsert, enrichments,
 * changes appended to the outbox unless their key is there) in one transaction, and a completed pass.
 *
 * <p>Plain JDBC with positional parameters: JDBI's per-row named binding was a third of
 * {@link #apply}'s time, and one fixed statement text per dialect is parsed once per connection by the
 * driver's cache. Each kind of row goes out as one JDBC batch of one prepared statement, so a batch of 100
 * pull requests costs two round trips. Thread-safe.
 */
final class SyncBatchWriter {

  /**
   * The characters of titles and bodies bound into one JDBC batch before it is sent: a page of 100 bodies at
   * GitHub's limit (65,536 characters, ~192 KB of UTF-8 each in CJK) goes out in several batches of one
   * transaction instead of one copy of the whole page in the driver.
   */
  static final long MAX_BATCH_TEXT_CHARS = 1 << 20;

  private final JdbcTransactions transactions;
  private final SqlDialect dialect;
  private final Clock clock;

  SyncBatchWriter(JdbcTransactions transactions, Clock clock) {
    this.transactions = transactions;
    this.dialect = transactions.dialect();
    this.clock = clock;
  }

  void apply(SyncBatch batch) {
    Objects.requireNonNull(batch, "null batch");
    if (batch.isEmpty()) {
      return;
    }
    RepositoryId repository = batch.repository();
    Instant now = clock.instant();
    // a stored updated_at this far ahead of our clock is a clock glitch: it must not block a later read
    Instant trustedUntil = now.plus(PullRequestStore.FUTURE_MARGIN);
    transactions.write("apply batch", repository, handle -> {
      Connection connection = handle.getConnection();
      int timeout = transactions.queryTimeoutSeconds();
      if (!batch.upserts().isEmpty()) {
        try (PreparedStatement upserts = connection.prepareStatement(dialect.upsertPullRequestPositional)) {
          upserts.setQueryTimeout(timeout);
          upsertSnapshots(upserts, repository, lastOfEachNumber(batch.upserts()), trustedUntil);
        }
      }
      if (!batch.enrichments().isEmpty()) {
        try (PreparedStatement upserts = connection.prepareStatement(EnrichmentSql.upsert(dialect))) {
          upserts.setQueryTimeout(timeout);
          for (PullRequestEnrichment enrichment : batch.enrichments()) {
            EnrichmentSql.bind(upserts, repository, enrichment);
            upserts.addBatch();
          }
          upserts.executeBatch();
        }
      }
      if (!batch.changes().isEmpty()) {
        try (PreparedStatement inserts = connection.prepareStatement(dialect.insertChangeIfAbsentPositional)) {
          inserts.setQueryTimeout(timeout);
          for (PullRequestChange change : batch.changes()) {
            bindChange(inserts, repository, change, now);
            inserts.addBatch();
          }
          inserts.executeBatch();
        }
      }
      return null;
    });
  }

  void completePass(RepositoryId repository, ListingCursor cursor, Instant completedAt) {
    Objects.requireNonNull(repository, "null repository");
    Objects.requireNonNull(cursor, "null cursor");
    Objects.requireNonNull(completedAt, "null completedAt");
    transactions.write("complete pass", repository, handle -> handle.createUpdate(dialect.upsertRepositoryPass)
        .bind("owner", repository.canonicalOwner())
        .bind("name", repository.canonicalName())
        .bind("cursorUpdatedAt", SqlValues.timestamp(cursor.updatedAt()))
        .bind("cursorEtag", cursor.etag())
        .bind("completedAt", SqlValues.timestamp(completedAt))
        .execute());
  }

  /**
   * Adds the snapshots to the upsert's batch, sending it whenever the titles and bodies bound reach
   * {@link #MAX_BATCH_TEXT_CHARS}: the driver holds a batch's parameters (PostgreSQL's as UTF-8 bytes) until
   * it is sent, so a page of large bodies is never copied whole.
   */
  private static void upsertSnapshots(PreparedStatement upserts, RepositoryId repository,
      Collection<PullRequest> snapshots, Instant trustedUntil) throws SQLException {
    long pendingChars = 0;
    int pendingRows = 0;
    for (PullRequest pr : snapshots) {
      bindSnapshot(upserts, repository, pr, trustedUntil);
      upserts.addBatch();
      pendingRows++;
      pendingChars += pr.title().length() + (pr.body() == null ? 0 : pr.body().length());
      if (pendingChars >= MAX_BATCH_TEXT_CHARS) {
        upserts.executeBatch();
        pendingChars = 0;
        pendingRows = 0;
      }
    }
    if (pendingRows > 0) {
      upserts.executeBatch();
    }
  }

  /** Binds {@link SqlDialect#upsertPullRequestPositional}'s parameters, in column order. */
  private static void bindSnapshot(PreparedStatement upsert, RepositoryId repository, PullRequest pr,
      Instant trustedUntil) throws SQLException {
    int i = 0;
    upsert.setString(++i, repository.canonicalOwner());
    upsert.setString(++i, repository.canonicalName());
    upsert.setInt(++i, pr.number());
    upsert.setLong(++i, pr.id());
    upsert.setString(++i, SqlValues.encodeText(pr.title()));
    upsert.setString(++i, SqlValues.encodeText(pr.body()));
    upsert.setString(++i, pr.state().name());
    upsert.setBoolean(++i, pr.draft());
    upsert.setString(++i, SqlValues.encodeText(pr.author()));
    upsert.setString(++i, SqlValues.encodeText(pr.headSha()));
    upsert.setString(++i, SqlValues.encodeText(pr.headRef()));
    upsert.setString(++i, SqlValues.encodeText(pr.baseRef()));
    upsert.setString(++i, SqlValues.joinSet(pr.labels()));
    upsert.setString(++i, SqlValues.joinSet(pr.assignees()));
    upsert.setString(++i, SqlValues.joinSet(pr.requestedReviewers()));
    SqlValues.setTimestamp(upsert, ++i, pr.createdAt());
    SqlValues.setTimestamp(upsert, ++i, pr.updatedAt());
    SqlValues.setTimestamp(upsert, ++i, pr.closedAt());
    SqlValues.setTimestamp(upsert, ++i, pr.mergedAt());
    SqlValues.setTimestamp(upsert, ++i, trustedUntil);
  }

  /**
   * Binds {@link SqlDialect#insertChangeIfAbsentPositional}'s parameters. The outbox keeps the spelling of
   * the repository the changes were given with.
   */
  private void bindChange(PreparedStatement insert, RepositoryId repository, PullRequestChange change,
      Instant createdAt) throws SQLException {
    int i = 0;
    insert.setString(++i, change.key());
    insert.setString(++i, repository.owner());
    insert.setString(++i, repository.name());
    insert.setInt(++i, change.number());
    insert.setString(++i, change.kind().name());
    insert.setString(++i, change.field());
    insert.setString(++i, SqlValues.encodeText(change.before()));
    insert.setString(++i, SqlValues.encodeText(change.after()));
    SqlValues.setTimestamp(insert, ++i, change.updatedAt());
    SqlValues.setTimestamp(insert, ++i, createdAt);
    if (dialect.insertChangeRepeatsKey) {
      insert.setString(++i, change.key());
    }
  }

  /**
   * The snapshots to write, one per number: where a batch holds a number twice, the later occurrence wins,
   * as if the snapshots were applied one after the other (a multi-row upsert cannot touch a row twice).
   */
  private static Collection<PullRequest> lastOfEachNumber(List<PullRequest> upserts) {
    if (upserts.size() < 2) {
      return upserts;
    }
    Map<Integer, PullRequest> byNumber = new LinkedHashMap<>();
    for (PullRequest pr : upserts) {
      byNumber.remove(pr.number());
      byNumber.put(pr.number(), pr);
    }
    return byNumber.size() == upserts.size() ? upserts : byNumber.values();
  }
}
