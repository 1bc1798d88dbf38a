package io.prmonitor;

import io.prmonitor.core.discovery.RepositoryDiscovery;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryInfo;
import io.prmonitor.spi.RepositorySelector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The repositories a monitor watches: the {@link RepositoryDiscovery} its configuration describes (named
 * repositories, selectors, include and exclude globs, archived and fork filters), and the answer to "is this
 * repository one of ours?" that a webhook delivery asks between passes. Before the first pass finished, a
 * repository of a discovered owner is taken on trust (name filters applied); after it, only the repositories
 * the last discovery found count. Thread-safe.
 */
final class WatchedRepositories {

  private final ProcessorConfig config;
  private final Predicate<RepositoryInfo> filter;
  private final RepositoryDiscovery discovery;
  /** The repositories of the last discovery (and the named ones), by lowercase full name. */
  private volatile Map<String, RepositoryId> byName;
  private volatile boolean confirmed;

  /** The repositories {@code config} describes. */
  WatchedRepositories(ProcessorConfig config) {
    this.config = config;
    this.filter = filter(config);
    this.discovery = new RepositoryDiscovery(config.repositories(), selectors(config), filter);
    this.byName = byLowerCaseName(config.repositories());
  }

  /** The discovery that resolves the repositories of a pass. */
  RepositoryDiscovery discovery() {
    return discovery;
  }

  /** A discovery found these repositories; they are the watched ones from now on. */
  void discovered(List<RepositoryId> repositories) {
    byName = byLowerCaseName(repositories);
  }

  /** A pass finished: from now on only the discovered repositories count, none is taken on trust. */
  void passFinished() {
    confirmed = true;
  }

  /** The repository the monitor watches under this name (compared case-insensitively), or null. */
  RepositoryId lookUp(RepositoryId named) {
    RepositoryId known = byName.get(named.fullName().toLowerCase(Locale.ROOT));
    if (known != null || !config.usesDiscovery() || confirmed) {
      return known;
    }
    boolean owner = config.discoverInstallation()
        || config.organizations().stream().anyMatch(o -> o.equalsIgnoreCase(named.owner()))
        || config.users().stream().anyMatch(u -> u.equalsIgnoreCase(named.owner()));
    return owner && filter.test(new RepositoryInfo(named, false, false)) ? named : null;
  }

  private static Map<String, RepositoryId> byLowerCaseName(List<RepositoryId> repositories) {
    Map<String, RepositoryId> byName = new HashMap<>();
    for (RepositoryId repository : repositories) {
      byName.putIfAbsent(repository.fullName().toLowerCase(Locale.ROOT), repository);
    }
    return Map.copyOf(byName);
  }

  private static List<RepositorySelector> selectors(ProcessorConfig config) {
    List<RepositorySelector> selectors = new ArrayList<>();
    config.organizations().forEach(org -> selectors.add(new RepositorySelector.Organization(org)));
    config.users().forEach(user -> selectors.add(new RepositorySelector.User(user)));
    if (config.discoverInstallation()) {
      selectors.add(new RepositorySelector.Installation());
    }
    return selectors;
  }

  private static Predicate<RepositoryInfo> filter(ProcessorConfig config) {
    List<Pattern> include = config.include().stream().map(Globs::toRegex).toList();
    List<Pattern> exclude = config.exclude().stream().map(Globs::toRegex).toList();
    return info -> {
      String name = info.id().fullName();
      return (config.includeArchived() || !info.archived())
          && (config.includeForks() || !info.fork())
          && (include.isEmpty() || include.stream().anyMatch(p -> p.matcher(name).matches()))
          && exclude.stream().noneMatch(p -> p.matcher(name).matches());
    };
  }
}
