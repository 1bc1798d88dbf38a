package io.prmonitor.spi;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * One page of a discovery listing ({@code /orgs/{org}/repos} and the like) as it was read: its URL, its
 * entity tag, the repositories on it and the URL of the next page. A client that is handed the pages of
 * the previous discovery asks for each page conditionally ({@code If-None-Match}); GitHub answers an
 * unchanged page with a free {@code 304}, and the stored page stands in for it. Stores persist the pages
 * so that a warm pass after a restart costs no charged request either.
 *
 * @param url the page's URL
 * @param etag the entity tag of the answer, or null if it had none
 * @param repositories the repositories on the page, in order
 * @param next the next page's URL, or null on the last page
 */
public record DiscoveryPage(URI url, String etag, List<RepositoryInfo> repositories, URI next) {

  public DiscoveryPage {
    Objects.requireNonNull(url, "null url");
    repositories = List.copyOf(repositories);
  }

  /** Every repository of the pages, in order. */
  public static List<RepositoryInfo> repositories(List<DiscoveryPage> pages) {
    return pages.stream().flatMap(page -> page.repositories().stream()).toList();
  }
}
