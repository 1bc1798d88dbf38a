package io.prmonitor.spi.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.WebhookDeliveries;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link WebhookDeliveries} store must show, as an abstract JUnit 5 test class.
 *
 * <p>Extend it and implement {@link #createStore()} with a fresh, empty store that implements
 * {@link WebhookDeliveries}; the suite closes it after each test. For a store shared across processes,
 * {@link #reopen()} may return a second store over the same data (default: the same instance), so that the
 * suite also checks that a record survives a restart and is seen by another worker.
 */
public abstract class WebhookDeliveriesContract {

  /** For subclasses: a store's test extends this class. */
  protected WebhookDeliveriesContract() {
  }

  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  private static final String GUID = "72d3162e-cc78-11e3-81ab-4c9367dc0958";

  /** The store under test. */
  protected PullRequestStore store;
  private final List<PullRequestStore> opened = new ArrayList<>();

  /** Returns a new store holding no data that records {@link WebhookDeliveries} ({@link PullRequestStore#webhookDeliveries()}). */
  protected abstract PullRequestStore createStore();

  /**
   * Returns another store over the same data as {@link #store} (as a restarted or second worker would open),
   * or {@link #store} itself for a store that lives in one process only. The suite closes it.
   */
  protected PullRequestStore reopen() {
    return store;
  }

  @BeforeEach
  void openStore() {
    store = createStore();
    opened.add(store);
  }

  @AfterEach
  void closeStores() {
    for (PullRequestStore s : opened) {
      s.close();
    }
  }

  private WebhookDeliveries deliveries() {
    return store.webhookDeliveries().orElseThrow(() -> new AssertionError("the store under test offers no "
        + "webhook deliveries: " + store.getClass().getName()));
  }

  @Test
  void webhookDeliveries_answerTheSameInstanceEveryCall() {
    assertThat(store.webhookDeliveries()).containsSame(deliveries());
  }

  @Test
  void recordDelivery_first_isTrue() {
    assertThat(deliveries().recordDelivery(GUID, T0)).isTrue();
  }

  @Test
  void recordDelivery_again_isFalse() {
    deliveries().recordDelivery(GUID, T0);

    assertThat(deliveries().recordDelivery(GUID, T0.plusSeconds(5))).isFalse();
  }

  @Test
  void recordDelivery_otherId_isTrue() {
    deliveries().recordDelivery(GUID, T0);

    assertThat(deliveries().recordDelivery("72d3162e-cc78-11e3-81ab-4c9367dc0959", T0)).isTrue();
  }

  @Test
  void recordDelivery_seenByAnotherStoreOverTheSameData() {
    deliveries().recordDelivery(GUID, T0);
    PullRequestStore second = reopen();
    if (second != store) {
      opened.add(second);
    }

    assertThat(second.webhookDeliveries().orElseThrow().recordDelivery(GUID, T0.plusSeconds(1))).isFalse();
  }

  @Test
  void recordDelivery_blankOrTooLong_isRejectedNamingTheValue() {
    assertThatThrownBy(() -> deliveries().recordDelivery(" ", T0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deliveryId");
    assertThatThrownBy(() -> deliveries().recordDelivery("x".repeat(101), T0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("101");
  }

  @Test
  void recordDelivery_concurrentCallers_exactlyOneIsFirst() throws Exception {
    int callers = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        results.add(pool.submit(() -> {
          start.await();
          return deliveries().recordDelivery(GUID, T0);
        }));
      }
      start.countDown();
      int firsts = 0;
      for (Future<Boolean> result : results) {
        firsts += result.get(30, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(firsts).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void purgeDeliveries_forgetsOnlyOlderRecords() {
    deliveries().recordDelivery("old", T0);
    deliveries().recordDelivery("new", T0.plusSeconds(60));

    assertThat(deliveries().purgeDeliveries(T0.plusSeconds(30))).isEqualTo(1);
    assertThat(deliveries().recordDelivery("old", T0.plusSeconds(90))).isTrue();
    assertThat(deliveries().recordDelivery("new", T0.plusSeconds(90))).isFalse();
  }
}
