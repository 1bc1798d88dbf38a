package io.prmonitor.jdbc;

import io.prmonitor.spi.ListingCursor;
import io.prmonitor.spi.RateLimitStatus;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryLeases;
import io.prmonitor.spi.RepositoryState;
import io.prmonitor.spi.SharedRateLimits;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * The {@link RepositoryLeases} and {@link SharedRateLimits} of a fleet sharing one database: the SQL of
 * repository leases and of the shared rate-limit board, for {@link JdbcPullRequestStore}.
 *
 * <p>Claims differ per database. PostgreSQL selects the due, free rows oldest first with
 * {@code FOR UPDATE SKIP LOCKED}, so concurrent claimers (other JVMs) never wait on each other nor get the
 * same row, then leases them in the same transaction. H2 (an embedded database, one JVM) has no
 * {@code SKIP LOCKED}; there the due, free rows are read and each is leased by a conditional
 * {@code UPDATE} that re-checks that it is still due and free, so of two racing claimers one updates the
 * row and the other updates nothing and moves on.
 *
 * <p>Repositories are matched by {@code owner || '/' || name} against an array parameter, one bind for
 * any number of candidates. On PostgreSQL the array is unnested into a hash semi-join: a claim among
 * 10,000 repositories takes ~40 ms, where {@code = ANY(array)} compared every row with every element
 * (~1.8 s).
 * Thread-safe.
 */
final class JdbcRepositoryLeases implements RepositoryLeases, SharedRateLimits {

  /** How a worker id may look: anything printable, at most the column's 200 characters. */
  private static final int MAX_WORKER_LENGTH = 200;

  private static final String DUE_AND_FREE = """
        AND (last_completed_at IS NULL OR last_completed_at <= :dueBefore)
        AND (lease_expires_at IS NULL OR lease_expires_at <= :now)""";
  private static final String ORDER_OLDEST_FIRST = "ORDER BY last_completed_at NULLS FIRST, owner, name";
  // a row's owner/name among an array parameter's: a semi-join with the unnested array on PostgreSQL;
  // = ANY on H2, whose embedded fleets are small
  private static final String PG_CANDIDATES = "owner || '/' || name IN (SELECT * FROM UNNEST(:candidates))";
  private static final String H2_CANDIDATES = "owner || '/' || name = ANY(:candidates)";
  private static final String PG_NAMES = "owner || '/' || name IN (SELECT * FROM UNNEST(:names))";
  private static final String H2_NAMES = "owner || '/' || name = ANY(:names)";
  private static final String SELECT_DUE = "SELECT owner, name, cursor_updated_at, cursor_etag, last_completed_at "
      + "FROM prmonitor_repositories WHERE ";
  private static final String PG_SELECT_DUE = SELECT_DUE + PG_CANDIDATES + DUE_AND_FREE + " " + ORDER_OLDEST_FIRST
      + " LIMIT :limit FOR UPDATE SKIP LOCKED";
  private static final String H2_SELECT_DUE = SELECT_DUE + H2_CANDIDATES + DUE_AND_FREE + " " + ORDER_OLDEST_FIRST
      + " LIMIT :limit";
  private static final String SELECT_HELD = "SELECT owner, name FROM prmonitor_repositories "
      + "WHERE lease_owner = :worker AND ";
  private static final String PG_SELECT_HELD = SELECT_HELD + PG_NAMES + " FOR UPDATE";
  private static final String H2_SELECT_HELD = SELECT_HELD + H2_NAMES + " FOR UPDATE";
  private static final String RENEW = "UPDATE prmonitor_repositories SET lease_expires_at = :expiresAt "
      + "WHERE lease_owner = :worker AND ";
  private static final String PG_RENEW = RENEW + PG_NAMES;
  private static final String H2_RENEW = RENEW + H2_NAMES;
  private static final String COUNT_LEASED = "SELECT COUNT(*) AS leased, MIN(lease_expires_at) AS earliest "
      + "FROM prmonitor_repositories WHERE (last_completed_at IS NULL OR last_completed_at <= :dueBefore) "
      + "AND lease_expires_at > :now AND lease_owner <> :worker AND ";
  private static final String PG_COUNT_LEASED = COUNT_LEASED + PG_CANDIDATES;
  private static final String H2_COUNT_LEASED = COUNT_LEASED + H2_CANDIDATES;

