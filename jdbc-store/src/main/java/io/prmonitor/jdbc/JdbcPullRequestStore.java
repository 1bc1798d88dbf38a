package io.prmonitor.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.prmonitor.spi.DiscoveryPage;
import io.prmonitor.spi.ListingCursor;
import io.prmonitor.spi.OutboxEntry;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.QuarantinedPullRequest;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryLeases;
import io.prmonitor.spi.RepositoryState;
import io.prmonitor.spi.SharedRateLimits;
import io.prmonitor.spi.StoreException;
import io.prmonitor.spi.StoreSettings;
import io.prmonitor.spi.SyncBatch;
import io.prmonitor.spi.WebhookDeliveries;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
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
 * <p>It has all three capabilities of a store shared by a fleet of monitors: {@link #leases()} (claimed
 * with {@code FOR UPDATE SKIP LOCKED} on PostgreSQL and with conditional updates on H2, see
 * {@code JdbcRepositoryLeases}), the {@link #rateLimitBoard()} and the record of {@link #webhookDeliveries()}
 * already taken up (table {@code prmonitor_webhook_deliveries}, primary key on the delivery id). Each
 * accessor returns the same object every time; it works on the store's connections and fails, like the
 * store, once the store is closed, so it has no lifecycle of its own.
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
 * <p>This class is the façade: it opens the pool ({@code HikariPools}), migrates or checks the schema
 * ({@code SchemaMigrator}) and hands each area to a package-private class of its own, all running their
 * work through one {@code JdbcTransactions} (timeouts, the one retry on a broken connection, failures
 * wrapped by {@code SqlFailures}): reads ({@code PullRequestReads}), the batch writes of a pass
 * ({@code SyncBatchWriter}), the outbox ({@code JdbcOutbox}), quarantine ({@code JdbcQuarantine}),
 * discovery pages ({@code JdbcDiscoveryPages}), leases and rate limits ({@code JdbcRepositoryLeases}) and
 * webhook deliveries ({@code JdbcWebhookDeliveries}); the SQL that differs per database is in
 * {@code SqlDialect}. What stays here is the wiring, one delegating method per operation of
 * {@link PullRequestStore}, and the accessors of the capabilities.
 *
 * <p>Thread-safe. Instants are kept to the microsecond (PostgreSQL's precision); GitHub's are whole
 * seconds.
 */
public final class JdbcPullRequestStore implements PullRequestStore {

  private static final Logger LOG = LoggerFactory.getLogger(JdbcPullRequestStore.class);

  /** The {@link StoreSettings#properties()} key that turns schema migration off ({@code false}). */
  public static final String MIGRATE = "migrate";

  private final HikariDataSource ownedPool;
  private final SqlDialect dialect;
  private final String password;
  private final String description;
  private final JdbcTransactions transactions;
  private final PullRequestReads reads;
  private final SyncBatchWriter writer;
  private final JdbcQuarantine quarantine;
  private final JdbcOutbox outbox;
  private final JdbcDiscoveryPages discovery;
  private final Optional<RepositoryLeases> repositoryLeases;
  private final Optional<SharedRateLimits> rateLimitBoard;
  private final Optional<WebhookDeliveries> webhookDeliveries;

  private JdbcPullRequestStore(DataSource dataSource, HikariDataSource ownedPool, SqlDialect dialect,
      Duration transactionTimeout, String password, String description) {
    this.ownedPool = ownedPool;
    this.dialect = dialect;
    this.password = password;
    this.description = description;
    this.transactions = new JdbcTransactions(Jdbi.create(dataSource), dialect, transactionTimeout, password,
        description);
    this.reads = new PullRequestReads(transactions);
    this.writer = new SyncBatchWriter(transactions, Clock.systemUTC());
    this.quarantine = new JdbcQuarantine(transactions);
    this.outbox = new JdbcOutbox(transactions);
    this.discovery = new JdbcDiscoveryPages(transactions);
    JdbcRepositoryLeases leases = new JdbcRepositoryLeases(transactions);
    this.repositoryLeases = Optional.of(leases);
    this.rateLimitBoard = Optional.of(leases);
    this.webhookDeliveries = Optional.of(new JdbcWebhookDeliveries(transactions));
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
    HikariDataSource pool;
    try {
      pool = HikariPools.open(settings, dialect);
    } catch (RuntimeException e) {
      throw SqlFailures.failure("open", null, maskedUrl, e, settings.password());
    }
    String description = "JdbcPullRequestStore[dialect=" + dialect + ", url=" + maskedUrl
        + ", pool=owned(max=" + settings.maxPoolSize() + "), transactionTimeout=" + settings.transactionTimeout() + "]";
    JdbcPullRequestStore store = new JdbcPullRequestStore(pool, pool, dialect, settings.transactionTimeout(),
        settings.password(), description);
    store.start(maskedUrl, migrate);
    return store;
  }

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
      throw SqlFailures.failure("open", null, "host data source", e, null);
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

  private void start(String where, boolean migrate) {
    try {
      SchemaMigrator migrator = new SchemaMigrator(transactions.jdbi(), dialect);
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
            password), mismatch.getCause() == null ? null
            : transactions.failure("read schema", where, mismatch.getCause()));
      }
      throw transactions.failure("migrate schema", where, e);
    }
  }

  @Override
  public RepositoryState repositoryState(RepositoryId repository) {
    return reads.repositoryState(repository);
  }

  @Override
  public Map<Integer, PullRequest> pullRequests(RepositoryId repository, Collection<Integer> numbers) {
    return reads.pullRequests(repository, numbers);
  }

  @Override
  public Map<Integer, PullRequestEnrichment> enrichments(RepositoryId repository, Collection<Integer> numbers) {
    return reads.enrichments(repository, numbers);
  }

  @Override
  public List<PullRequest> openPullRequests(RepositoryId repository) {
    return reads.openPullRequests(repository);
  }

  @Override
  public List<PullRequest> allPullRequests(RepositoryId repository) {
    return reads.allPullRequests(repository);
  }

  @Override
  public boolean hasPullRequests(RepositoryId repository) {
    return reads.hasPullRequests(repository);
  }

  @Override
  public List<DiscoveryPage> discoveryPages(String selector) {
    return discovery.discoveryPages(selector);
  }

  @Override
  public void saveDiscoveryPages(String selector, List<DiscoveryPage> pages) {
    discovery.saveDiscoveryPages(selector, pages);
  }

  @Override
  public void apply(SyncBatch batch) {
    writer.apply(batch);
  }

  @Override
  public void completePass(RepositoryId repository, ListingCursor cursor, Instant completedAt) {
    writer.completePass(repository, cursor, completedAt);
  }

  @Override
  public List<QuarantinedPullRequest> quarantined(RepositoryId repository) {
    return quarantine.quarantined(repository);
  }

  @Override
  public void quarantine(RepositoryId repository, Collection<QuarantinedPullRequest> entries) {
    quarantine.quarantine(repository, entries);
  }

  @Override
  public void clearQuarantine(RepositoryId repository, Collection<Integer> numbers) {
    quarantine.clearQuarantine(repository, numbers);
  }

  @Override
  public List<OutboxEntry> pendingChanges(long afterSequence, int limit) {
    return outbox.pendingChanges(afterSequence, limit);
  }

  @Override
  public void markDelivered(Collection<Long> sequences, Instant deliveredAt) {
    outbox.markDelivered(sequences, deliveredAt);
  }

  @Override
  public void recordFailedDelivery(Collection<Long> sequences) {
    outbox.recordFailedDelivery(sequences);
  }

  @Override
  public int purgeDelivered(Instant deliveredBefore) {
    return outbox.purgeDelivered(deliveredBefore);
  }

  /** The leases of this database's fleet: the same instance, closed with the store, on every call. */
  @Override
  public Optional<RepositoryLeases> leases() {
    return repositoryLeases;
  }

  /** The rate-limit board of this database's fleet: the same instance, closed with the store, on every call. */
  @Override
  public Optional<SharedRateLimits> rateLimitBoard() {
    return rateLimitBoard;
  }

  /** This database's record of webhook deliveries: the same instance, closed with the store, on every call. */
  @Override
  public Optional<WebhookDeliveries> webhookDeliveries() {
    return webhookDeliveries;
  }

  @Override
  public void ping() {
    transactions.read("ping", null, handle -> handle.createQuery("SELECT 1").mapTo(Integer.class).one());
  }

  /** Closes the pool if the store opened it; a host's data source stays open. Idempotent. */
  @Override
  public void close() {
    if (!transactions.markClosed()) {
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
}
