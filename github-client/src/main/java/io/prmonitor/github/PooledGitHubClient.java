package io.prmonitor.github;

import io.prmonitor.spi.DiscoveryPage;
import io.prmonitor.spi.GitHubClient;
import io.prmonitor.spi.GitHubClientSettings;
import io.prmonitor.spi.GitHubCredentials;
import io.prmonitor.spi.GitHubException;
import io.prmonitor.spi.PageRequest;
import io.prmonitor.spi.PullRequestPage;
import io.prmonitor.spi.RateLimitStatus;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryInfo;
import io.prmonitor.spi.RepositorySelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A {@link GitHubClient} over a {@link GitHubCredentials.Pool}: one {@link HttpGitHubClient} per member,
 * and each request sent by the member with the most rate-limit budget left (ties go round robin), so the
 * pool spends its members' budgets evenly and defers only when every member is down to its reserve.
 *
 * <p>Each member keeps its own budget, secondary-limit gate, server-time pacer and response cache; the
 * cap of {@link GitHubClientSettings#maxConcurrentRequests()} requests in flight holds for the pool as a
 * whole. Budgets observed by other monitors ({@link #observeRateLimits}) reach the member they belong to.
 * A request refused for rate limit by the chosen member is not retried with another: by the choice rule,
 * the others had no more left.
 *
 * <p>Thread-safe; {@link #close()} is idempotent and closes every member.
 */
public final class PooledGitHubClient implements GitHubClient {

  private final List<HttpGitHubClient> members;
  private final Semaphore permits;
  private final AtomicInteger turn = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final String label;

  /**
   * Creates one member client per credential of the pool, each with the settings' other values.
   *
   * @throws IllegalArgumentException if the settings' credentials are not a {@link GitHubCredentials.Pool},
   *     or a member client cannot be created (see {@link HttpGitHubClient#HttpGitHubClient})
   */
  public PooledGitHubClient(GitHubClientSettings settings) {
    Objects.requireNonNull(settings, "null settings");
    if (!(settings.credentials() instanceof GitHubCredentials.Pool pool)) {
      throw new IllegalArgumentException("PooledGitHubClient needs pool credentials, not "
          + settings.credentials().label());
    }
    List<HttpGitHubClient> created = new ArrayList<>();
    try {
      for (GitHubCredentials member : pool.members()) {
        created.add(new HttpGitHubClient(settings.toBuilder().credentials(member).build()));
      }
    } catch (RuntimeException e) {
      created.forEach(HttpGitHubClient::close);
      throw e;
    }
    this.members = List.copyOf(created);
    this.permits = new Semaphore(settings.maxConcurrentRequests(), true);
    this.label = pool.label();
  }

  @Override
  public PullRequestPage listPullRequests(PageRequest request) {
    Objects.requireNonNull(request, "null request");
    return withPermit(() -> choose().listPullRequests(request));
  }

  @Override
  public List<RepositoryInfo> discoverRepositories(RepositorySelector selector) {
    Objects.requireNonNull(selector, "null selector");
    return withPermit(() -> choose().discoverRepositories(selector));
  }

  @Override
  public List<DiscoveryPage> discoverRepositories(RepositorySelector selector, List<DiscoveryPage> previous) {
    Objects.requireNonNull(selector, "null selector");
    Objects.requireNonNull(previous, "null previous");
    return withPermit(() -> choose().discoverRepositories(selector, previous));
  }

  /**
   * Fetches the full form of one pull request with the member that has the most budget left; see
   * {@link HttpGitHubClient#pullRequestDetails}.
   */
  public Optional<PullRequestDetails> pullRequestDetails(RepositoryId repository, int number) {
    Objects.requireNonNull(repository, "null repository");
    return withPermit(() -> choose().pullRequestDetails(repository, number));
  }

  /**
   * Reads enrichment with the member that has the most REST budget left (each member has its own GraphQL
   * budget and batch size); see {@link HttpGitHubClient#enrich}.
   */
  @Override
  public io.prmonitor.spi.EnrichmentResult enrich(RepositoryId repository,
      List<io.prmonitor.spi.EnrichmentTarget> targets, io.prmonitor.spi.EnrichmentMode mode, int restReserve) {
    Objects.requireNonNull(repository, "null repository");
    return withPermit(() -> choose().enrich(repository, targets, mode, restReserve));
  }

  /**
   * Reads several repositories' enrichment together with the member that has the most REST budget left; see
   * {@link HttpGitHubClient#enrich(java.util.Map, io.prmonitor.spi.EnrichmentMode, int)}.
   */
  @Override
  public io.prmonitor.spi.CombinedEnrichmentResult enrich(
      java.util.Map<RepositoryId, List<io.prmonitor.spi.EnrichmentTarget>> targets,
      io.prmonitor.spi.EnrichmentMode mode, int restReserve) {
    Objects.requireNonNull(targets, "null targets");
    return withPermit(() -> choose().enrich(targets, mode, restReserve));
  }

  /** The last status observed for each member that has answered, in pool order. */
  @Override
  public List<RateLimitStatus> rateLimits() {
    List<RateLimitStatus> statuses = new ArrayList<>();
    for (HttpGitHubClient member : members) {
      statuses.addAll(member.rateLimits());
    }
    return statuses;
  }

  @Override
  public void observeRateLimits(List<RateLimitStatus> statuses) {
    Objects.requireNonNull(statuses, "null statuses");
    for (HttpGitHubClient member : members) {
      member.observeRateLimits(statuses);
    }
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    RuntimeException failure = null;
    for (HttpGitHubClient member : members) {
      try {
        member.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "PooledGitHubClient[" + label + (closed.get() ? ", closed]" : "]");
  }

  /** The member with the most budget left; among equals, the next in turn. */
  HttpGitHubClient choose() {
    if (closed.get()) {
      throw new IllegalStateException("PooledGitHubClient is closed");
    }
    int size = members.size();
    int start = Math.floorMod(turn.getAndIncrement(), size);
    HttpGitHubClient best = null;
    int bestBudget = Integer.MIN_VALUE;
    for (int i = 0; i < size; i++) {
      HttpGitHubClient member = members.get((start + i) % size);
      int available = member.availableBudget();
      if (available > bestBudget) {
        best = member;
        bestBudget = available;
      }
    }
    return best;
  }

  private <T> T withPermit(Supplier<T> call) {
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GitHubException("interrupted while waiting to send a request", 0, e);
    }
    try {
      return call.get();
    } finally {
      permits.release();
    }
  }
}
