package io.prmonitor.core.delivery;

import io.prmonitor.core.metrics.MonitorMetrics;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deliver step: hands the outbox's pending changes to the listeners through an {@link OutboxDispatcher}
 * at the end of every pass and after every webhook re-read, records the rounds in the metrics, and purges
 * what is old. A store that fails here fails no repository: the changes stay pending for the next round,
 * and the failure is logged once, at WARN. Thread-safe.
 */
public final class ChangeDelivery {

  private static final Logger log = LoggerFactory.getLogger(ChangeDelivery.class);

  private final OutboxDispatcher dispatcher;
  private final PullRequestStore store;
  private final MonitorMetrics metrics;
  private final Clock clock;
  private final Duration outboxRetention;
  private final Duration webhookDeliveryRetention;
  private final boolean leases;
  private final AtomicBoolean deliveryRequested = new AtomicBoolean();
  private final ReentrantLock readDelivery = new ReentrantLock();

  /**
   * @param outboxRetention how long delivered changes are kept
   * @param webhookDeliveryRetention how long the store's record of webhook deliveries is kept, or null when
   *     webhooks are off
   * @param leases whether the monitor shares its fleet through leases (a re-read then delivers only its
   *     repository's changes)
   */
  public ChangeDelivery(OutboxDispatcher dispatcher, PullRequestStore store, MonitorMetrics metrics, Clock clock,
      Duration outboxRetention, Duration webhookDeliveryRetention, boolean leases) {
    this.dispatcher = Objects.requireNonNull(dispatcher, "null dispatcher");
    this.store = Objects.requireNonNull(store, "null store");
    this.metrics = Objects.requireNonNull(metrics, "null metrics");
    this.clock = Objects.requireNonNull(clock, "null clock");
    this.outboxRetention = Objects.requireNonNull(outboxRetention, "null outboxRetention");
    this.webhookDeliveryRetention = webhookDeliveryRetention;
    this.leases = leases;
  }

  /**
   * Delivers the pending changes of the repositories {@code deliveredHere} accepts, and purges old delivered
   * changes (and old webhook delivery records).
   *
   * @return the round; an empty one if the store failed
   */
  public OutboxDispatcher.Round endOfPass(Predicate<RepositoryId> deliveredHere) {
    try {
      OutboxDispatcher.Round round = dispatcher.deliverPending(deliveredHere);
      metrics.delivery(round.delivered(), round.failed());
      store.purgeDelivered(clock.instant().minus(outboxRetention));
      if (webhookDeliveryRetention != null) {
        store.webhookDeliveries().ifPresent(deliveries ->
            deliveries.purgeDeliveries(clock.instant().minus(webhookDeliveryRetention)));
      }
      return round;
    } catch (RuntimeException e) {
      metrics.error(e.getClass().getSimpleName());
      log.warn("delivering changes failed; they stay pending for the next pass: {}", e.toString());
      return new OutboxDispatcher.Round(0, 0, 0);
    }
  }

  /**
   * Delivers what a webhook's re-read recorded; a failure leaves it for the next round. With leases, the
   * re-read repository's changes only, before its lease is released. Without, single-flight: a re-read that
   * ends while a round runs leaves a request the running round picks up, instead of queueing a round of its
   * own behind it (ten re-reads ending at once cost two rounds, not ten).
   */
  public void afterRead(RepositoryId repository) {
    if (leases) {
      // with leases only a repository's holder delivers its changes: this one's, now, while the re-read
      // still holds its lease (another worker may hold the others)
      readDelivery.lock();
      try {
        OutboxDispatcher.Round round = dispatcher.deliverPending(repository::equals);
        metrics.delivery(round.delivered(), round.failed());
      } catch (RuntimeException e) {
        readFailed(e);
      } finally {
        readDelivery.unlock();
      }
      return;
    }
    deliveryRequested.set(true);
    while (deliveryRequested.get() && readDelivery.tryLock()) {
      try {
        while (deliveryRequested.getAndSet(false)) {
          OutboxDispatcher.Round round = dispatcher.deliverPending();
          metrics.delivery(round.delivered(), round.failed());
        }
      } catch (RuntimeException e) {
        readFailed(e);
        return;
      } finally {
        readDelivery.unlock();
      }
    }
  }

  private void readFailed(RuntimeException e) {
    metrics.error(e.getClass().getSimpleName());
    log.warn("delivering changes after a webhook re-read failed; they stay pending: {}", e.toString());
  }
}
