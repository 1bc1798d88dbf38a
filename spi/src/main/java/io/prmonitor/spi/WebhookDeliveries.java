package io.prmonitor.spi;

import java.time.Instant;

/**
 * A capability a {@link PullRequestStore} may have, offered through {@link PullRequestStore#webhookDeliveries()}: the record of the GitHub webhook deliveries a
 * monitor (or a fleet of monitors sharing the store) has already taken up, keyed by the
 * {@code X-GitHub-Delivery} header, so that a redelivered, duplicated or replayed delivery is acted on once
 * however many times and at whichever worker it arrives, and after a restart too.
 *
 * <p>GitHub gives one event one delivery id, shared by every webhook subscribed to the event and kept when a
 * delivery is redelivered, so the id identifies the event, not the attempt.
 *
 * <p>Implementations must be thread-safe and safe across processes: of several callers recording the same id
 * at once, exactly one is told it was the first. The contract suite in this module's test-jar
 * ({@code WebhookDeliveriesContract}) pins the semantics down.
 */
public interface WebhookDeliveries {

  /** The longest delivery id accepted, in characters (GitHub's are 36-character GUIDs). */
  int MAX_DELIVERY_ID_LENGTH = 100;

  /**
   * Records that a delivery was received, unless it already was.
   *
   * @param deliveryId the {@code X-GitHub-Delivery} value: non-blank, at most {@link #MAX_DELIVERY_ID_LENGTH}
   *     characters
   * @param receivedAt when it was received
   * @return true if this call recorded it (the caller acts on the delivery), false if it was recorded before
   * @throws IllegalArgumentException if the id is blank or too long
   * @throws StoreException if the store cannot be written; nothing is recorded then
   */
  boolean recordDelivery(String deliveryId, Instant receivedAt);

  /**
   * Forgets deliveries received before the given instant (GitHub lets a delivery be redelivered for a few
   * days; keep them at least that long).
   *
   * @return how many records were deleted
   * @throws StoreException if the store cannot be written
   */
  int purgeDeliveries(Instant receivedBefore);

  /**
   * Checks a delivery id as {@link #recordDelivery} requires; for implementations.
   *
   * @return the id
   * @throws IllegalArgumentException naming the value if it is null, blank or too long
   */
  static String checkDeliveryId(String deliveryId) {
    if (deliveryId == null || deliveryId.isBlank()) {
      throw new IllegalArgumentException("deliveryId must not be blank: '" + deliveryId + "'");
    }
    if (deliveryId.length() > MAX_DELIVERY_ID_LENGTH) {
      throw new IllegalArgumentException("deliveryId must be at most " + MAX_DELIVERY_ID_LENGTH
          + " characters: '" + deliveryId.substring(0, 40) + "...' (" + deliveryId.length() + ")");
    }
    return deliveryId;
  }
}
