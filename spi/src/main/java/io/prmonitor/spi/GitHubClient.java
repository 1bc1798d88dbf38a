package io.prmonitor.spi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads pull requests and repositories from a GitHub REST API (github.com, GitHub Enterprise Server, or
 * the simulator).
 *
 * <p>An implementation owns everything about talking to GitHub politely: authentication, conditional
 * requests, retries, and pacing under the primary and secondary rate limits. It must be thread-safe.
 * Rather than exhaust the request budget it throws {@link RateLimitExceededException}, and the processor
 * defers the repository to a later pass.
 */
public interface GitHubClient extends AutoCloseable {

  /**
   * Fetches one page of a repository's pull requests, newest-updated first, 100 per page, all states.
   *
   * @param request the first page (optionally conditional on an entity tag) or a {@code next} link
   * @return the page; {@link PullRequestPage#notModified()} if the entity tag still matched
   * @throws RepositoryNotFoundException if the repository does not exist or the token cannot see it
   * @throws GitHubAuthenticationException if the credentials are rejected
   * @throws RateLimitExceededException if the request would exceed the rate limit budget
   * @throws GitHubException if the request failed after the configured retries
   */
  PullRequestPage listPullRequests(PageRequest request);

  /**
   * Lists the repositories a selector names (an organization's, a user's, or an app installation's),
   * reading every page.
   */
  List<RepositoryInfo> discoverRepositories(RepositorySelector selector);

  /**
   * Lists the repositories a selector names, page by page, conditionally: each page whose URL matches a
   * page of {@code previous} is requested with that page's entity tag, and a {@code 304} (free on GitHub)
   * stands for the previous page unchanged. The default reads every page unconditionally, as
   * {@link #discoverRepositories(RepositorySelector)}, and returns them as one page without an entity tag.
   *
   * @param previous the pages the previous discovery of this selector returned; empty if none
   * @return the pages read now, in order
   */
  default List<DiscoveryPage> discoverRepositories(RepositorySelector selector, List<DiscoveryPage> previous) {
    return List.of(new DiscoveryPage(java.net.URI.create("discovery:" + selector), null,
        discoverRepositories(selector), null));
  }

  /**
   * Reads the enrichment (reviews, CI state of the head, mergeability, comment count) of some pull requests
   * of one repository. Pull requests that no longer exist are left out of the result. What a budget cannot pay
   * for is deferred, not read: the result names it.
   *
   * @param targets the pull requests, each read once
   * @param mode {@link EnrichmentMode#GRAPHQL} or {@link EnrichmentMode#REST}
   * @param restReserve REST requests to leave unspent beyond the configured reserve, for the list
   *     synchronization still to come: a REST read that would dip into them is deferred
   * @throws IllegalArgumentException for {@link EnrichmentMode#OFF}
   * @throws GitHubAuthenticationException if the credentials are rejected
   * @throws GitHubException if a request failed after the configured retries
   * @throws UnsupportedOperationException if this client reads no enrichment (the default)
   */
  default EnrichmentResult enrich(RepositoryId repository, java.util.List<EnrichmentTarget> targets,
      EnrichmentMode mode, int restReserve) {
    throw new UnsupportedOperationException(getClass().getName() + " reads no pull request enrichment");
  }

  /**
   * Reads the enrichment of pull requests of several repositories together, as {@link #enrich(RepositoryId, List,
   * EnrichmentMode, int)} does for one: a client that can read several repositories in one
   * request (one GraphQL query, which costs at least a point however little it reads) does so, which is what
   * keeps re-reading the CI state of a fleet's open pull requests cheap. The default reads each repository on
   * its own. A client that reads several repositories in one request defers, rather than throws, what fails for
   * one of them, so that the others keep what they read ({@link EnrichmentResult#deferredReason} names the error).
   *
   * @param targets the pull requests of each repository, each read once
   * @throws IllegalArgumentException for {@link EnrichmentMode#OFF}
   * @throws GitHubAuthenticationException if the credentials are rejected
   * @throws GitHubException if a request failed after the configured retries
   * @throws UnsupportedOperationException if this client reads no enrichment (the default)
   */
  default CombinedEnrichmentResult enrich(Map<RepositoryId, List<EnrichmentTarget>> targets,
      EnrichmentMode mode, int restReserve) {
    Map<RepositoryId, EnrichmentResult> byRepository = new LinkedHashMap<>();
    int queries = 0;
    int points = 0;
    for (Map.Entry<RepositoryId, List<EnrichmentTarget>> entry : targets.entrySet()) {
      EnrichmentResult result = enrich(entry.getKey(), entry.getValue(), mode, restReserve);
      queries += result.graphqlQueries();
      points += result.graphqlPoints();
      byRepository.put(entry.getKey(), new EnrichmentResult(result.enrichments(), result.deferred(),
          result.deferredReason(), result.requests(), result.notModified(), 0, 0));
    }
    return new CombinedEnrichmentResult(byRepository, queries, points);
  }

  /** The rate-limit state last observed for each credential this client uses; empty before any request. */
  List<RateLimitStatus> rateLimits();

  /**
   * Takes in rate-limit states that others (the other monitors of a fleet sharing these credentials)
   * observed, so that this client paces itself on what the whole fleet spends. A status for a credential
   * the client does not use is ignored; within one window the lower {@code remaining} wins. The default
   * ignores them all.
   *
   * @param statuses statuses keyed by the credentials' labels ({@link GitHubCredentials#label()})
   */
  default void observeRateLimits(List<RateLimitStatus> statuses) {
  }

  /** Releases what the client created (its HTTP client and threads). Idempotent. */
  @Override
  void close();
}
