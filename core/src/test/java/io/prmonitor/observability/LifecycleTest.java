package io.prmonitor.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.StaticGitHubClient;
import io.prmonitor.core.store.InMemoryPullRequestStore;
import io.prmonitor.spi.PageRequest;
import io.prmonitor.spi.PullRequestPage;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** start() runs passes on a schedule without overlap; close() stops them and is idempotent. */
class LifecycleTest {

  private final ProcessorConfig config = ProcessorConfig.builder().repositories("octo/one")
      .passInterval(Duration.ofMillis(20)).shutdownTimeout(Duration.ofSeconds(5)).build();

  /** Counts requests in flight and can hold them until released. */
  private static final class GatedClient extends StaticGitHubClient {
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile boolean gated;

    @Override
    public PullRequestPage listPullRequests(PageRequest request) {
      int now = inFlight.incrementAndGet();
      maxInFlight.accumulateAndGet(now, Math::max);
      calls.incrementAndGet();
      try {
        if (gated) {
          entered.countDown();
          release.await(10, TimeUnit.SECONDS);
        }
        return super.listPullRequests(request);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } finally {
        inFlight.decrementAndGet();
      }
    }
  }

  @Test
  void start_runsPassesOnSchedule_neverOverlapping() throws InterruptedException {
    GatedClient client = new GatedClient();
    client.gated = true;
    try (PRMonitor monitor = PRMonitor.builder().config(config).githubClient(client)
        .store(new InMemoryPullRequestStore()).build()) {
      monitor.start();
      assertThat(client.entered.await(10, TimeUnit.SECONDS)).isTrue();
      // the first pass is held for many intervals: no second pass may start meanwhile
      await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
          .until(() -> client.calls.get() == 1);
      client.gated = false;
      client.release.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> monitor.lastReport().map(r -> r.pass() >= 3).orElse(false));
      assertThat(client.maxInFlight.get()).isEqualTo(1);
      assertThatThrownBy(monitor::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("started");
    }
  }

  @Test
  void close_stopsScheduling_isIdempotent_andRejectsRun() {
    GatedClient client = new GatedClient();
    PRMonitor monitor = PRMonitor.builder().config(config).githubClient(client)
        .store(new InMemoryPullRequestStore()).build();
    monitor.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> monitor.lastReport().isPresent());

    monitor.close();
    int callsAtClose = client.calls.get();
    monitor.close();

    await().during(Duration.ofMillis(150)).atMost(Duration.ofSeconds(1))
        .until(() -> client.calls.get() == callsAtClose);
    assertThatThrownBy(monitor::run).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThat(client.isClosed()).as("a client passed in is the host's to close").isFalse();
  }

  @Test
  void close_interruptsAPassThatOutlivesTheShutdownTimeout() throws InterruptedException {
    GatedClient client = new GatedClient();
    client.gated = true;
    PRMonitor monitor = PRMonitor.builder()
        .config(config.toBuilder().shutdownTimeout(Duration.ofMillis(100)).build())
        .githubClient(client).store(new InMemoryPullRequestStore()).build();
    Thread runner = Thread.ofPlatform().start(() -> {
      try {
        monitor.run();
      } catch (RuntimeException expected) {
        // the interrupted pass ends with an exception
      }
    });
    assertThat(client.entered.await(10, TimeUnit.SECONDS)).isTrue();

    monitor.close();

    runner.join(Duration.ofSeconds(10));
    assertThat(runner.isAlive()).isFalse();
  }
}
