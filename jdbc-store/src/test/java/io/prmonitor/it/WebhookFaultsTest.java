package io.prmonitor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.WebhookConfig;
import io.prmonitor.jdbc.JdbcPullRequestStore;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.simulator.WebhookSender;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.StoreSettings;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhooks as hints, polling as the safety net, through the whole stack on H2: the simulator drops 10% of
 * its deliveries, sends 10% twice and holds 10% back behind the next one (and delays some); after the next
 * pass the store equals the truth, and every change reached the listener once.
 */
class WebhookFaultsTest {

  private static final String TOKEN = "test_webhook_faults_token";
  private static final String SECRET = "webhook-faults-secret";

  @TempDir
  Path directory;

  private GitHubSimulator simulator;
  private JdbcPullRequestStore store;
  private PRMonitor monitor;
  private final List<PullRequestChange> received = new CopyOnWriteArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void stop() throws Exception {
    SyncStack.closeInOrder(monitor, store, simulator);
  }

  private double count(String meter, String outcome) {
    var search = registry.find(meter).tag("outcome", outcome);
    return search.timer() != null ? search.timer().count() : search.counter() != null ? search.counter().count() : 0;
  }

  @Test
  void droppedDuplicatedReorderedDeliveries_storeEqualsTruthAfterTheNextPass_eachChangeOnce() {
    simulator = GitHubSimulator.builder().repositories(6).pullRequestsPerRepository(60).seed(23L).tokens(TOKEN)
        .start();
    store = JdbcPullRequestStore.create(new StoreSettings(new StoreTarget.H2(directory).jdbcUrl(), null, null, 12,
        Duration.ofSeconds(30), Map.of()));
    monitor = PRMonitor.builder().store(store).listener(received::add).meterRegistry(registry)
        .config(ProcessorConfig.builder().repositories(simulator.repositories()).githubBaseUrl(simulator.baseUrl())
            .githubToken(TOKEN).serverTimeBudget(null, Duration.ofSeconds(60)).build())
        .webhooks(WebhookConfig.builder().secret(SECRET).debounce(Duration.ofMillis(50)).build())
        .httpEndpoint(new InetSocketAddress("127.0.0.1", 0)).build();
    monitor.run();
    simulator.webhooks().register(URI.create("http://127.0.0.1:" + monitor.httpAddress().orElseThrow().getPort()
            + "/webhooks"), SECRET)
        .seed(7).dropRate(0.1).duplicateRate(0.1).reorderRate(0.1).delayRate(0.05, Duration.ofMillis(500));

    RandomMutations mutations = new RandomMutations(simulator, 31L);
    // one round: each pull request mutated once, so each must yield a change (two mutations of one pull
    // request, both of whose deliveries were dropped, may cancel out, and then rightly yield none)
    Set<String> mutated = new HashSet<>();
    mutations.round(160).forEach(expected -> mutated.add(expected.substring(0, expected.indexOf(' '))));
    WebhookSender.Stats sent = simulator.webhooks().stats();
    long posts = sent.created() - sent.dropped() + sent.duplicated();
    await().atMost(Duration.ofSeconds(60)).until(() -> simulator.webhooks().stats().sent() >= posts);
    assertThat(sent.dropped()).isPositive();
    assertThat(sent.duplicated()).isPositive();
    assertThat(sent.reordered()).isPositive();
    assertThat(count("prmonitor.webhook.deliveries", "duplicate")).isPositive();

    long passStarted = System.nanoTime();
    monitor.run();
    long passMillis = (System.nanoTime() - passStarted) / 1_000_000;

    for (RepositoryId repository : simulator.repositories()) {
      assertThat(store.allPullRequests(repository)).as(repository.fullName())
          .containsExactlyElementsOf(simulator.truth(repository));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> store.pendingChanges(0, 1).isEmpty());
    List<String> keys = received.stream().map(PullRequestChange::key).toList();
    assertThat(keys).as("every change once").doesNotHaveDuplicates();
    Set<String> changed = new HashSet<>();
    received.forEach(change -> changed.add(change.repository().fullName() + "#" + change.number()));
    assertThat(changed).as("every mutated pull request reported").containsAll(mutated);
    assertThat(count("prmonitor.webhook.reads", "read")).as("webhooks did most of the work").isPositive();
    assertThat(count("prmonitor.webhook.deliveries", "unauthorized")).isZero();
    System.out.printf("webhook faults: %d deliveries made, %d dropped, %d duplicated, %d reordered, %d delayed;"
            + " accepted %.0f, duplicates %.0f, re-reads %.0f, stale %.0f; %d pull requests changed, %d changes"
            + " delivered; the next pass took %d ms%n", sent.created(), sent.dropped(), sent.duplicated(),
        sent.reordered(), sent.delayed(), count("prmonitor.webhook.deliveries", "accepted"),
        count("prmonitor.webhook.deliveries", "duplicate"), count("prmonitor.webhook.reads", "read"),
        count("prmonitor.webhook.reads", "stale"), mutated.size(), keys.size(), passMillis);
  }
}
