package io.prmonitor.core.metrics;

import io.prmonitor.spi.DiscoveryPage;
import io.prmonitor.spi.ListingCursor;
import io.prmonitor.spi.OutboxEntry;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.QuarantinedPullRequest;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryLeases;
import io.prmonitor.spi.RepositoryState;
import io.prmonitor.spi.SharedRateLimits;
import io.prmonitor.spi.SyncBatch;
import io.prmonitor.spi.WebhookDeliveries;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A {@link PullRequestStore} that times every call of the store it wraps into
 * {@code prmonitor.store.transaction}, tagged with the operation, and offers the capabilities (leases, rate-limit
 * board, webhook deliveries) of the store it wraps, untimed. Closing it does not close the store it wraps:
 * whoever created that one closes it.
 */
public final class TimedPullRequestStore implements PullRequestStore {

  private final PullRequestStore store;
  private final MonitorMetrics metrics;

  public TimedPullRequestStore(PullRequestStore store, MonitorMetrics metrics) {
    this.store = store;
    this.metrics = metrics;
  }

  private <T> T timed(String operation, Supplier<T> call) {
    long start = System.nanoTime();
    boolean success = false;
    try {
      T result = call.get();
      success = true;
      return result;
    } finally {
      metrics.storeTransaction(operation, System.nanoTime() - start, success);
    }
  }

  private void timed(String operation, Runnable call) {
    timed(operation, () -> {
      call.run();
      return null;
    });
  }

  @Override
  public RepositoryState repositoryState(RepositoryId repository) {
    return timed("repository_state", () -> store.repositoryState(repository));
  }

  @Override
  public Map<Integer, PullRequest> pullRequests(RepositoryId repository, Collection<Integer> numbers) {
    return timed("load", () -> store.pullRequests(repository, numbers));
  }

  @Override
  public Map<Integer, PullRequestEnrichment> enrichments(RepositoryId repository, Collection<Integer> numbers) {
    return timed("load_enrichment", () -> store.enrichments(repository, numbers));
  }

  @Override
  public List<PullRequest> openPullRequests(RepositoryId repository) {
    return timed("load_open", () -> store.openPullRequests(repository));
  }

  @Override
  public boolean hasPullRequests(RepositoryId repository) {
    return timed("exists", () -> store.hasPullRequests(repository));
  }

  @Override
  public List<DiscoveryPage> discoveryPages(String selector) {
    return timed("discovery_load", () -> store.discoveryPages(selector));
  }

  @Override
  public void saveDiscoveryPages(String selector, List<DiscoveryPage> pages) {
    timed("discovery_save", () -> store.saveDiscoveryPages(selector, pages));
  }

  @Override
  public List<PullRequest> allPullRequests(RepositoryId repository) {
    return timed("load_all", () -> store.allPullRequests(repository));
  }

  @Override
  public void apply(SyncBatch batch) {
    timed("apply", () -> store.apply(batch));
  }

  @Override
  public List<QuarantinedPullRequest> quarantined(RepositoryId repository) {
    return timed("quarantined", () -> store.quarantined(repository));
  }

  @Override
  public void quarantine(RepositoryId repository, Collection<QuarantinedPullRequest> entries) {
    timed("quarantine", () -> store.quarantine(repository, entries));
  }

  @Override
  public void clearQuarantine(RepositoryId repository, Collection<Integer> numbers) {
    timed("clear_quarantine", () -> store.clearQuarantine(repository, numbers));
  }

  @Override
  public void completePass(RepositoryId repository, ListingCursor cursor, Instant completedAt) {
    timed("complete_pass", () -> store.completePass(repository, cursor, completedAt));
  }

  @Override
  public List<OutboxEntry> pendingChanges(long afterSequence, int limit) {
    return timed("pending", () -> store.pendingChanges(afterSequence, limit));
  }

  @Override
  public void markDelivered(Collection<Long> sequences, Instant deliveredAt) {
    timed("mark_delivered", () -> store.markDelivered(sequences, deliveredAt));
  }

  @Override
  public void recordFailedDelivery(Collection<Long> sequences) {
    timed("record_failed_delivery", () -> store.recordFailedDelivery(sequences));
  }

  @Override
  public int purgeDelivered(Instant deliveredBefore) {
    return timed("purge", () -> store.purgeDelivered(deliveredBefore));
  }

  @Override
  public void ping() {
    timed("ping", store::ping);
  }

  @Override
  public Optional<RepositoryLeases> leases() {
    return store.leases();
  }

  @Override
  public Optional<SharedRateLimits> rateLimitBoard() {
    return store.rateLimitBoard();
  }

  @Override
  public Optional<WebhookDeliveries> webhookDeliveries() {
    return store.webhookDeliveries();
  }

  /** Does nothing: the wrapped store belongs to whoever created it. */
  @Override
  public void close() {
  }
}
