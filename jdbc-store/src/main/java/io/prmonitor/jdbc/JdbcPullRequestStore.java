package io.prmonitor.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.DiscoveryPage;
import io.prmonitor.spi.ListingCursor;
import io.prmonitor.spi.OutboxEntry;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.PullRequestState;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.QuarantinedPullRequest;
import io.prmonitor.spi.RateLimitStatus;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryInfo;
import io.prmonitor.spi.RepositoryLeases;
import io.prmonitor.spi.RepositoryState;
import io.prmonitor.spi.SharedRateLimits;
import io.prmonitor.spi.StoreException;
import io.prmonitor.spi.StoreSettings;
import io.prmonitor.spi.SyncBatch;
import java.net.URI;
import io.prmonitor.spi.WebhookDeliveries;
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
import java.util.LinkedHashMap;
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
 * {@code statement_timeout}). On PostgreSQL the driver's network timeouts are derived from it as well
 * ({@code socketTimeout}, and at most 30 s of {@code connectTimeout} and {@code loginTimeout}), so a partition
 * or a port that never answers fails the operation in bounded time. A read or an idempotent write that
 * fails quickly on a broken connection (SQLState {@code 08xxx}, {@code 57P01}-{@code 57P03}) is retried once
 * on a fresh one. A stored snapshot is never replaced by an older one. SQL failures surface as
 * {@link StoreException}s naming the operation and the repository; neither they nor {@link #toString()}
 * contain the database password.
 *
 * <p>It is also the {@link RepositoryLeases} and {@link SharedRateLimits} of a fleet of monitors sharing
 * one database: leases are claimed with {@code FOR UPDATE SKIP LOCKED} on PostgreSQL and with conditional
 * updates on H2 (see {@code JdbcRepositoryLeases}), and their shared record of the {@link WebhookDeliveries}
 * already taken up (table {@code prmonitor_webhook_deliveries}, primary key on the delivery id).
 *
 * <p>Values: text columns have no length limit but owner (39) and name (100), GitHub's own. Text is stored
 * as sent except for three characters, escaped so that every Java string reads back exactly (PostgreSQL
 * rejects U+0000, and UTF-8 cannot carry an unpaired surrogate, which JSON can): U+0000, an unpaired
 * surrogate and the escape U+FDD0 (a noncharacter) are stored as U+FDD0 and four hex digits; a SQL reader of
 * the tables sees every other character as is. Repositories are keyed by their lower-case name in
 * {@code prmonitor_pull_requests}, {@code prmonitor_repositories} and {@code prmonitor_quarantine} (GitHub
 * compares names case-insensitively); the outbox keeps the spelling of the changes it was given. A batch
 * holding one number twice writes the later snapshot.
 *
 * <p>Thread-safe. Instants are kept to the microsecond (PostgreSQL's precision); GitHub's are whole
 * seconds.
 */
public final class JdbcPullRequestStore implements PullRequestStore, RepositoryLeases, SharedRateLimits,
    WebhookDeliveries {

  private static final Logger LOG = LoggerFactory.getLogger(JdbcPullRequestStore.class);

  /** The most values bound into one {@code IN (...)} list; longer collections are queried in chunks. */
  private static final int IN_LIST_CHUNK = 1_000;
  /**
   * The characters of titles and bodies bound into one JDBC batch before it is sent: a page of 100 bodies at
   * GitHub's limit (65,536 characters, ~192 KB of UTF-8 each in CJK) goes out in several batches of one
   * transaction instead of one copy of the whole page in the driver.
   */
  static final long MAX_BATCH_TEXT_CHARS = 1 << 20;
  /** The longest message of a wrapped SQL failure kept in a {@link StoreException}, in characters. */
  private static final int MAX_CAUSE_MESSAGE = 500;
  /** SQLSTATE of a unique-constraint violation, on H2 and PostgreSQL alike. */
  private static final String UNIQUE_VIOLATION = "23505";

  private static final String PULL_REQUEST_COLUMNS = "number, id, title, body, state, draft, author, head_sha, "
      + "head_ref, base_ref, labels, assignees, requested_reviewers, created_at, updated_at, closed_at, merged_at";
  private static final String SELECT_ALL_PULL_REQUESTS = "SELECT " + PULL_REQUEST_COLUMNS
      + " FROM prmonitor_pull_requests WHERE owner = :owner AND name = :name ORDER BY number";
  private static final String SELECT_OPEN_PULL_REQUESTS = "SELECT " + PULL_REQUEST_COLUMNS
      + " FROM prmonitor_pull_requests WHERE owner = :owner AND name = :name AND state = 'OPEN' ORDER BY number";
  private static final String OUTBOX_COLUMNS =
      "seq, change_key, owner, name, number, kind, field, before_value, after_value, updated_at, attempts";

  private static final String SELECT_DISCOVERY_PAGES = "SELECT url, etag, next_url, repositories "
      + "FROM prmonitor_discovery_pages WHERE selector = :selector ORDER BY page";
  private static final String DELETE_DISCOVERY_PAGES =
      "DELETE FROM prmonitor_discovery_pages WHERE selector = :selector";
  private static final String INSERT_DISCOVERY_PAGE = "INSERT INTO prmonitor_discovery_pages "
      + "(selector, page, url, etag, next_url, repositories) "
      + "VALUES (:selector, :page, :url, :etag, :next, :repositories)";

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

      @Override
      public <R> R writeOnce(String operation, RepositoryId repository, HandleCallback<R, SQLException> work) {
        return JdbcPullRequestStore.this.write(operation, repository, false, work);
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
   * <p>{@link StoreSettings#properties()} may hold {@value #MIGRATE} ({@code true}, the default, or
   * {@code false}: the schema is managed outside prmonitor, see {@link #create(DataSource, Duration, boolean)});
   * any other key is rejected. The pool is named after {@link StoreSettings#name()}, and its HikariCP meters
   * ({@code hikaricp.connections.*}, tag {@code pool=<name>}) are bound to {@link StoreSettings#meterRegistry()}
   * when there is one, and removed when the store closes.
   *
   * @param settings a {@code jdbc:h2:} or {@code jdbc:postgresql:} URL, optional user and password, the
   *     pool size, the transaction timeout and the properties above
   * @throws IllegalArgumentException if the URL is of another database, or a property is unknown or invalid
   * @throws StoreException if the database cannot be reached or migrated, or, with migration off, its schema
   *     is not the one this store needs
   */
  public static JdbcPullRequestStore create(StoreSettings settings) {
    Objects.requireNonNull(settings, "null settings");
    SqlDialect dialect = SqlDialect.ofJdbcUrl(settings.jdbcUrl());
    boolean migrate = migrateProperty(settings.properties());
    String maskedUrl = Redaction.maskUrl(settings.jdbcUrl());
    HikariConfig config = new HikariConfig();
    config.setPoolName(settings.name());
    if (settings.meterRegistry() != null) {
      // HikariCP recognises a Micrometer MeterRegistry by its class and removes its meters when the pool closes
      config.setMetricRegistry(settings.meterRegistry());
    }
    config.setJdbcUrl(settings.jdbcUrl());
    config.setUsername(settings.username());
    config.setPassword(settings.password());
    config.setMaximumPoolSize(settings.maxPoolSize());
    config.setMinimumIdle(Math.min(2, settings.maxPoolSize()));
    // waiting longer for a connection than a transaction may take would only hide an exhausted pool
    long connectionTimeout = Math.max(250, Math.min(settings.transactionTimeout().toMillis(), 30_000));
    config.setConnectionTimeout(connectionTimeout);
    config.setValidationTimeout(Math.max(250, Math.min(5_000, connectionTimeout / 2)));
    if (dialect == SqlDialect.POSTGRESQL) {
      // lets the driver send a batch of inserts as multi-row statements: far fewer round trips in apply()
      config.addDataSourceProperty("reWriteBatchedInserts", "true");
      networkTimeouts(settings.transactionTimeout()).forEach(config::addDataSourceProperty);
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
    store.start(maskedUrl, migrate);
    return store;
  }

  /** The {@link StoreSettings#properties()} key that turns schema migration off ({@code false}). */
  public static final String MIGRATE = "migrate";

  private static boolean migrateProperty(Map<String, String> properties) {
    for (String key : properties.keySet()) {
      if (!key.equals(MIGRATE)) {
        throw new IllegalArgumentException("unknown JDBC store property '" + key + "'; the JDBC store knows: " + MIGRATE);
      }
    }
    String value = properties.getOrDefault(MIGRATE, "true");
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException("JDBC store property " + MIGRATE + " must be true or false: '" + value + "'");
    }
    return Boolean.parseBoolean(value);
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
    return create(dataSource, transactionTimeout, true);
  }

  /**
   * Opens a store on a host's data source; {@link #close()} leaves the data source open. With
   * {@code migrate} false the store never changes the schema: it only reads {@code prmonitor_schema_version}
   * and refuses to start unless every version it needs is there, unaltered, and none newer, for databases
   * whose schema an administrator manages with the DDL of {@link #schemaScript(String)}.
   *
   * @param transactionTimeout the time limit of one transaction, positive
   * @param migrate whether to bring the schema to the newest version (true) or only check it (false)
   * @throws IllegalArgumentException if the database is neither H2 nor PostgreSQL, or the timeout is not
   *     positive
   * @throws StoreException if the database cannot be reached or migrated, or its schema is newer than this
   *     store's, altered, or (with migration off) incomplete
   */
  public static JdbcPullRequestStore create(DataSource dataSource, Duration transactionTimeout, boolean migrate) {
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
    store.start("host data source", migrate);
    return store;
  }

  /**
   * The DDL that creates the newest schema in an empty database, version records and checksums included:
   * what an administrator applies before stores start with migration off. Also printed by
   * {@code java io.prmonitor.jdbc.SchemaScript h2|postgresql}.
   *
   * @param database {@code h2} or {@code postgresql}, in any case
   * @throws IllegalArgumentException naming any other database
   */
  public static String schemaScript(String database) {
    Objects.requireNonNull(database, "null database");
    for (SqlDialect dialect : SqlDialect.values()) {
      if (dialect.name().equalsIgnoreCase(database)) {
        return SchemaMigrator.script(dialect);
      }
    }
    throw new IllegalArgumentException("no schema script for database '" + database + "': h2 or postgresql");
  }

  /**
   * The PostgreSQL driver's network timeouts, derived from the transaction timeout (the driver's defaults
   * wait forever): a port that accepts but never speaks fails the connection within {@code connectTimeout}
   * and {@code loginTimeout} (the transaction timeout, at most 30 s), and a network partition fails the
   * statement waiting on it within {@code socketTimeout} (the transaction timeout), where the JDBC query
   * timeout cannot help: its cancel request needs a new connection through the same partition. Settings
   * the JDBC URL gives itself win over these.
   */
  static Map<String, String> networkTimeouts(Duration transactionTimeout) {
    long seconds = Math.max(1, (transactionTimeout.toMillis() + 999) / 1000);
    String connect = Long.toString(Math.min(seconds, 30));
    return Map.of("connectTimeout", connect, "loginTimeout", connect, "socketTimeout", Long.toString(seconds),
        "tcpKeepAlive", "true");
  }

  private void start(String where, boolean migrate) {
    try {
      SchemaMigrator migrator = new SchemaMigrator(jdbi, dialect);
      if (migrate) {
        List<Integer> applied = migrator.migrate();
        LOG.info("Opened prmonitor store on {} ({}), schema migrations applied now: {}", where, dialect, applied);
      } else {
        migrator.verify();
        LOG.info("Opened prmonitor store on {} ({}) with schema migration off; the schema is at version {}", where,
            dialect, SchemaMigrator.latestVersion());
      }
    } catch (RuntimeException e) {
      if (ownedPool != null) {
        ownedPool.close();
      }
      if (e instanceof SchemaMigrator.SchemaMismatch mismatch) {
        // the migrator's own words say what is wrong and what to do; the SQL error below them would not
        throw new StoreException(Redaction.redact("cannot open the store on " + where + ": " + mismatch.getMessage(),
            password), mismatch.getCause() == null ? null : failure("read schema", null, where, mismatch.getCause(),
            password));
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
        .bind("owner", repository.canonicalOwner())
        .bind("name", repository.canonicalName())
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
          query.setString(1, repository.canonicalOwner());
          query.setString(2, repository.canonicalName());
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
          query.setString(1, repository.canonicalOwner());
          query.setString(2, repository.canonicalName());
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
    return pullRequestsOf("read open pull requests", repository, SELECT_OPEN_PULL_REQUESTS);
  }

  @Override
  public boolean hasPullRequests(RepositoryId repository) {
    Objects.requireNonNull(repository, "null repository");
    return read("check for pull requests", repository, handle -> handle.createQuery(
            "SELECT 1 FROM prmonitor_pull_requests WHERE owner = :owner AND name = :name LIMIT 1")
        .bind("owner", repository.canonicalOwner())
        .bind("name", repository.canonicalName())
        .mapTo(Integer.class)
        .findOne()
        .isPresent());
  }

  @Override
  public List<DiscoveryPage> discoveryPages(String selector) {
    Objects.requireNonNull(selector, "null selector");
    return read("read discovery pages", null, handle -> handle.createQuery(SELECT_DISCOVERY_PAGES)
        .bind("selector", selector)
        .map((rs, ctx) -> {
          String next = rs.getString("next_url");
          return new DiscoveryPage(URI.create(rs.getString("url")), rs.getString("etag"),
              discoveredRepositories(rs.getString("repositories")), next == null ? null : URI.create(next));
        })
        .list());
  }

  @Override
  public void saveDiscoveryPages(String selector, List<DiscoveryPage> pages) {
    Objects.requireNonNull(selector, "null selector");
    Objects.requireNonNull(pages, "null pages");
    write("save discovery pages", null, handle -> {
      handle.createUpdate(DELETE_DISCOVERY_PAGES)
          .bind("selector", selector)
          .execute();
      int number = 0;
      for (DiscoveryPage page : pages) {
        StringBuilder lines = new StringBuilder();
        for (RepositoryInfo info : page.repositories()) {
          lines.append(info.id().fullName()).append('\t').append(info.archived() ? '1' : '0').append('\t')
              .append(info.fork() ? '1' : '0').append('\n');
        }
        handle.createUpdate(INSERT_DISCOVERY_PAGE)
            .bind("selector", selector)
            .bind("page", ++number)
            .bind("url", page.url().toString())
            .bind("etag", page.etag())
            .bind("next", page.next() == null ? null : page.next().toString())
            .bind("repositories", lines.toString())
            .execute();
      }
      return null;
    });
  }

  private static List<RepositoryInfo> discoveredRepositories(String lines) {
    List<RepositoryInfo> repositories = new ArrayList<>();
    for (String line : lines.split("\n")) {
      if (!line.isEmpty()) {
        String[] fields = line.split("\t");
        repositories.add(new RepositoryInfo(RepositoryId.parse(fields[0]), fields[1].equals("1"),
            fields[2].equals("1")));
      }
    }
    return repositories;
  }

  @Override
  public List<PullRequest> allPullRequests(RepositoryId repository) {
    Objects.requireNonNull(repository, "null repository");
    return pullRequestsOf("read all pull requests", repository, SELECT_ALL_PULL_REQUESTS);
  }

  /** A repository's pull requests by one of the two queries above, ordered by number. */
  private List<PullRequest> pullRequestsOf(String operation, RepositoryId repository, String query) {
    return read(operation, repository, handle -> handle.createQuery(query)
        .bind("owner", repository.canonicalOwner())
        .bind("name", repository.canonicalName())
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
    // a stored updated_at this far ahead of our clock is a clock glitch: it must not block a later read
    Instant trustedUntil = now.plus(PullRequestStore.FUTURE_MARGIN);
    write("apply batch", repository, handle -> {
      // Plain JDBC with positional parameters: JDBI's per-row named binding was a third of apply()'s time,
      // and one fixed statement text per dialect is parsed once per connection by the driver's cache.
      Connection connection = handle.getConnection();
      int timeout = queryTimeoutSeconds();
      if (!batch.upserts().isEmpty()) {
        try (PreparedStatement upserts = connection.prepareStatement(dialect.upsertPullRequestPositional)) {
          upserts.setQueryTimeout(timeout);
          long pendingChars = 0;
          int pendingRows = 0;
          for (PullRequest pr : lastOfEachNumber(batch.upserts())) {
            int i = 0;
            upserts.setString(++i, repository.canonicalOwner());
            upserts.setString(++i, repository.canonicalName());
            upserts.setInt(++i, pr.number());
            upserts.setLong(++i, pr.id());
            upserts.setString(++i, SqlValues.encodeText(pr.title()));
            upserts.setString(++i, SqlValues.encodeText(pr.body()));
            upserts.setString(++i, pr.state().name());
            upserts.setBoolean(++i, pr.draft());
            upserts.setString(++i, SqlValues.encodeText(pr.author()));
            upserts.setString(++i, SqlValues.encodeText(pr.headSha()));
            upserts.setString(++i, SqlValues.encodeText(pr.headRef()));
            upserts.setString(++i, SqlValues.encodeText(pr.baseRef()));
            upserts.setString(++i, SqlValues.joinSet(pr.labels()));
            upserts.setString(++i, SqlValues.joinSet(pr.assignees()));
            upserts.setString(++i, SqlValues.joinSet(pr.requestedReviewers()));
            SqlValues.setTimestamp(upserts, ++i, pr.createdAt());
            SqlValues.setTimestamp(upserts, ++i, pr.updatedAt());
            SqlValues.setTimestamp(upserts, ++i, pr.closedAt());
            SqlValues.setTimestamp(upserts, ++i, pr.mergedAt());
            SqlValues.setTimestamp(upserts, ++i, trustedUntil);
            upserts.addBatch();
            pendingRows++;
            pendingChars += pr.title().length() + (pr.body() == null ? 0 : pr.body().length());
            // the driver holds a batch's parameters (PostgreSQL's as UTF-8 bytes) until it is sent: send
            // batches of large bodies early, so that a page of them is never copied whole
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
            inserts.setString(++i, SqlValues.encodeText(change.before()));
            inserts.setString(++i, SqlValues.encodeText(change.after()));
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

  @Override
  public List<QuarantinedPullRequest> quarantined(RepositoryId repository) {
    Objects.requireNonNull(repository, "null repository");
    return read("read quarantine", repository, handle -> handle.createQuery("""
            SELECT number, updated_at, reason, since, attempts FROM prmonitor_quarantine
            WHERE owner = :owner AND name = :name ORDER BY number""")
        .bind("owner", repository.canonicalOwner())
        .bind("name", repository.canonicalName())
        .map((rs, ctx) -> new QuarantinedPullRequest(rs.getInt("number"), SqlValues.instant(rs, "updated_at"),
            SqlValues.decodeText(rs.getString("reason")), SqlValues.instant(rs, "since"), rs.getInt("attempts")))
        .list());
  }

  @Override
  public void quarantine(RepositoryId repository, Collection<QuarantinedPullRequest> entries) {
    Objects.requireNonNull(repository, "null repository");
    Objects.requireNonNull(entries, "null entries");
    if (entries.isEmpty()) {
      return;
    }
    write("record quarantine", repository, handle -> {
      Map<Integer, QuarantinedPullRequest> byNumber = new LinkedHashMap<>();
      entries.forEach(entry -> byNumber.put(entry.number(), entry));
      var delete = handle.prepareBatch(
          "DELETE FROM prmonitor_quarantine WHERE owner = :owner AND name = :name AND number = :number");
      var insert = handle.prepareBatch("""
          INSERT INTO prmonitor_quarantine (owner, name, number, updated_at, reason, since, attempts)
          VALUES (:owner, :name, :number, :updatedAt, :reason, :since, :attempts)""");
      for (QuarantinedPullRequest entry : byNumber.values()) {
        delete.bind("owner", repository.canonicalOwner()).bind("name", repository.canonicalName())
            .bind("number", entry.number()).add();
        insert.bind("owner", repository.canonicalOwner()).bind("name", repository.canonicalName())
            .bind("number", entry.number())
            .bind("updatedAt", SqlValues.timestamp(entry.updatedAt()))
            .bind("reason", SqlValues.encodeText(entry.reason()))
            .bind("since", SqlValues.timestamp(entry.since()))
            .bind("attempts", entry.attempts())
            .add();
      }
      delete.execute();
      insert.execute();
      return null;
    });
  }

  @Override
  public void clearQuarantine(RepositoryId repository, Collection<Integer> numbers) {
    Objects.requireNonNull(repository, "null repository");
    Objects.requireNonNull(numbers, "null numbers");
    if (numbers.isEmpty()) {
      return;
    }
    write("clear quarantine", repository, handle -> {
      var delete = handle.prepareBatch(
          "DELETE FROM prmonitor_quarantine WHERE owner = :owner AND name = :name AND number = :number");
      for (Integer number : new LinkedHashSet<>(numbers)) {
        delete.bind("owner", repository.canonicalOwner()).bind("name", repository.canonicalName())
            .bind("number", number).add();
      }
      delete.execute();
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
        .bind("owner", repository.canonicalOwner())
        .bind("name", repository.canonicalName())
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
  public java.util.Optional<RepositoryLeases> leases() {
    return java.util.Optional.of(this);
  }

  @Override
  public java.util.Optional<SharedRateLimits> rateLimitBoard() {
    return java.util.Optional.of(this);
  }

  @Override
  public java.util.Optional<WebhookDeliveries> webhookDeliveries() {
    return java.util.Optional.of(this);
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

  @Override
  public boolean recordDelivery(String deliveryId, Instant receivedAt) {
    WebhookDeliveries.checkDeliveryId(deliveryId);
    Objects.requireNonNull(receivedAt, "null receivedAt");
    // one statement in autocommit: no BEGIN, statement-timeout setting or COMMIT round trip, since a webhook's
    // answer waits for it (the JDBC query timeout still bounds it)
    // not retried: an insert whose commit's answer was lost may have happened, and a retry would then take
    // its own row for another worker's and drop the event
    return retryingOnce("record webhook delivery", null, false, () -> jdbi.withHandle(handle -> {
      try {
        // the primary key decides between racing workers: the loser's insert finds the row (PostgreSQL's
        // ON CONFLICT) or fails with a unique violation (H2, whose NOT EXISTS cannot see an uncommitted row)
        return handle.createUpdate(dialect == SqlDialect.POSTGRESQL
                ? "INSERT INTO prmonitor_webhook_deliveries (delivery_id, received_at) VALUES (:id, :at) "
                    + "ON CONFLICT (delivery_id) DO NOTHING"
                : "INSERT INTO prmonitor_webhook_deliveries (delivery_id, received_at) SELECT :id, :at "
                    + "WHERE NOT EXISTS (SELECT 1 FROM prmonitor_webhook_deliveries WHERE delivery_id = :id)")
            .bind("id", deliveryId)
            .bind("at", SqlValues.timestamp(receivedAt))
            .execute() == 1;
      } catch (JdbiException e) {
        if (e.getCause() instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
          return false;
        }
        throw e;
      }
    }));
  }

  @Override
  public int purgeDeliveries(Instant receivedBefore) {
    Objects.requireNonNull(receivedBefore, "null receivedBefore");
    return write("purge webhook deliveries", null, handle -> handle.createUpdate(
            "DELETE FROM prmonitor_webhook_deliveries WHERE received_at < :before")
        .bind("before", SqlValues.timestamp(receivedBefore))
        .execute());
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
    return retryingOnce(operation, repository, true, () -> jdbi.withHandle(work));
  }

  /** An idempotent write (running it twice leaves what running it once does): retried once, see below. */
  private <R> R write(String operation, RepositoryId repository, HandleCallback<R, SQLException> work) {
    return write(operation, repository, true, work);
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
      throwOutOfMemory(e);
      long elapsed = System.nanoTime() - started;
      if (!retryable || elapsed > transactionTimeout.toNanos() / 4 || !brokenConnection(e)) {
        throw failure(operation, repository, description, e, password);
      }
      LOG.info("{} failed on a broken connection ({}); retrying once on a fresh one", operation,
          sqlState(e));
      try {
        return attempt.run();
      } catch (JdbiException | SQLException again) {
        throwOutOfMemory(again);
        again.addSuppressed(e);
        throw failure(operation, repository, description, again, password);
      }
    }
  }

  @FunctionalInterface
  private interface Attempt<R> {
    R run() throws SQLException;
  }

  /** Whether a failure's SQLState says the connection itself broke. */
  static boolean brokenConnection(Throwable e) {
    String state = sqlState(e);
    return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
        || state.equals("57P03"));
  }

  private static String sqlState(Throwable e) {
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
  private static void throwOutOfMemory(Throwable e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof OutOfMemoryError oom) {
        throw oom;
      }
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
        SqlValues.decodeText(rs.getString("title")),
        SqlValues.decodeText(rs.getString("body")),
        PullRequestState.valueOf(rs.getString("state")),
        rs.getBoolean("draft"),
        SqlValues.decodeText(rs.getString("author")),
        SqlValues.decodeText(rs.getString("head_sha")),
        SqlValues.decodeText(rs.getString("head_ref")),
        SqlValues.decodeText(rs.getString("base_ref")),
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
        SqlValues.decodeText(rs.getString("before_value")),
        SqlValues.decodeText(rs.getString("after_value")),
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
