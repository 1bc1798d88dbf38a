package io.prmonitor.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.ListingCursor;
import io.prmonitor.spi.OutboxEntry;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.PullRequestState;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RateLimitStatus;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryLeases;
import io.prmonitor.spi.RepositoryState;
import io.prmonitor.spi.SharedRateLimits;
import io.prmonitor.spi.StoreException;
import io.prmonitor.spi.StoreSettings;
import io.prmonitor.spi.SyncBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.SqlStatements;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PullRequestStore} in a relational database, on JDBI 3 and HikariCP: H2 (embedded, file or
 * in-memory) or PostgreSQL, chosen from the JDBC URL or the data source's metadata. The schema (tables
 * {@code prmonitor_repositories}, {@code prmonitor_pull_requests}, {@code prmonitor_enrichments}, {@code prmonitor_outbox}) is migrated
 * when the store is created.
 *
 * <p>Create one with {@link #create(StoreSettings)}, which opens a HikariCP pool of at most
 * {@link StoreSettings#maxPoolSize()} connections that {@link #close()} closes, or with
 * {@link #create(DataSource, Duration)} over a host's data source, which the store never closes.
 *
 * <p>Every write is one transaction; {@link #apply} writes the snapshots and the changes with two
 * JDBC batches of one prepared statement each, so a batch of 100 pull requests costs two round trips. Each statement is limited to
 * the transaction timeout (JDBC query timeout, and on PostgreSQL also the transaction's
 * {@code statement_timeout}). SQL failures surface as {@link StoreException}s naming the operation and
 * the repository; neither they nor {@link #toString()} contain the database password.
 *
 * <p>It is also the {@link RepositoryLeases} and {@link SharedRateLimits} of a fleet of monitors sharing
 * one database: leases are claimed with {@code FOR UPDATE SKIP LOCKED} on PostgreSQL and with conditional
 * updates on H2 (see {@code JdbcRepositoryLeases}).
 *
 * <p>Thread-safe. Instants are kept to the microsecond (PostgreSQL's precision); GitHub's are whole
 * seconds.
 */
public final class JdbcPullRequestStore implements PullRequestStore, RepositoryLeases, SharedRateLimits {

  private static final Logger LOG = LoggerFactory.getLogger(JdbcPullRequestStore.class);

  /** The most values bound into one {@code IN (...)} list; longer collections are queried in chunks. */
  private static final int IN_LIST_CHUNK = 1_000;
  /** The longest message of a wrapped SQL failure kept in a {@link StoreException}, in characters. */
  private static final int MAX_CAUSE_MESSAGE = 500;

  private static final String PULL_REQUEST_COLUMNS = "number, id, title, body, state, draft, author, head_sha, "
      + "head_ref, base_ref, labels, assignees, requested_reviewers, created_at, updated_at, closed_at, merged_at";
  private static final String OUTBOX_COLUMNS =
      "seq, change_key, owner, name, number, kind, field, before_value, after_value, updated_at, attempts";

  private final Jdbi jdbi;
  private final HikariDataSource ownedPool;
  private final SqlDialect dialect;
  private final Duration transactionTimeout;
  private final String password;
  private final String description;
  private final Clock clock;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final JdbcRepositoryLeases leases;

  private JdbcPullRequestStore(DataSource dataSource, HikariDataSource ownedPool, SqlDialect dialect,
      Duration transactionTimeout, String password, String description) {
    this.ownedPool = ownedPool;
    this.dialect = dialect;
    this.transactionTimeout = transactionTimeout;
    this.password = password;
    this.description = description;
    this.clock = Clock.systemUTC();
    this.jdbi = Jdbi.create(dataSource);
    this.leases = new JdbcRepositoryLeases(dialect, new JdbcRepositoryLeases.Transactions() {
      @Override
      public <R> R read(String operation, RepositoryId repository, HandleCallback<R, SQLException> work) {
        return JdbcPullRequestStore.this.read(operation, repository, work);
      }

      @Override
      public <R> R write(String operation, RepositoryId repository, HandleCallback<R, SQLException> work) {
        return JdbcPullRequestStore.this.write(operation, repository, work);
      }
    });
    // the JDBC query timeout has whole-second granularity: round up so that no timeout becomes zero (= none)
    long seconds = Math.max(1, (transactionTimeout.toMillis() + 999) / 1000);
    jdbi.getConfig(SqlStatements.class).setQueryTimeout((int) Math.min(Integer.MAX_VALUE, seconds));
  }

  /**
   * Opens a store on a database of its own: creates a HikariCP pool from the settings, migrates the
   * schema, and closes the pool in {@link #close()}.
   *
   * @param settings a {@code jdbc:h2:} or {@code jdbc:postgresql:} URL, optional user and password, the
   *     pool size and the transaction timeout; {@link StoreSettings#properties()} are ignored
   * @throws IllegalArgumentException if the URL is of another database
   * @throws StoreException if the database cannot be reached or migrated
   */
  public static JdbcPullRequestStore create(StoreSettings settings) {
    Objects.requireNonNull(settings, "null settings");
    SqlDialect dialect = SqlDialect.ofJdbcUrl(settings.jdbcUrl());
    String maskedUrl = Redaction.maskUrl(settings.jdbcUrl());
    HikariConfig config = new HikariConfig();
    config.setPoolName("prmonitor-store");
    config.setJdbcUrl(settings.jdbcUrl());
    config.setUsername(settings.username());
    config.setPassword(settings.password());
    config.setMaximumPoolSize(settings.maxPoolSize());
    config.setMinimumIdle(Math.min(2, settings.maxPoolSize()));
    // waiting longer for a connection than a transaction may take would only hide an exhausted pool
    config.setConnectionTimeout(Math.max(250, Math.min(settings.transactionTimeout().toMillis(), 30_000)));
    if (dialect == SqlDialect.POSTGRESQL) {
      // lets the driver send a batch of inserts as multi-row statements: far fewer round trips in apply()
      config.addDataSourceProperty("reWriteBatchedInserts", "true");
    }
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw failure("open", null, maskedUrl, e, settings.password());
    }
    String description = "JdbcPullRequestStore[dialect=" + dialect + ", url=" + maskedUrl
        + ", pool=owned(max=" + settings.maxPoolSize() + "), transactionTimeout=" + settings.transactionTimeout() + "]";
    JdbcPullRequestStore store = new JdbcPullRequestStore(pool, pool, dialect, settings.transactionTimeout(),
        settings.password(), description);
    store.start(maskedUrl);
    return store;
  }

  /**
   * Opens a store on a host's data source, migrating the schema; {@link #close()} leaves the data source
   * open. The dialect is read from the database's metadata.
   *
   * @param transactionTimeout the time limit of one transaction, positive
   * @throws IllegalArgumentException if the database is neither H2 nor PostgreSQL, or the timeout is not
   *     positive
   * @throws StoreException if the database cannot be reached or migrated
   */
  public static JdbcPullRequestStore create(DataSource dataSource, Duration transactionTimeout) {
    Objects.requireNonNull(dataSource, "null dataSource");
    Objects.requireNonNull(transactionTimeout, "null transactionTimeout");
    if (transactionTimeout.isNegative() || transactionTimeout.isZero()) {
      throw new IllegalArgumentException("transactionTimeout must be positive: " + transactionTimeout);
    }
    String product;
    try (Connection connection = dataSource.getConnection()) {
      product = connection.getMetaData().getDatabaseProductName();
    } catch (SQLException e) {
      throw failure("open", null, "host data source", e, null);
    }
    SqlDialect dialect = SqlDialect.ofProductName(product);
    String description = "JdbcPullRequestStore[dialect=" + dialect + ", dataSource="
        + dataSource.getClass().getName() + " (host-owned), transactionTimeout=" + transactionTimeout + "]";
    JdbcPullRequestStore store = new JdbcPullRequestStore(dataSource, null, dialect, transactionTimeout, null,
        description);
    store.start("host data source");
    return store;
  }

  private void start(String where) {
    try {
      List<Integer> applied = new SchemaMigrator(jdbi, dialect).migrate();
      LOG.info("Opened prmonitor store on {} ({}), schema migrations applied now: {}", where, dialect, applied);
    } catch (RuntimeException e) {
      if (ownedPool != null) {
        ownedPool.close();
      }
      throw failure("migrate schema", null, where, e, password);
    }
  }

  @Override
  public RepositoryState repositoryState(RepositoryId repository) {
    Objects.requireNonNull(repository, "null repository");
    return read("read repository state", repository, handle -> handle.createQuery("""
            SELECT cursor_updated_at, cursor_etag, last_completed_at FROM prmonitor_repositories
            WHERE owner = :owner AND name = :name""")
        .bind("owner", repository.owner())
        .bind("name", repository.name())
        .map((rs, ctx) -> new RepositoryState(repository,
            new ListingCursor(SqlValues.instant(rs, "cursor_updated_at"), rs.getString("cursor_etag")),
            SqlValues.instant(rs, "last_completed_at")))
        .findOne()
        .orElseGet(() -> RepositoryState.initial(repository)));
  }

  @Override
  public Map<Integer, PullRequest> pullRequests(RepositoryId repository, Collection<Integer> numbers) {
    Objects.requireNonNull(repository, "null repository");
    Objects.requireNonNull(numbers, "null numbers");
    if (numbers.isEmpty()) {
      return Map.of();
    }
    List<Integer> distinct = List.copyOf(new LinkedHashSet<>(numbers));
    return read("read pull requests", repository, handle -> {
      // one statement text for any number of numbers (an array parameter, not an IN list of that size),
      // so the driver parses and plans it once per connection
      Connection connection = handle.getConnection();
      Map<Integer, PullRequest> found = new HashMap<>();
      try (PreparedStatement query = connection.prepareStatement("SELECT " + PULL_REQUEST_COLUMNS
          + " FROM prmonitor_pull_requests WHERE owner = ? AND name = ? AND number = ANY(?)")) {
        query.setQueryTimeout(queryTimeoutSeconds());
        for (int from = 0; from < distinct.size(); from += IN_LIST_CHUNK) {
          List<Integer> chunk = distinct.subList(from, Math.min(distinct.size(), from + IN_LIST_CHUNK));
          query.setString(1, repository.owner());
          query.setString(2, repository.name());
          java.sql.Array numbersArray = connection.createArrayOf("INTEGER", chunk.toArray());
          query.setArray(3, numbersArray);
          try (ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
              PullRequest pr = pullRequest(rs);
              found.put(pr.number(), pr);
            }
          } finally {
            numbersArray.free();
          }
        }
      }
      return found;
    });
  }

  @Override
  public Map<Integer, PullRequestEnrichment> enrichments(RepositoryId repository, Collection<Integer> numbers) {
    Objects.requireNonNull(repository, "null repository");
    Objects.requireNonNull(numbers, "null numbers");
    if (numbers.isEmpty()) {
      return Map.of();
    }
    List<Integer> distinct = List.copyOf(new LinkedHashSet<>(numbers));
    return read("read enrichments", repository, handle -> {
      Connection connection = handle.getConnection();
      Map<Integer, PullRequestEnrichment> found = new HashMap<>();
      try (PreparedStatement query = connection.prepareStatement(EnrichmentSql.SELECT_BY_NUMBERS)) {
        query.setQueryTimeout(queryTimeoutSeconds());
        for (int from = 0; from < distinct.size(); from += IN_LIST_CHUNK) {
          List<Integer> chunk = distinct.subList(from, Math.min(distinct.size(), from + IN_LIST_CHUNK));
          query.setString(1, repository.owner());
          query.setString(2, repository.name());
          java.sql.Array numbersArray = connection.createArrayOf("INTEGER", chunk.toArray());
          query.setArray(3, numbersArray);
          try (ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
              PullRequestEnrichment enrichment = EnrichmentSql.read(rs);
              found.put(enrichment.number(), enrichment);
            }
          } finally {
            numbersArray.free();
          }
        }
      }
      return found;
    });
  }

  @Override
  public List<PullRequest> openPullRequests(RepositoryId repository) {
    Objects.requireNonNull(repository, "null repository");
    return read("read open pull requests", repository, handle -> handle.createQuery("SELECT "
            + PULL_REQUEST_COLUMNS + " FROM prmonitor_pull_requests WHERE owner = :owner AND name = :name "
            + "AND state = 'OPEN' ORDER BY number")
        .bind("owner", repository.owner())
        .bind("name", repository.name())
        .map((rs, ctx) -> pullRequest(rs))
        .list());
  }

  @Override
  public boolean hasPullRequests(RepositoryId repository) {
    Objects.requireNonNull(repository, "null repository");
    return read("check for pull requests", repository, handle -> handle.createQuery(
            "SELECT 1 FROM prmonitor_pull_requests WHERE owner = :owner AND name = :name LIMIT 1")
        .bind("owner", repository.owner())
        .bind("name", repository.name())
        .mapTo(Integer.class)
        .findOne()
        .isPresent());
  }

  @Override
  public List<PullRequest> allPullRequests(RepositoryId repository) {
    Objects.requireNonNull(repository, "null repository");
    return read("read all pull requests", repository, handle -> handle.createQuery("SELECT "
            + PULL_REQUEST_COLUMNS + " FROM prmonitor_pull_requests WHERE owner = :owner AND name = :name "
            + "ORDER BY number")
        .bind("owner", repository.owner())
        .bind("name", repository.name())
        .map((rs, ctx) -> pullRequest(rs))
        .list());
  }

  @Override
  public void apply(SyncBatch batch) {
    Objects.requireNonNull(batch, "null batch");
    if (batch.isEmpty()) {
      return;
    }
    RepositoryId repository = batch.repository();
    Instant now = clock.instant();
    write("apply batch", repository, handle -> {
      // Plain JDBC with positional parameters: JDBI's per-row named binding was a third of apply()'s time,
      // and one fixed statement text per dialect is parsed once per connection by the driver's cache.
      Connection connection = handle.getConnection();
      int timeout = queryTimeoutSeconds();
      if (!batch.upserts().isEmpty()) {
        try (PreparedStatement upserts = connection.prepareStatement(dialect.upsertPullRequestPositional)) {
          upserts.setQueryTimeout(timeout);
          for (PullRequest pr : batch.upserts()) {
            int i = 0;
            upserts.setString(++i, repository.owner());
            upserts.setString(++i, repository.name());
            upserts.setInt(++i, pr.number());
            upserts.setLong(++i, pr.id());
            upserts.setString(++i, pr.title());
            upserts.setString(++i, pr.body());
            upserts.setString(++i, pr.state().name());
            upserts.setBoolean(++i, pr.draft());
            upserts.setString(++i, pr.author());
            upserts.setString(++i, pr.headSha());
            upserts.setString(++i, pr.headRef());
            upserts.setString(++i, pr.baseRef());
            upserts.setString(++i, SqlValues.joinSet(pr.labels()));
            upserts.setString(++i, SqlValues.joinSet(pr.assignees()));
            upserts.setString(++i, SqlValues.joinSet(pr.requestedReviewers()));
            SqlValues.setTimestamp(upserts, ++i, pr.createdAt());
            SqlValues.setTimestamp(upserts, ++i, pr.updatedAt());
            SqlValues.setTimestamp(upserts, ++i, pr.closedAt());
            SqlValues.setTimestamp(upserts, ++i, pr.mergedAt());
            upserts.addBatch();
          }
          upserts.executeBatch();
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
            int i = 0;
            inserts.setString(++i, change.key());
            inserts.setString(++i, repository.owner());
            inserts.setString(++i, repository.name());
            inserts.setInt(++i, change.number());
            inserts.setString(++i, change.kind().name());
            inserts.setString(++i, change.field());
            inserts.setString(++i, change.before());
            inserts.setString(++i, change.after());
            SqlValues.setTimestamp(inserts, ++i, change.updatedAt());
            SqlValues.setTimestamp(inserts, ++i, now);
            if (dialect.insertChangeRepeatsKey) {
              inserts.setString(++i, change.key());
            }
            inserts.addBatch();
          }
          inserts.executeBatch();
        }
      }
      return null;
    });
  }

  /** The JDBC query timeout of the statements run outside JDBI, as JDBI's are configured. */
  private int queryTimeoutSeconds() {
    return jdbi.getConfig(SqlStatements.class).getQueryTimeout();
  }

  @Override
  public void completePass(RepositoryId repository, ListingCursor cursor, Instant completedAt) {
    Objects.requireNonNull(repository, "null repository");
    Objects.requireNonNull(cursor, "null cursor");
    Objects.requireNonNull(completedAt, "null completedAt");
    write("complete pass", repository, handle -> handle.createUpdate(dialect.upsertRepositoryPass)
        .bind("owner", repository.owner())
        .bind("name", repository.name())
        .bind("cursorUpdatedAt", SqlValues.timestamp(cursor.updatedAt()))
        .bind("cursorEtag", cursor.etag())
        .bind("completedAt", SqlValues.timestamp(completedAt))
        .execute());
  }

  @Override
  public List<OutboxEntry> pendingChanges(long afterSequence, int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    return read("read pending changes", null, handle -> handle.createQuery("SELECT " + OUTBOX_COLUMNS
            + " FROM prmonitor_outbox WHERE delivered_at IS NULL AND seq > :after ORDER BY seq LIMIT :limit")
        .bind("after", afterSequence)
        .bind("limit", limit)
        .map((rs, ctx) -> outboxEntry(rs))
        .list());
  }

  @Override
  public void markDelivered(Collection<Long> sequences, Instant deliveredAt) {
    Objects.requireNonNull(sequences, "null sequences");
    Objects.requireNonNull(deliveredAt, "null deliveredAt");
    updateBySequence("mark delivered", sequences, "UPDATE prmonitor_outbox SET delivered_at = :deliveredAt "
        + "WHERE seq IN (<sequences>) AND delivered_at IS NULL", deliveredAt);
  }

  @Override
  public void recordFailedDelivery(Collection<Long> sequences) {
    Objects.requireNonNull(sequences, "null sequences");
    updateBySequence("record failed delivery", sequences,
        "UPDATE prmonitor_outbox SET attempts = attempts + 1 WHERE seq IN (<sequences>)", null);
  }

  private void updateBySequence(String operation, Collection<Long> sequences, String sql, Instant deliveredAt) {
    if (sequences.isEmpty()) {
      return;
    }
    List<Long> distinct = List.copyOf(new LinkedHashSet<>(sequences));
    write(operation, null, handle -> {
      for (int from = 0; from < distinct.size(); from += IN_LIST_CHUNK) {
        var update = handle.createUpdate(sql)
            .bindList("sequences", distinct.subList(from, Math.min(distinct.size(), from + IN_LIST_CHUNK)));
        if (deliveredAt != null) {
          update.bind("deliveredAt", SqlValues.timestamp(deliveredAt));
        }
        update.execute();
      }
      return null;
    });
  }

  @Override
  public int purgeDelivered(Instant deliveredBefore) {
    Objects.requireNonNull(deliveredBefore, "null deliveredBefore");
    return write("purge delivered changes", null, handle -> handle.createUpdate(
            "DELETE FROM prmonitor_outbox WHERE delivered_at < :before")
        .bind("before", SqlValues.timestamp(deliveredBefore))
        .execute());
  }

  @Override
  public void ping() {
    read("ping", null, handle -> handle.createQuery("SELECT 1").mapTo(Integer.class).one());
  }

  @Override
  public List<RepositoryState> claimDue(String worker, Collection<RepositoryId> candidates, Instant dueBefore,
      Instant now, Duration leaseDuration, int limit) {
    return leases.claimDue(worker, candidates, dueBefore, now, leaseDuration, limit);
  }

  @Override
  public Set<RepositoryId> renew(String worker, Collection<RepositoryId> repositories, Instant now,
      Duration leaseDuration) {
    return leases.renew(worker, repositories, now, leaseDuration);
  }

  @Override
  public void release(String worker, RepositoryId repository) {
    leases.release(worker, repository);
  }

  @Override
  public LeasedElsewhere leasedElsewhere(String worker, Collection<RepositoryId> candidates, Instant dueBefore,
      Instant now) {
    return leases.leasedElsewhere(worker, candidates, dueBefore, now);
  }

  @Override
  public void publishRateLimits(Collection<RateLimitStatus> statuses) {
    leases.publishRateLimits(statuses);
  }

  @Override
  public List<RateLimitStatus> sharedRateLimits() {
    return leases.sharedRateLimits();
  }

  /** Closes the pool if the store opened it; a host's data source stays open. Idempotent. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    if (ownedPool != null) {
      ownedPool.close();
    }
    LOG.info("Closed {}", description);
  }

  /** Describes the database (URL with the password masked), the dialect and who owns the pool. */
  @Override
  public String toString() {
    return description;
  }

  /** The dialect in use; for tests in this package. */
  SqlDialect dialect() {
    return dialect;
  }

  private <R> R read(String operation, RepositoryId repository, HandleCallback<R, SQLException> work) {
    checkOpen();
    try {
      return jdbi.withHandle(work);
    } catch (JdbiException | SQLException e) {
      throw failure(operation, repository, description, e, password);
    }
  }

  private <R> R write(String operation, RepositoryId repository, HandleCallback<R, SQLException> work) {
    checkOpen();
    try {
      return jdbi.inTransaction(handle -> {
        limitStatements(handle);
        return work.withHandle(handle);
      });
    } catch (JdbiException | SQLException e) {
      throw failure(operation, repository, description, e, password);
    }
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

  private static PullRequest pullRequest(ResultSet rs) throws SQLException {
    return new PullRequest(
        rs.getLong("id"),
        rs.getInt("number"),
        rs.getString("title"),
        rs.getString("body"),
        PullRequestState.valueOf(rs.getString("state")),
        rs.getBoolean("draft"),
        rs.getString("author"),
        rs.getString("head_sha"),
        rs.getString("head_ref"),
        rs.getString("base_ref"),
        SqlValues.splitSet(rs.getString("labels")),
        SqlValues.splitSet(rs.getString("assignees")),
        SqlValues.splitSet(rs.getString("requested_reviewers")),
        SqlValues.instant(rs, "created_at"),
        SqlValues.instant(rs, "updated_at"),
        SqlValues.instant(rs, "closed_at"),
        SqlValues.instant(rs, "merged_at"));
  }

  private static OutboxEntry outboxEntry(ResultSet rs) throws SQLException {
    PullRequestChange change = new PullRequestChange(
        rs.getString("change_key"),
        new RepositoryId(rs.getString("owner"), rs.getString("name")),
        rs.getInt("number"),
        ChangeKind.valueOf(rs.getString("kind")),
        rs.getString("field"),
        rs.getString("before_value"),
        rs.getString("after_value"),
        SqlValues.instant(rs, "updated_at"));
    return new OutboxEntry(rs.getLong("seq"), change, rs.getInt("attempts"));
  }

  /**
   * Wraps a failure in a {@link StoreException} whose message names the operation, the repository and the
   * database's own explanation, with the password masked. If the password appears anywhere in the cause
   * chain, the chain is replaced by a redacted copy so that no stack trace can print it.
   */
  private static StoreException failure(String operation, RepositoryId repository, String where, Throwable e,
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
