package io.prmonitor.jdbc;

import io.prmonitor.spi.WebhookDeliveries;
import java.time.Instant;
import java.util.Objects;
import org.jdbi.v3.core.JdbiException;

/**
 * The {@link WebhookDeliveries} of a fleet sharing one database: the delivery ids already taken up, in
 * table {@code prmonitor_webhook_deliveries} whose primary key on the id decides between racing workers.
 * Thread-safe.
 */
final class JdbcWebhookDeliveries implements WebhookDeliveries {

  private static final String POSTGRESQL_INSERT =
      "INSERT INTO prmonitor_webhook_deliveries (delivery_id, received_at) VALUES (:id, :at) "
          + "ON CONFLICT (delivery_id) DO NOTHING";
  private static final String H2_INSERT =
      "INSERT INTO prmonitor_webhook_deliveries (delivery_id, received_at) SELECT :id, :at "
          + "WHERE NOT EXISTS (SELECT 1 FROM prmonitor_webhook_deliveries WHERE delivery_id = :id)";

  private final JdbcTransactions transactions;
  private final String insertIfAbsent;

  JdbcWebhookDeliveries(JdbcTransactions transactions) {
    this.transactions = transactions;
    this.insertIfAbsent = transactions.dialect() == SqlDialect.POSTGRESQL ? POSTGRESQL_INSERT : H2_INSERT;
  }

  @Override
  public boolean recordDelivery(String deliveryId, Instant receivedAt) {
    WebhookDeliveries.checkDeliveryId(deliveryId);
    Objects.requireNonNull(receivedAt, "null receivedAt");
    // one statement in autocommit, since a webhook's answer waits for it; not retried: an insert whose
    // commit's answer was lost may have happened, and a retry would then take its own row for another
    // worker's and drop the event
    return transactions.autocommitOnce("record webhook delivery", handle -> {
      try {
        // the primary key decides between racing workers: the loser's insert finds the row (PostgreSQL's
        // ON CONFLICT) or fails with a unique violation (H2, whose NOT EXISTS cannot see an uncommitted row)
        return handle.createUpdate(insertIfAbsent)
            .bind("id", deliveryId)
            .bind("at", SqlValues.timestamp(receivedAt))
            .execute() == 1;
      } catch (JdbiException e) {
        if (SqlFailures.uniqueViolation(e)) {
          return false;
        }
        throw e;
      }
    });
  }

  @Override
  public int purgeDeliveries(Instant receivedBefore) {
    Objects.requireNonNull(receivedBefore, "null receivedBefore");
    return transactions.deleteBefore("purge webhook deliveries",
        "DELETE FROM prmonitor_webhook_deliveries WHERE received_at < :before", receivedBefore);
  }
}
