package io.prmonitor.jdbc;

import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.OutboxEntry;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.RepositoryId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The outbox (table {@code prmonitor_outbox}) as delivery reads and updates it: pending changes in sequence
 * order, marked delivered or failed by sequence, purged once delivered long enough ago. The changes
 * themselves are appended by {@link SyncBatchWriter}, in the transaction of their snapshots. Thread-safe.
 */
final class JdbcOutbox {

  private static final String OUTBOX_COLUMNS =
      "seq, change_key, owner, name, number, kind, field, before_value, after_value, updated_at, attempts";

  private final JdbcTransactions transactions;

  JdbcOutbox(JdbcTransactions transactions) {
    this.transactions = transactions;
  }

  List<OutboxEntry> pendingChanges(long afterSequence, int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    return transactions.read("read pending changes", null, handle -> handle.createQuery("SELECT " + OUTBOX_COLUMNS
            + " FROM prmonitor_outbox WHERE delivered_at IS NULL AND seq > :after ORDER BY seq LIMIT :limit")
        .bind("after", afterSequence)
        .bind("limit", limit)
        .map((rs, ctx) -> outboxEntry(rs))
        .list());
  }

  void markDelivered(Collection<Long> sequences, Instant deliveredAt) {
    Objects.requireNonNull(sequences, "null sequences");
    Objects.requireNonNull(deliveredAt, "null deliveredAt");
    updateBySequence("mark delivered", sequences, "UPDATE prmonitor_outbox SET delivered_at = :deliveredAt "
        + "WHERE seq IN (<sequences>) AND delivered_at IS NULL", deliveredAt);
  }

  void recordFailedDelivery(Collection<Long> sequences) {
    Objects.requireNonNull(sequences, "null sequences");
    updateBySequence("record failed delivery", sequences,
        "UPDATE prmonitor_outbox SET attempts = attempts + 1 WHERE seq IN (<sequences>)", null);
  }

  int purgeDelivered(Instant deliveredBefore) {
    Objects.requireNonNull(deliveredBefore, "null deliveredBefore");
    return transactions.deleteBefore("purge delivered changes",
        "DELETE FROM prmonitor_outbox WHERE delivered_at < :before", deliveredBefore);
  }

  /** Runs the update once per chunk of the distinct sequences, binding {@code :deliveredAt} if given. */
  private void updateBySequence(String operation, Collection<Long> sequences, String sql, Instant deliveredAt) {
    if (sequences.isEmpty()) {
      return;
    }
    List<List<Long>> chunks = SqlValues.distinctChunks(sequences);
    transactions.write(operation, null, handle -> {
      for (List<Long> chunk : chunks) {
        var update = handle.createUpdate(sql).bindList("sequences", chunk);
        if (deliveredAt != null) {
          update.bind("deliveredAt", SqlValues.timestamp(deliveredAt));
        }
        update.execute();
      }
      return null;
    });
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
}