  private final SqlDialect dialect;
  private final JdbcTransactions transactions;
  private final String selectDue;
  private final String selectHeld;
  private final String renewHeld;
  private final String countLeased;
  /** Repositories known to have a row, so that registering the same fleet on every claim costs nothing. */
  private final Set<RepositoryId> registered = ConcurrentHashMap.newKeySet();

  JdbcRepositoryLeases(JdbcTransactions transactions) {
    this.dialect = transactions.dialect();
    this.transactions = transactions;
    boolean postgres = dialect == SqlDialect.POSTGRESQL;
    this.selectDue = postgres ? PG_SELECT_DUE : H2_SELECT_DUE;
    this.selectHeld = postgres ? PG_SELECT_HELD : H2_SELECT_HELD;
    this.renewHeld = postgres ? PG_RENEW : H2_RENEW;
    this.countLeased = postgres ? PG_COUNT_LEASED : H2_COUNT_LEASED;
  }

  @Override
  public List<RepositoryState> claimDue(String worker, Collection<RepositoryId> candidates, Instant dueBefore,
      Instant now, Duration leaseDuration, int limit) {
    checkWorker(worker);
    Objects.requireNonNull(candidates, "null candidates");
    Objects.requireNonNull(dueBefore, "null dueBefore");
    Objects.requireNonNull(now, "null now");
    checkLeaseDuration(leaseDuration);
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    if (candidates.isEmpty()) {
      return List.of();
    }
    register(candidates);
    String[] names = names(candidates);
    Instant expiresAt = now.plus(leaseDuration);
    List<RepositoryState> claimed = transactions.writeOnce("claim repositories", null, handle ->
        dialect == SqlDialect.POSTGRESQL
            ? claimSkippingLocked(handle, worker, names, dueBefore, now, expiresAt, limit)
            : claimConditionally(handle, worker, names, dueBefore, now, expiresAt, limit));
    Map<RepositoryId, RepositoryId> spelled = callerSpelling(candidates);
    return claimed.stream().map(state -> new RepositoryState(
        spelled.getOrDefault(state.repository(), state.repository()), state.cursor(), state.lastCompletedAt()))
        .toList();
  }

  private List<RepositoryState> claimSkippingLocked(Handle handle, String worker, String[] names,
      Instant dueBefore, Instant now, Instant expiresAt, int limit) {
    List<RepositoryState> claimed = selectDue(handle, names, dueBefore, now, limit);
    if (!claimed.isEmpty()) {
      PreparedBatch lease = handle.prepareBatch("UPDATE prmonitor_repositories SET lease_owner = :worker, "
          + "lease_expires_at = :expiresAt WHERE owner = :owner AND name = :name");
      for (RepositoryState state : claimed) {
        lease.bind("worker", worker).bind("expiresAt", SqlValues.timestamp(expiresAt))
            .bind("owner", state.repository().owner()).bind("name", state.repository().name()).add();
      }
      lease.execute();
    }
    return claimed;
  }

  private List<RepositoryState> claimConditionally(Handle handle, String worker, String[] names,
      Instant dueBefore, Instant now, Instant expiresAt, int limit) {
    List<RepositoryState> claimed = new ArrayList<>();
    for (RepositoryState state : selectDue(handle, names, dueBefore, now, limit)) {
      int updated = handle.createUpdate("UPDATE prmonitor_repositories SET lease_owner = :worker, "
              + "lease_expires_at = :expiresAt WHERE owner = :owner AND name = :name "
              + "AND (last_completed_at IS NULL OR last_completed_at <= :dueBefore) "
              + "AND (lease_expires_at IS NULL OR lease_expires_at <= :now)")
          .bind("worker", worker)
          .bind("expiresAt", SqlValues.timestamp(expiresAt))
          .bind("owner", state.repository().owner())
          .bind("name", state.repository().name())
          .bind("dueBefore", SqlValues.timestamp(dueBefore))
          .bind("now", SqlValues.timestamp(now))
          .execute();
      if (updated == 1) {
        claimed.add(state);
      }
    }
    return claimed;
  }

