package io.prmonitor.jdbc;

import java.util.Locale;

/**
 * The SQL that differs between the databases the JDBC store supports: upserts, insert-if-absent, the
 * migration lock and the per-transaction statement timeout. Everything else is shared SQL.
 */
enum SqlDialect {

  H2(
      """
      MERGE INTO prmonitor_pull_requests t
      USING (SELECT CAST(:owner AS VARCHAR) AS owner, CAST(:name AS VARCHAR) AS name,
        CAST(:number AS INTEGER) AS number, CAST(:id AS BIGINT) AS id, CAST(:title AS VARCHAR) AS title,
        CAST(:body AS VARCHAR) AS body, CAST(:state AS VARCHAR) AS state, CAST(:draft AS BOOLEAN) AS draft,
        CAST(:author AS VARCHAR) AS author, CAST(:headSha AS VARCHAR) AS head_sha,
        CAST(:headRef AS VARCHAR) AS head_ref, CAST(:baseRef AS VARCHAR) AS base_ref,
        CAST(:labels AS VARCHAR) AS labels, CAST(:assignees AS VARCHAR) AS assignees,
        CAST(:requestedReviewers AS VARCHAR) AS requested_reviewers,
        CAST(:createdAt AS TIMESTAMP(6) WITH TIME ZONE) AS created_at,
        CAST(:updatedAt AS TIMESTAMP(6) WITH TIME ZONE) AS updated_at,
        CAST(:closedAt AS TIMESTAMP(6) WITH TIME ZONE) AS closed_at,
        CAST(:mergedAt AS TIMESTAMP(6) WITH TIME ZONE) AS merged_at) s
      ON t.owner = s.owner AND t.name = s.name AND t.number = s.number
      WHEN MATCHED AND (t.updated_at <= s.updated_at
        OR t.updated_at > CAST(:trustedUntil AS TIMESTAMP(6) WITH TIME ZONE)) THEN UPDATE SET
        id = s.id, title = s.title, body = s.body, state = s.state, draft = s.draft, author = s.author,
        head_sha = s.head_sha, head_ref = s.head_ref, base_ref = s.base_ref, labels = s.labels,
        assignees = s.assignees, requested_reviewers = s.requested_reviewers, created_at = s.created_at,
        updated_at = s.updated_at, closed_at = s.closed_at, merged_at = s.merged_at
      WHEN NOT MATCHED THEN INSERT (owner, name, number, id, title, body, state, draft, author, head_sha,
        head_ref, base_ref, labels, assignees, requested_reviewers, created_at, updated_at, closed_at, merged_at)
      VALUES (s.owner, s.name, s.number, s.id, s.title, s.body, s.state, s.draft, s.author, s.head_sha,
        s.head_ref, s.base_ref, s.labels, s.assignees, s.requested_reviewers, s.created_at, s.updated_at,
        s.closed_at, s.merged_at)
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
      WHERE prmonitor_pull_requests.updated_at <= EXCLUDED.updated_at
        OR prmonitor_pull_requests.updated_at > CAST(:trustedUntil AS TIMESTAMP(6) WITH TIME ZONE)
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

  /**
   * Inserts one pull request snapshot, or replaces the stored one unless that is newer (a later
   * {@code updated_at}): a worker that stalled past its lease cannot write the older snapshot it read over
   * the newer one its successor wrote. Bound by name.
   */
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
