package io.prmonitor.jdbc;

import io.prmonitor.spi.DiscoveryPage;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryInfo;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The remembered pages of repository discovery (table {@code prmonitor_discovery_pages}), per selector: one
 * row a page, its repositories as lines of name, archived and fork. Thread-safe.
 */
final class JdbcDiscoveryPages {

  private static final String SELECT_DISCOVERY_PAGES = "SELECT url, etag, next_url, repositories "
      + "FROM prmonitor_discovery_pages WHERE selector = :selector ORDER BY page";
  private static final String DELETE_DISCOVERY_PAGES =
      "DELETE FROM prmonitor_discovery_pages WHERE selector = :selector";
  private static final String INSERT_DISCOVERY_PAGE = "INSERT INTO prmonitor_discovery_pages "
      + "(selector, page, url, etag, next_url, repositories) "
      + "VALUES (:selector, :page, :url, :etag, :next, :repositories)";

  private final JdbcTransactions transactions;

  JdbcDiscoveryPages(JdbcTransactions transactions) {
    this.transactions = transactions;
  }

  List<DiscoveryPage> discoveryPages(String selector) {
    Objects.requireNonNull(selector, "null selector");
    return transactions.read("read discovery pages", null, handle -> handle.createQuery(SELECT_DISCOVERY_PAGES)
        .bind("selector", selector)
        .map((rs, ctx) -> {
          String next = rs.getString("next_url");
          return new DiscoveryPage(URI.create(rs.getString("url")), rs.getString("etag"),
              discoveredRepositories(rs.getString("repositories")), next == null ? null : URI.create(next));
        })
        .list());
  }

  /** Replaces the selector's pages with these, numbered from 1 in order. */
  void saveDiscoveryPages(String selector, List<DiscoveryPage> pages) {
    Objects.requireNonNull(selector, "null selector");
    Objects.requireNonNull(pages, "null pages");
    transactions.write("save discovery pages", null, handle -> {
      handle.createUpdate(DELETE_DISCOVERY_PAGES)
          .bind("selector", selector)
          .execute();
      int number = 0;
      for (DiscoveryPage page : pages) {
        handle.createUpdate(INSERT_DISCOVERY_PAGE)
            .bind("selector", selector)
            .bind("page", ++number)
            .bind("url", page.url().toString())
            .bind("etag", page.etag())
            .bind("next", page.next() == null ? null : page.next().toString())
            .bind("repositories", repositoryLines(page.repositories()))
            .execute();
      }
      return null;
    });
  }

  private static String repositoryLines(List<RepositoryInfo> repositories) {
    StringBuilder lines = new StringBuilder();
    for (RepositoryInfo info : repositories) {
      lines.append(info.id().fullName()).append('\t').append(info.archived() ? '1' : '0').append('\t')
          .append(info.fork() ? '1' : '0').append('\n');
    }
    return lines.toString();
  }

  private static List<RepositoryInfo> discoveredRepositories(String lines) {
    List<RepositoryInfo> repositories = new ArrayList<>();
    for (String line : lines.split("\n")) {
      if (!line.isEmpty()) {
        String[] fields = line.split("\t");
        repositories.add(new RepositoryInfo(RepositoryId.parse(fields[0]), fields[1].equals("1"),
            fields[2].equals("1")));
      }
    }
    return repositories;
  }
}
