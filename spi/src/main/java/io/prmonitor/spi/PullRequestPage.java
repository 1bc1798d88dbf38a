package io.prmonitor.spi;

import java.net.URI;
import java.util.List;

/**
 * One page of a repository's pull request list, reduced to the tracked fields.
 *
 * @param notModified true if the server answered {@code 304 Not Modified}; the page is then empty
 * @param pullRequests the page's pull requests in the server's order
 * @param skipped items of the page that could not be read (missing or mistyped fields), with the reason
 * @param etag the page's entity tag, or null if the server sent none
 * @param next the {@code Link rel="next"} URL, or null on the last page
 * @param lastPage the page number of {@code Link rel="last"}, or 0 if the server sent none
 * @param requests how many HTTP requests this page took, retries included
 */
public record PullRequestPage(
    boolean notModified,
    List<PullRequest> pullRequests,
    List<SkippedPullRequest> skipped,
    String etag,
    URI next,
    int lastPage,
    int requests) {

  public PullRequestPage {
    pullRequests = List.copyOf(pullRequests);
    skipped = List.copyOf(skipped);
  }

  /** A {@code 304} answer. */
  public static PullRequestPage notModified(String etag, int requests) {
    return new PullRequestPage(true, List.of(), List.of(), etag, null, 0, requests);
  }

  /** Whether a further page follows. */
  public boolean hasNext() {
    return next != null;
  }
}
