package io.prmonitor.core.lease;

import io.prmonitor.spi.ListingCursor;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryLeases;
import io.prmonitor.spi.RepositoryState;
import io.prmonitor.spi.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** Leases in memory, with the semantics of the contract suite, plus counters and a switch to fail. */
final class MemoryLeases implements RepositoryLeases {

  private static final class Row {
    Instant completedAt;
    String owner;
    Instant expiresAt;
  }

  private final Map<RepositoryId, Row> rows = new HashMap<>();
  final AtomicInteger releases = new AtomicInteger();
  final AtomicInteger renewals = new AtomicInteger();
  volatile boolean failing;

  synchronized void complete(RepositoryId repository, Instant at) {
    rows.computeIfAbsent(repository, r -> new Row()).completedAt = at;
  }

  synchronized void lease(RepositoryId repository, String owner, Instant expiresAt) {
    Row row = rows.computeIfAbsent(repository, r -> new Row());
    row.owner = owner;
    row.expiresAt = expiresAt;
  }

  synchronized String owner(RepositoryId repository) {
    Row row = rows.get(repository);
    return row == null ? null : row.owner;
  }

  synchronized Instant expiresAt(RepositoryId repository) {
    Row row = rows.get(repository);
    return row == null ? null : row.expiresAt;
  }

  private void check() {
    if (failing) {
      throw new StoreException("store is down");
    }
  }

  private static boolean due(Row row, Instant dueBefore) {
    return row.completedAt == null || !row.completedAt.isAfter(dueBefore);
  }

  private static boolean free(Row row, Instant now) {
    return row.expiresAt == null || !row.expiresAt.isAfter(now);
  }

  @Override
  public synchronized List<RepositoryState> claimDue(String worker, Collection<RepositoryId> candidates,
      Instant dueBefore, Instant now, Duration leaseDuration, int limit) {
    check();
    candidates.forEach(c -> rows.computeIfAbsent(c, r -> new Row()));
    List<RepositoryId> due = candidates.stream().distinct()
        .filter(c -> due(rows.get(c), dueBefore) && free(rows.get(c), now))
        .sorted(Comparator.comparing((RepositoryId c) -> rows.get(c).completedAt,
            Comparator.nullsFirst(Comparator.naturalOrder())).thenComparing(Comparator.naturalOrder()))
        .limit(limit).toList();
    List<RepositoryState> claimed = new ArrayList<>();
    for (RepositoryId repository : due) {
      Row row = rows.get(repository);
      row.owner = worker;
      row.expiresAt = now.plus(leaseDuration);
      claimed.add(new RepositoryState(repository, ListingCursor.NONE, row.completedAt));
    }
    return claimed;
  }

  @Override
  public synchronized Set<RepositoryId> renew(String worker, Collection<RepositoryId> repositories, Instant now,
      Duration leaseDuration) {
    check();
    renewals.incrementAndGet();
    Set<RepositoryId> renewed = new HashSet<>();
    for (RepositoryId repository : repositories) {
      Row row = rows.get(repository);
      if (row != null && worker.equals(row.owner)) {
        row.expiresAt = now.plus(leaseDuration);
        renewed.add(repository);
      }
    }
    return renewed;
  }

  @Override
  public synchronized void release(String worker, RepositoryId repository) {
    check();
    Row row = rows.get(repository);
    if (row != null && worker.equals(row.owner)) {
      row.owner = null;
      row.expiresAt = null;
      releases.incrementAndGet();
    }
  }

  @Override
  public synchronized LeasedElsewhere leasedElsewhere(String worker, Collection<RepositoryId> candidates,
      Instant dueBefore, Instant now) {
    check();
    List<Row> others = candidates.stream().map(rows::get)
        .filter(row -> row != null && due(row, dueBefore) && !free(row, now) && !worker.equals(row.owner))
        .toList();
    return others.isEmpty() ? LeasedElsewhere.NONE : new LeasedElsewhere(others.size(),
        others.stream().map(row -> row.expiresAt).min(Comparator.naturalOrder()).orElseThrow());
  }
}
