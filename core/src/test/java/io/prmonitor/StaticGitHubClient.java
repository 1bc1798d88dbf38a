package io.prmonitor;

import io.prmonitor.spi.GitHubClient;
import io.prmonitor.spi.PageRequest;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestPage;
import io.prmonitor.spi.RateLimitStatus;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryInfo;
import io.prmonitor.spi.RepositorySelector;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link GitHubClient} for core's unit tests that answers each repository's first page with a fixed
 * list of pull requests and counts the requests. The real HTTP client is tested against the simulator.
 */
public class StaticGitHubClient implements GitHubClient {

  private final Map<RepositoryId, List<PullRequest>> pullRequests = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();
  private volatile boolean closed;

  /** Sets what a repository's (single) page holds. */
  public StaticGitHubClient with(RepositoryId repository, List<PullRequest> prs) {
    pullRequests.put(repository, List.copyOf(prs));
    return this;
  }

  public int requests() {
    return requests.get();
  }

  public boolean isClosed() {
    return closed;
  }

  @Override
  public PullRequestPage listPullRequests(PageRequest request) {
    requests.incrementAndGet();
    List<PullRequest> prs = pullRequests.getOrDefault(request.repository(), List.of());
    String etag = "W/\"" + prs.hashCode() + "\"";
    if (etag.equals(request.ifNoneMatch())) {
      return PullRequestPage.notModified(etag, 1);
    }
    return new PullRequestPage(false, prs, List.of(), etag, null, 1, 1);
  }

  @Override
  public List<RepositoryInfo> discoverRepositories(RepositorySelector selector) {
    return List.of();
  }

  @Override
  public List<RateLimitStatus> rateLimits() {
    return List.of();
  }

  @Override
  public void close() {
    closed = true;
  }
}
