package io.prmonitor.jdbc;

import io.prmonitor.spi.QuarantinedPullRequest;
import io.prmonitor.spi.RepositoryId;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The quarantine (table {@code prmonitor_quarantine}): pull requests a pass could not store, kept with their
 * reason until a later pass stores them. Thread-safe.
 */
final class JdbcQuarantine {

  private final JdbcTransactions transactions;

  JdbcQuarantine(JdbcTransactions transactions) {
    this.transactions = transactions;
  }

  List<QuarantinedPullRequest> quarantined(RepositoryId repository) {
    Objects.requireNonNull(repository, "null repository");
    return transactions.read("read quarantine", repository, handle -> handle.createQuery("""
            SELECT number, updated_at, reason, since, attempts FROM prmonitor_quarantine
            WHERE owner = :owner AND name = :name ORDER BY number""")
        .bind("owner", repository.canonicalOwner())
        .bind("name", repository.canonicalName())
        .map((rs, ctx) -> new QuarantinedPullRequest(rs.getInt("number"), SqlValues.instant(rs, "updated_at"),
            SqlValues.decodeText(rs.getString("reason")), SqlValues.instant(rs, "since"), rs.getInt("attempts")))
        .list());
  }

  /** Records the entries, replacing any of the same number; where one number is given twice, the later wins. */
  void quarantine(RepositoryId repository, Collection<QuarantinedPullRequest> entries) {
    Objects.requireNonNull(repository, "null repository");
    Objects.requireNonNull(entries, "null entries");
    if (entries.isEmpty()) {
      return;
    }
    transactions.write("record quarantine", repository, handle -> {
      Map<Integer, QuarantinedPullRequest> byNumber = new LinkedHashMap<>();
      entries.forEach(entry -> byNumber.put(entry.number(), entry));
      PreparedBatch delete = deleteBatch(handle, repository, byNumber.keySet());
      PreparedBatch insert = handle.prepareBatch("""
          INSERT INTO prmonitor_quarantine (owner, name, number, updated_at, reason, since, attempts)
          VALUES (:owner, :name, :number, :updatedAt, :reason, :since, :attempts)""");
      for (QuarantinedPullRequest entry : byNumber.values()) {
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

  void clearQuarantine(RepositoryId repository, Collection<Integer> numbers) {
    Objects.requireNonNull(repository, "null repository");
    Objects.requireNonNull(numbers, "null numbers");
    if (numbers.isEmpty()) {
      return;
    }
    transactions.write("clear quarantine", repository, handle -> {
      deleteBatch(handle, repository, new LinkedHashSet<>(numbers)).execute();
      return null;
    });
  }

  /** A batch deleting the repository's entries of the numbers, not yet executed. */
  private static PreparedBatch deleteBatch(Handle handle, RepositoryId repository, Collection<Integer> numbers) {
    PreparedBatch delete = handle.prepareBatch(
        "DELETE FROM prmonitor_quarantine WHERE owner = :owner AND name = :name AND number = :number");
    for (Integer number : numbers) {
      delete.bind("owner", repository.canonicalOwner()).bind("name", repository.canonicalName())
          .bind("number", number).add();
    }
    return delete;
  }
}