  /** The due, free rows oldest first; on PostgreSQL locked, skipping rows other claimers hold. */
  private List<RepositoryState> selectDue(Handle handle, String[] names, Instant dueBefore, Instant now,
      int limit) {
    return handle.createQuery(selectDue)
        .bindArray("candidates", String.class, (Object[]) names)
        .bind("dueBefore", SqlValues.timestamp(dueBefore))
        .bind("now", SqlValues.timestamp(now))
        .bind("limit", limit)
        .map((rs, ctx) -> new RepositoryState(new RepositoryId(rs.getString("owner"), rs.getString("name")),
            new ListingCursor(SqlValues.instant(rs, "cursor_updated_at"), rs.getString("cursor_etag")),
            SqlValues.instant(rs, "last_completed_at")))
        .list();
  }

  @Override
  public Set<RepositoryId> renew(String worker, Collection<RepositoryId> repositories, Instant now,
      Duration leaseDuration) {
    checkWorker(worker);
    Objects.requireNonNull(repositories, "null repositories");
    Objects.requireNonNull(now, "null now");
    checkLeaseDuration(leaseDuration);
    if (repositories.isEmpty()) {
      return Set.of();
    }
    String[] names = names(repositories);
    return transactions.write("renew leases", null, handle -> {
      // locked first, so that what is reported renewed is exactly what the update below extends
      Set<RepositoryId> held = new LinkedHashSet<>(handle.createQuery(selectHeld)
          .bind("worker", worker)
          .bindArray("names", String.class, (Object[]) names)
          .map((rs, ctx) -> new RepositoryId(rs.getString("owner"), rs.getString("name")))
          .list());
      if (!held.isEmpty()) {
        handle.createUpdate(renewHeld)
            .bind("expiresAt", SqlValues.timestamp(now.plus(leaseDuration)))
            .bind("worker", worker)
            .bindArray("names", String.class, (Object[]) names(held))
            .execute();
      }
      Map<RepositoryId, RepositoryId> spelled = callerSpelling(repositories);
      return held.stream().map(id -> spelled.getOrDefault(id, id)).collect(Collectors.toUnmodifiableSet());
    });
  }

  @Override
  public void release(String worker, RepositoryId repository) {
    checkWorker(worker);
    Objects.requireNonNull(repository, "null repository");
    transactions.write("release lease", repository, handle -> handle.createUpdate(
            "UPDATE prmonitor_repositories SET lease_owner = NULL, lease_expires_at = NULL "
                + "WHERE owner = :owner AND name = :name AND lease_owner = :worker")
        .bind("owner", repository.canonicalOwner())
        .bind("name", repository.canonicalName())
        .bind("worker", worker)
        .execute());
  }

  @Override
  public RepositoryLeases.LeasedElsewhere leasedElsewhere(String worker, Collection<RepositoryId> candidates,
      Instant dueBefore, Instant now) {
    checkWorker(worker);
    Objects.requireNonNull(candidates, "null candidates");
    Objects.requireNonNull(dueBefore, "null dueBefore");
    Objects.requireNonNull(now, "null now");
    if (candidates.isEmpty()) {
      return RepositoryLeases.LeasedElsewhere.NONE;
    }
    return transactions.read("count leased repositories", null, handle -> handle.createQuery(countLeased)
        .bindArray("candidates", String.class, (Object[]) names(candidates))
        .bind("dueBefore", SqlValues.timestamp(dueBefore))
        .bind("now", SqlValues.timestamp(now))
        .bind("worker", worker)
        .map((rs, ctx) -> {
          int count = rs.getInt("leased");
          return count == 0 ? RepositoryLeases.LeasedElsewhere.NONE
              : new RepositoryLeases.LeasedElsewhere(count, SqlValues.instant(rs, "earliest"));
        })
        .one());
  }

