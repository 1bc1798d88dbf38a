package io.prmonitor.spi.contract;

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

/**
 * A {@link PullRequestStore} that forwards every call to {@link #delegate()}, for tests that wrap a store to
 * observe or change a few of its calls: they override those and inherit the rest. It forwards the SPI's
 * default methods too, so a wrapper never answers with a default where the store it wraps has its own
 * answer ({@code ForwardingPullRequestStoreTest} checks that every method of the SPI is forwarded here), the
 * capability accessors ({@link #leases()} and the others) included: a wrapper that overrides none of them
 * offers the capabilities of the store it wraps.
 */
public abstract class ForwardingPullRequestStore implements PullRequestStore {

  /** For subclasses: a wrapper extends this class. */
  protected ForwardingPullRequestStore() {
  }

  /** The store the calls go to; may throw, as an unreachable store would. */
  protected abstract PullRequestStore delegate();

  @Override
  public RepositoryState repositoryState(RepositoryId repository) {
    return delegate().repositoryState(repository);
  }

  @Override
  public Map<Integer, PullRequest> pullRequests(RepositoryId repository, Collection<Integer> numbers) {
    return delegate().pullRequests(repository, numbers);
  }

  @Override
  public Map<Integer, PullRequestEnrichment> enrichments(RepositoryId repository, Collection<Integer> numbers) {
    return delegate().enrichments(repository, numbers);
  }

  @Override
  public List<PullRequest> openPullRequests(RepositoryId repository) {
    return delegate().openPullRequests(repository);
  }

  @Override
  public boolean hasPullRequests(RepositoryId repository) {
    return delegate().hasPullRequests(repository);
  }

  @Override
  public List<PullRequest> allPullRequests(RepositoryId repository) {
    return delegate().allPullRequests(repository);
  }

  @Override
  public List<DiscoveryPage> discoveryPages(String selector) {
    return delegate().discoveryPages(selector);
  }

  @Override
  public void saveDiscoveryPages(String selector, List<DiscoveryPage> pages) {
    delegate().saveDiscoveryPages(selector, pages);
  }

  @Override
  public void apply(SyncBatch batch) {
    delegate().apply(batch);
  }

  @Override
  public List<QuarantinedPullRequest> quarantined(RepositoryId repository) {
    return delegate().quarantined(repository);
  }

  @Override
  public void quarantine(RepositoryId repository, Collection<QuarantinedPullRequest> entries) {
    delegate().quarantine(repository, entries);
  }

  @Override
  public void clearQuarantine(RepositoryId repository, Collection<Integer> numbers) {
    delegate().clearQuarantine(repository, numbers);
  }

  @Override
  public void completePass(RepositoryId repository, ListingCursor cursor, Instant completedAt) {
    delegate().completePass(repository, cursor, completedAt);
  }

  @Override
  public List<OutboxEntry> pendingChanges(long afterSequence, int limit) {
    return delegate().pendingChanges(afterSequence, limit);
  }

  @Override
  public void markDelivered(Collection<Long> sequences, Instant deliveredAt) {
    delegate().markDelivered(sequences, deliveredAt);
  }

  @Override
  public void recordFailedDelivery(Collection<Long> sequences) {
    delegate().recordFailedDelivery(sequences);
  }

  @Override
  public int purgeDelivered(Instant deliveredBefore) {
    return delegate().purgeDelivered(deliveredBefore);
  }

  @Override
  public void ping() {
    delegate().ping();
  }

  @Override
  public Optional<RepositoryLeases> leases() {
    return delegate().leases();
  }

  @Override
  public Optional<SharedRateLimits> rateLimitBoard() {
    return delegate().rateLimitBoard();
  }

  @Override
  public Optional<WebhookDeliveries> webhookDeliveries() {
    return delegate().webhookDeliveries();
  }

  @Override
  public void close() {
    delegate().close();
  }
}
