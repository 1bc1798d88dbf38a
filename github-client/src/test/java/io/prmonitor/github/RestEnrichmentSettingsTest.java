package io.prmonitor.github;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.github.ratelimit.Backoff;
import io.prmonitor.github.ratelimit.FakeTime;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.EnrichmentMode;
import io.prmonitor.spi.EnrichmentResult;
import io.prmonitor.spi.EnrichmentTarget;
import io.prmonitor.spi.GitHubClientListener;
import io.prmonitor.spi.GitHubClientSettings;
import io.prmonitor.spi.GitHubCredentials;
import io.prmonitor.spi.RepositoryId;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The per-pull-request settings of REST enrichment change what it does: {@code maxConcurrentPrsPerRepo} bounds
 * the pull requests read at once, {@code enableCaching} keeps responses in memory so that re-reads are
 * conditional on them (free {@code 304}s) even with nothing stored, {@code cacheTtl} ends a cached response's use,
 * and every lookup of the cache reaches the listener as a hit or a miss. The entity tags kept with stored
 * enrichments are sent whether the cache is on or off.
 */
class RestEnrichmentSettingsTest {

  private static final String TOKEN = "test_restSettingsSecret0123456789";
  private static final RepositoryId REPO = new RepositoryId("octo", "hello");
  private final FakeTime time = new FakeTime();
  private final AtomicInteger hits = new AtomicInteger();
  private final AtomicInteger misses = new AtomicInteger();
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable resource : resources.reversed()) {
      resource.close();
    }
  }

  private HttpGitHubClient client(URI baseUrl, UnaryOperator<GitHubClientSettings.Builder> tweak) {
    GitHubClientSettings settings = tweak.apply(GitHubClientSettings.builder()
        .baseUrl(baseUrl)
        .credentials(new GitHubCredentials.Token(TOKEN))
        .requestTimeout(Duration.ofSeconds(20))
        .listener(new GitHubClientListener() {
          @Override
          public void onCacheLookup(boolean hit) {
            (hit ? hits : misses).incrementAndGet();
          }
        })).build();
    HttpGitHubClient client = new HttpGitHubClient(settings, time, time,
        new Backoff(settings.retryInitialDelay(), settings.retryBackoffFactor(), 0.0, () -> 0.5));
    resources.add(client);
    return client;
  }

  /**
   * Reads eight pull requests through a stub that holds the first {@code limit} requests until that many are
   * in flight together, and returns the most requests it saw in flight at once.
   */
  private int mostInFlight(int limit) throws IOException {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger arrived = new AtomicInteger();
    CyclicBarrier together = new CyclicBarrier(limit);
    StubServer stub = new StubServer(r -> {
      most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      try {
        if (arrived.incrementAndGet() <= limit) {
          together.await(20, TimeUnit.SECONDS);
        }
        String path = r.uri().getPath();
        return StubServer.Reply.json(200, path.endsWith("/reviews") ? "[]"
            : path.endsWith("/check-runs") ? "{\"total_count\":0,\"check_runs\":[]}"
            : path.endsWith("/status") ? "{\"state\":\"pending\",\"statuses\":[]}"
            : "{\"number\":1,\"merged\":false,\"mergeable\":true,\"comments\":0,\"review_comments\":0}");
      } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
        return StubServer.Reply.json(500, "{\"message\":\"the requests never were in flight together\"}");
      } finally {
        inFlight.decrementAndGet();
      }
    });
    resources.add(stub);
    HttpGitHubClient client = client(stub.baseUrl(), b -> b.maxConcurrentPrsPerRepo(limit));
    List<EnrichmentTarget> targets = IntStream.rangeClosed(1, 8)
        .mapToObj(n -> new EnrichmentTarget(n, "sha" + n, false, null)).toList();

    EnrichmentResult result = client.enrich(REPO, targets, EnrichmentMode.REST, 0);

    assertThat(result.enrichments()).extracting(e -> e.number()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(result.requests()).isEqualTo(8 * 4);
    return most.get();
  }

  @Test
  void maxConcurrentPrsPerRepo_one_readsOnePullRequestAtATime() throws IOException {
    assertThat(mostInFlight(1)).isEqualTo(1);
  }

  @Test
  void maxConcurrentPrsPerRepo_three_readsThreePullRequestsAtOnceAndNoMore() throws IOException {
    assertThat(mostInFlight(3)).isEqualTo(3);
  }

  private GitHubSimulator simulator() {
    GitHubSimulator sim = GitHubSimulator.builder().seed(11L).tokens(TOKEN).repositories(1)
        .pullRequestsPerRepository(5).start();
    resources.add(sim);
    return sim;
  }

  /** Every pull request of the simulator's repository, with nothing stored (no entity tag kept with it). */
  private static List<EnrichmentTarget> unstored(GitHubSimulator sim) {
    RepositoryId repo = sim.repositories().get(0);
    return sim.truth(repo).stream().map(pr -> new EnrichmentTarget(pr.number(), pr.headSha(), false, null)).toList();
  }

  @Test
  void enableCaching_reReadsConditionallyFromTheCache_asFree304sCountedAsHits() {
    GitHubSimulator sim = simulator();
    HttpGitHubClient client = client(sim.baseUrl(), b -> b);
    RepositoryId repo = sim.repositories().get(0);
    EnrichmentResult first = client.enrich(repo, unstored(sim), EnrichmentMode.REST, 0);
    sim.resetStats();

    EnrichmentResult again = client.enrich(repo, unstored(sim), EnrichmentMode.REST, 0);

    assertThat(first.notModified()).isZero();
    assertThat(again.notModified()).isEqualTo(again.requests()).isEqualTo(5 * 4);
    assertThat(sim.stats().charged()).isZero();
    assertThat(again.enrichments()).containsExactlyInAnyOrderElementsOf(first.enrichments());
    assertThat(misses.get()).isEqualTo(5 * 4);
    assertThat(hits.get()).isEqualTo(5 * 4);
  }

  @Test
  void enableCaching_off_reReadsWithoutTheCache_butStillConditionallyOnTheStoredEntityTags() {
    GitHubSimulator sim = simulator();
    HttpGitHubClient client = client(sim.baseUrl(), b -> b.enableCaching(false));
    RepositoryId repo = sim.repositories().get(0);
    EnrichmentResult first = client.enrich(repo, unstored(sim), EnrichmentMode.REST, 0);
    sim.resetStats();

    // within the cache's TTL, but there is no cache: with nothing stored, every GET is charged
    EnrichmentResult uncached = client.enrich(repo, unstored(sim), EnrichmentMode.REST, 0);

    assertThat(uncached.notModified()).isZero();
    assertThat(sim.stats().charged()).isEqualTo(5 * 4);
    sim.resetStats();
    List<EnrichmentTarget> stored = first.enrichments().stream()
        .map(e -> new EnrichmentTarget(e.number(), e.headSha(), false, e)).toList();

    // the entity tags kept with the stored enrichments are sent all the same: free 304s
    EnrichmentResult again = client.enrich(repo, stored, EnrichmentMode.REST, 0);

    assertThat(again.notModified()).isEqualTo(again.requests()).isEqualTo(5 * 4);
    assertThat(sim.stats().charged()).isZero();
    assertThat(again.enrichments()).containsExactlyInAnyOrderElementsOf(first.enrichments());
    // the cache meter counts lookups of the cache only
    assertThat(hits.get() + misses.get()).isZero();
  }

  @Test
  void cacheTtl_past_theCachedResponsesAreNotUsed() {
    GitHubSimulator sim = simulator();
    HttpGitHubClient client = client(sim.baseUrl(), b -> b.cacheTtl(Duration.ofMinutes(1)));
    RepositoryId repo = sim.repositories().get(0);
    client.enrich(repo, unstored(sim), EnrichmentMode.REST, 0);
    time.advance(Duration.ofSeconds(59));
    EnrichmentResult within = client.enrich(repo, unstored(sim), EnrichmentMode.REST, 0);
    time.advance(Duration.ofMinutes(2));
    sim.resetStats();

    EnrichmentResult past = client.enrich(repo, unstored(sim), EnrichmentMode.REST, 0);

    assertThat(within.notModified()).isEqualTo(5 * 4);
    assertThat(past.notModified()).isZero();
    assertThat(sim.stats().charged()).isEqualTo(5 * 4);
    assertThat(hits.get()).isEqualTo(5 * 4);
    assertThat(misses.get()).isEqualTo(2 * 5 * 4);
  }
}
