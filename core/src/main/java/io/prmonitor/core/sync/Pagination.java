package io.prmonitor.core.sync;

import io.prmonitor.spi.GitHubException;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestPage;
import io.prmonitor.spi.RepositoryId;
import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Guards one repository's listing against a server whose {@code Link} headers go round in circles (back
 * to page 1, or between two pages) or on forever: a next URL already requested, a page whose items
 * (numbers and update times, in order) repeat an earlier page's, or more than
 * {@link RepositorySynchronizer#MAX_PAGES} pages fail the repository at the first repeated page. A live listing repeats a whole page only if exactly as
 * many updates as the page holds happened between the two reads, in an order that rebuilds it (items
 * move down one place per update); such a repository fails this pass, and the next reads it again.
 */
final class Pagination {
  private final RepositoryId repository;
  private final Set<URI> requested = new HashSet<>();
  private final Map<Long, Integer> contents = new HashMap<>();
  private int pages;

  Pagination(RepositoryId repository) {
    this.repository = repository;
  }

  void next(URI url) {
    if (pages >= RepositorySynchronizer.MAX_PAGES) {
      throw new GitHubException("the pull request listing of " + repository + " goes on past "
          + RepositorySynchronizer.MAX_PAGES + " pages; stopped", 0);
    }
    if (!requested.add(url)) {
      throw new GitHubException("the pull request listing of " + repository + " links back to a page it "
          + "already read after page " + pages + " (" + url.getRawPath() + "); stopped", 0);
    }
  }

  void read(PullRequestPage page) {
    pages++;
    if (page.pullRequests().isEmpty()) {
      return;
    }
    long digest = 0xcbf29ce484222325L;
    for (PullRequest pr : page.pullRequests()) {
      digest = (digest ^ pr.number()) * 0x100000001b3L;
      digest = (digest ^ pr.updatedAt().getEpochSecond()) * 0x100000001b3L;
    }
    Integer earlier = contents.putIfAbsent(digest, pages);
    if (earlier != null) {
      throw new GitHubException("the pull request listing of " + repository + " repeats page " + earlier
          + " as page " + pages + "; stopped", 0);
    }
  }
}
