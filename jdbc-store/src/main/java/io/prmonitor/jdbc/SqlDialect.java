package io.prmonitor.jdbc;

import java.util.Locale;

/**
 * The SQL that differs between the databases the JDBC store supports: upserts, insert-if-absent, the
 * migration lock and the per-transaction statement timeout. Everything else is shared SQL.
 */
enum SqlDialect {

  H2(
      """
      MERGE INTO prmonitor_pull_requests (owner, name, number, id, title, body, state, draft, author, head_sha,
        head_ref, base_ref, labels, assignees, requested_reviewers, created_at, updated_at, closed_at, merged_at)
      KEY (owner, name, number)
      VALUES (:owner, :name, :number, :id, :title, :body, :state, :draft, :author, :headSha, :headRef, :baseRef,
        :labels, :assignees, :requestedReviewers, :createdAt, :updatedAt, :closedAt, :mergedAt)
      """,
      """
      INSERT INTO prmonitor_outbox (change_key, owner, name, number, kind, field, before_value, after_value,
        updated_at, created_at)
      SELECT :key, :owner, :name, :number, :kind, :field, :before, :after, :updatedAt, :createdAt
      WHERE NOT EXISTS (SELECT 1 FROM prmonitor_outbox WHERE change_key = :key)
      """,
      """
      MERGE INTO prmonitor_repositories (owner, name, cursor_updated_at, cursor_etag, last_completed_at)
      KEY (owner, name)
      VALUES (:owner, :name, :cursorUpdatedAt, :cursorEtag, :completedAt)
      """,
      null,
      null),

  POSTGRESQL(
      """
      INSERT INTO prmonitor_pull_requests (owner, name, number, id, title, body, state, draft, author, head_sha,
        head_ref, base_ref, labels, assignees, requested_reviewers, created_at, updated_at, closed_at, merged_at)
      VALUES (:owner, :name, :number, :id, :title, :body, :state, :draft, :author, :headSha, :headRef, :baseRef,
        :labels, :assignees, :requestedReviewers, :createdAt, :updatedAt, :closedAt, :mergedAt)
      ON CONFLICT (owner, name, number) DO UPDATE SET
        id = EXCLUDED.id, title = EXCLUDED.title, body = EXCLUDED.body, state = EXCLUDED.state,
        draft = EXCLUDED.draft, author = EXCLUDED.author, head_sha = EXCLUDED.head_sha,
        head_ref = EXCLUDED.head_ref, base_ref = EXCLUDED.base_ref, labels = EXCLUDED.labels,
        assignees = EXCLUDED.assignees, requested_reviewers = EXCLUDED.requested_reviewers,
        created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at, closed_at = EXCLUDED.closed_at,
        merged_at = EXCLUDED.merged_at
      """,
      """
      INSERT INTO prmonitor_outbox (change_key, owner, name, number, kind, field, before_value, after_value,
        updated_at, created_at)
      VALUES (:key, :owner, :name, :number, :kind, :field, :before, :after, :updatedAt, :createdAt)
      ON CONFLICT (change_key) DO NOTHING
      """,
      """
      INSERT INTO prmonitor_repositories (owner, name, cursor_updated_at, cursor_etag, last_completed_at)
      VALUES (:owner, :name, :cursorUpdatedAt, :cursorEtag, :completedAt)
      ON CONFLICT (owner, name) DO UPDATE SET cursor_updated_at = EXCLUDED.cursor_updated_at,
        cursor_etag = EXCLUDED.cursor_etag, last_completed_at = EXCLUDED.last_completed_at
      """,
      // one lock per schema, so that stores in different schemas of one database migrate independently
      "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.prmonitor_schema_version'))",
      "SELECT set_config('statement_timeout', :timeout, true)");

  /** Inserts or replaces one pull request snapshot; bound by name. */
  final String upsertPullRequest;
  /** Appends one change to the outbox unless its key is already there; bound by name. */
  final String insertChangeIfAbsent;
  /** {@link #upsertPullRequest} with positional parameters, in column order. */
  final String upsertPullRequestPositional;
  /**
   * {@link #insertChangeIfAbsent} with positional parameters: key, owner, name, number, kind, field, before,
   * after, updatedAt, createdAt, and the key once more if {@link #insertChangeRepeatsKey}.
   */
  final String insertChangeIfAbsentPositional;
  /** Whether {@link #insertChangeIfAbsentPositional} takes the key a second time, last. */
  final boolean insertChangeRepeatsKey;
  /** Inserts or updates a repository's cursor and completion time, leaving its lease alone. */
  final String upsertRepositoryPass;
  /** Blocks until this transaction holds the database-wide migration lock, or null if the dialect has none. */
  final String migrationLock;
  /** Sets the statement timeout for the rest of the transaction from {@code :timeout} (ms), or null. */
  final String transactionStatementTimeout;

  SqlDialect(String upsertPullRequest, String insertChangeIfAbsent, String upsertRepositoryPass,
      String migrationLock, String transactionStatementTimeout) {
    this.upsertPullRequest = upsertPullRequest;
    this.insertChangeIfAbsent = insertChangeIfAbsent;
    this.upsertPullRequestPositional = positional(upsertPullRequest);
    this.insertChangeIfAbsentPositional = positional(insertChangeIfAbsent);
    this.insertChangeRepeatsKey = insertChangeIfAbsent.indexOf(":key") != insertChangeIfAbsent.lastIndexOf(":key");
    this.upsertRepositoryPass = upsertRepositoryPass;
    this.migrationLock = migrationLock;
    this.transactionStatementTimeout = transactionStatementTimeout;
  }

  /** The statement with each {@code :name} parameter replaced by {@code ?}, in the order they appear. */
  static String positional(String named) {
    return named.replaceAll(":[A-Za-z][A-Za-z0-9]*", "?");
  }

  /**
   * Picks the dialect of a JDBC URL.
   *
   * @throws IllegalArgumentException naming the (password-masked) URL if it is neither H2 nor PostgreSQL
   */
  static SqlDialect ofJdbcUrl(String jdbcUrl) {
    String lower = jdbcUrl.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:h2:")) {
      return H2;
    }
    if (lower.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    throw new IllegalArgumentException("unsupported JDBC URL (expected jdbc:h2: or jdbc:postgresql:): "
        + Redaction.maskUrl(jdbcUrl));
  }

  /**
   * Picks the dialect from {@link java.sql.DatabaseMetaData#getDatabaseProductName()}.
   *
   * @throws IllegalArgumentException naming the product if it is neither H2 nor PostgreSQL
   */
  static SqlDialect ofProductName(String productName) {
    if ("H2".equalsIgnoreCase(productName)) {
      return H2;
    }
    if ("PostgreSQL".equalsIgnoreCase(productName)) {
      return POSTGRESQL;
    }
    throw new IllegalArgumentException("unsupported database (expected H2 or PostgreSQL): " + productName);
  }
}
