package io.prmonitor.spi;

import java.net.URI;
import java.util.Objects;

/**
 * A request for one page of a repository's pull request list.
 *
 * @param repository the repository
 * @param url the exact URL of a {@code Link rel="next"} to follow, or null for the first page
 * @param ifNoneMatch an entity tag to send as {@code If-None-Match}, or null for an unconditional request
 */
public record PageRequest(RepositoryId repository, URI url, String ifNoneMatch) {

  public PageRequest {
    Objects.requireNonNull(repository, "null repository");
  }

  /** The first page, conditional on {@code etag} when it is not null. */
  public static PageRequest firstPage(RepositoryId repository, String etag) {
    return new PageRequest(repository, null, etag);
  }

  /** A later page, at the URL a previous page's {@code next} link gave, followed as is. */
  public static PageRequest next(RepositoryId repository, URI url) {
    return new PageRequest(repository, Objects.requireNonNull(url, "null url"), null);
  }

  /** Whether this asks for the first page. */
  public boolean isFirstPage() {
    return url == null;
  }
}