  /**
   * Publishes each status unless the board holds a fresher one for its credential. Which is fresher is the
   * rule of {@link RateLimitStatus} (a later reset wins, else the lower remaining), written here in SQL so
   * that racing workers' updates are decided in the database.
   */
  @Override
  public void publishRateLimits(Collection<RateLimitStatus> statuses) {
    Objects.requireNonNull(statuses, "null statuses");
    if (statuses.isEmpty()) {
      return;
    }
    transactions.write("publish rate limits", null, handle -> {
      for (RateLimitStatus status : statuses) {
        Objects.requireNonNull(status, "null status");
        if (dialect == SqlDialect.POSTGRESQL) {
          bindStatus(handle.createUpdate("""
              INSERT INTO prmonitor_rate_limits (credential, rate_limit, remaining, reset_at)
              VALUES (:credential, :limit, :remaining, :resetAt)
              ON CONFLICT (credential) DO UPDATE SET rate_limit = EXCLUDED.rate_limit,
                remaining = EXCLUDED.remaining, reset_at = EXCLUDED.reset_at
              WHERE EXCLUDED.reset_at > prmonitor_rate_limits.reset_at
                OR (EXCLUDED.reset_at = prmonitor_rate_limits.reset_at
                    AND EXCLUDED.remaining < prmonitor_rate_limits.remaining)"""), status).execute();
        } else {
          bindStatus(handle.createUpdate("""
              UPDATE prmonitor_rate_limits SET rate_limit = :limit, remaining = :remaining, reset_at = :resetAt
              WHERE credential = :credential
                AND (:resetAt > reset_at OR (:resetAt = reset_at AND :remaining < remaining))"""), status)
              .execute();
          bindStatus(handle.createUpdate("""
              INSERT INTO prmonitor_rate_limits (credential, rate_limit, remaining, reset_at)
              SELECT :credential, :limit, :remaining, :resetAt
              WHERE NOT EXISTS (SELECT 1 FROM prmonitor_rate_limits WHERE credential = :credential)"""), status)
              .execute();
        }
      }
      return null;
    });
  }

  @Override
  public List<RateLimitStatus> sharedRateLimits() {
    return transactions.read("read shared rate limits", null, handle -> handle.createQuery(
            "SELECT credential, rate_limit, remaining, reset_at FROM prmonitor_rate_limits ORDER BY credential")
        .map((rs, ctx) -> new RateLimitStatus(rs.getString("credential"), rs.getInt("rate_limit"),
            rs.getInt("remaining"), SqlValues.instant(rs, "reset_at")))
        .list());
  }

  private static <S extends SqlStatement<S>> S bindStatus(S statement,
      RateLimitStatus status) {
    return statement.bind("credential", status.credential())
        .bind("limit", status.limit())
        .bind("remaining", status.remaining())
        .bind("resetAt", SqlValues.timestamp(status.resetAt()));
  }

  /** Inserts a row for every candidate not yet known to have one; a lease needs a row to lock. */
  private void register(Collection<RepositoryId> candidates) {
    List<RepositoryId> missing = candidates.stream().filter(r -> !registered.contains(r)).distinct().toList();
    if (missing.isEmpty()) {
      return;
    }
    transactions.write("register repositories", null, handle -> {
      PreparedBatch insert = handle.prepareBatch(dialect == SqlDialect.POSTGRESQL
          ? "INSERT INTO prmonitor_repositories (owner, name) VALUES (:owner, :name) ON CONFLICT DO NOTHING"
          : "MERGE INTO prmonitor_repositories (owner, name) KEY (owner, name) VALUES (:owner, :name)");
      for (RepositoryId repository : missing) {
        insert.bind("owner", repository.canonicalOwner()).bind("name", repository.canonicalName()).add();
      }
      insert.execute();
      return null;
    });
    registered.addAll(missing);
  }

  /** Rows hold the canonical (lower-case) name: maps each to the caller's spelling, the first one given. */
  private static Map<RepositoryId, RepositoryId> callerSpelling(Collection<RepositoryId> repositories) {
    Map<RepositoryId, RepositoryId> spelled = new HashMap<>();
    repositories.forEach(repository -> spelled.putIfAbsent(repository, repository));
    return spelled;
  }

  private static String[] names(Collection<RepositoryId> repositories) {
    return repositories.stream().map(RepositoryId::canonicalFullName).distinct().toArray(String[]::new);
  }

  private static void checkLeaseDuration(Duration leaseDuration) {
    Objects.requireNonNull(leaseDuration, "null leaseDuration");
    if (leaseDuration.isNegative() || leaseDuration.isZero()) {
      throw new IllegalArgumentException("leaseDuration must be positive: " + leaseDuration);
    }
  }

  private static void checkWorker(String worker) {
    Objects.requireNonNull(worker, "null worker");
    if (worker.isBlank() || worker.length() > MAX_WORKER_LENGTH) {
      throw new IllegalArgumentException("worker id must be 1 to " + MAX_WORKER_LENGTH
          + " characters, not blank: '" + worker + "'");
    }
  }
}
