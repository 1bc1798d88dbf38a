package io.prmonitor.spi;

import java.net.URI;
import java.util.Objects;

/**
 * A request for one page of a repository's pull request list.
 *
 * @param repository the repository
 * @param url the exact URL of a {@code Link rel="next"} to follow, or null for the first page
 * @param ifNoneMatch an entity tag to send as {@code If-None-Match}, or null for an unconditional request
 * @param perPage for the first page, how many pull requests a page holds (1 to {@link #MAX_PER_PAGE}), or
 *     null for {@link #MAX_PER_PAGE}; later pages keep the size their {@code next} link carries. A small
 *     first page suits a re-read that expects only the few newest pull requests to have changed.
 */
public record PageRequest(RepositoryId repository, URI url, String ifNoneMatch, Integer perPage) {

  /** GitHub's largest page: 100 pull requests. */
  public static final int MAX_PER_PAGE = 100;

  public PageRequest {
    Objects.requireNonNull(repository, "null repository");
    if (perPage != null && (perPage < 1 || perPage > MAX_PER_PAGE)) {
      throw new IllegalArgumentException("perPage must be between 1 and " + MAX_PER_PAGE + ": " + perPage);
    }
  }

  /** A request with GitHub's largest page. */
  public PageRequest(RepositoryId repository, URI url, String ifNoneMatch) {
    this(repository, url, ifNoneMatch, null);
  }

  /** The first page, conditional on {@code etag} when it is not null. */
  public static PageRequest firstPage(RepositoryId repository, String etag) {
    return new PageRequest(repository, null, etag, null);
  }

  /** The first page of {@code perPage} pull requests, conditional on {@code etag} when it is not null. */
  public static PageRequest firstPage(RepositoryId repository, String etag, int perPage) {
    return new PageRequest(repository, null, etag, perPage);
  }

  /** A later page, at the URL a previous page's {@code next} link gave, followed as is. */
  public static PageRequest next(RepositoryId repository, URI url) {
    return new PageRequest(repository, Objects.requireNonNull(url, "null url"), null, null);
  }

  /** Whether this asks for the first page. */
  public boolean isFirstPage() {
    return url == null;
  }
}
