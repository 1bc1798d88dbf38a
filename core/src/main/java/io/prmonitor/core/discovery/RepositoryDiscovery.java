package io.prmonitor.core.discovery;

import io.prmonitor.spi.DiscoveryPage;
import io.prmonitor.spi.GitHubAuthenticationException;
import io.prmonitor.spi.GitHubClient;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryInfo;
import io.prmonitor.spi.RepositorySelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works out which repositories a pass covers: those named, plus those discovered through organizations,
 * users or the app installation that pass the filters. Named repositories are never filtered out. A
 * discovery that fails is reported and the pass goes on with the rest. Thread-safe.
 */
public final class RepositoryDiscovery {

  private static final Logger log = LoggerFactory.getLogger(RepositoryDiscovery.class);

  private final List<RepositoryId> named;
  private final List<RepositorySelector> selectors;
  private final Predicate<RepositoryInfo> filter;

  /**
   * @param named repositories watched by name, in order
   * @param selectors what to discover
   * @param filter which discovered repositories to keep
   */
  public RepositoryDiscovery(List<RepositoryId> named, List<RepositorySelector> selectors,
      Predicate<RepositoryInfo> filter) {
    this.named = List.copyOf(named);
    this.selectors = List.copyOf(selectors);
    this.filter = filter;
  }

  /** The repositories of a pass and the discoveries that failed. */
  public record Result(List<RepositoryId> repositories, Map<String, String> failures) {
  }

  /**
   * Resolves the repositories; named ones first, then discovered ones, without duplicates.
   *
   * @throws GitHubAuthenticationException if GitHub rejects the credentials
   */
  public Result discover(GitHubClient client) {
    return discover(client, null);
  }

  /**
   * Resolves the repositories, asking for each discovery page conditionally with the entity tags of the
   * pages {@code store} kept from the previous discovery, and keeping the new pages there: a pass in which
   * no page changed costs only free {@code 304}s. A store that fails to load or save the pages makes the
   * discovery unconditional, never failed.
   *
   * @param store where the pages are kept, or null to discover unconditionally
   * @throws GitHubAuthenticationException if GitHub rejects the credentials
   */
  public Result discover(GitHubClient client, PullRequestStore store) {
    Set<RepositoryId> repositories = new LinkedHashSet<>(named);
    Map<String, String> failures = new LinkedHashMap<>();
    for (RepositorySelector selector : selectors) {
      try {
        List<RepositoryId> found = new ArrayList<>();
        for (RepositoryInfo info : pages(client, store, selector)) {
          if (filter.test(info)) {
            found.add(info.id());
          }
        }
        log.debug("{} yielded {} repositories after filtering", describe(selector), found.size());
        repositories.addAll(found);
      } catch (GitHubAuthenticationException e) {
        throw e;
      } catch (RuntimeException e) {
        log.warn("discovering {} failed: {}", describe(selector), e.toString());
        failures.put(describe(selector), e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }
    return new Result(List.copyOf(repositories), failures);
  }

  private static List<RepositoryInfo> pages(GitHubClient client, PullRequestStore store, RepositorySelector selector) {
    if (store == null) {
      return client.discoverRepositories(selector);
    }
    String key = describe(selector);
    List<DiscoveryPage> previous;
    try {
      previous = store.discoveryPages(key);
    } catch (RuntimeException e) {
      log.warn("reading the stored discovery pages of {} failed; discovering unconditionally: {}", key,
          e.toString());
      previous = List.of();
    }
    List<DiscoveryPage> pages = client.discoverRepositories(selector, previous);
    if (!pages.equals(previous)) {
      try {
        store.saveDiscoveryPages(key, pages);
      } catch (RuntimeException e) {
        log.warn("storing the discovery pages of {} failed; the next discovery is unconditional: {}", key,
            e.toString());
      }
    }
    return DiscoveryPage.repositories(pages);
  }

  /** How a selector is named in reports: {@code org:NAME}, {@code user:LOGIN} or {@code installation}. */
  public static String describe(RepositorySelector selector) {
    return switch (selector) {
      case RepositorySelector.Organization o -> "org:" + o.name();
      case RepositorySelector.User u -> "user:" + u.login();
      case RepositorySelector.Installation i -> "installation";
    };
  }
}
