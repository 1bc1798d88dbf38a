package io.prmonitor;

import io.micrometer.core.instrument.MeterRegistry;
import io.prmonitor.core.metrics.MonitorMetrics;
import io.prmonitor.core.plugin.ProviderResolver;
import io.prmonitor.spi.GitHubClient;
import io.prmonitor.spi.GitHubClientProvider;
import io.prmonitor.spi.GitHubClientSettings;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.PullRequestStoreProvider;
import io.prmonitor.spi.StoreSettings;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Function;

/**
 * Creates the plug-ins a monitor was not given: the GitHub client (the host's factory, else the provider the
 * configuration names, else the only one on the class path) and the store (the named provider, else the only
 * one), from the configuration's values.
 */
final class Plugins {

  private Plugins() {
  }

  /** The client the host's {@code factory} builds, or else a provider's. */
  static GitHubClient createClient(ProcessorConfig config, Clock clock, MonitorMetrics metrics,
      ClassLoader classLoader, Function<GitHubClientSettings, ? extends GitHubClient> factory) {
    GitHubClientSettings settings = clientSettings(config, clock, metrics);
    if (factory != null) {
      return Objects.requireNonNull(factory.apply(settings), "the githubClient factory returned null");
    }
    GitHubClientProvider provider = ProviderResolver.resolve(GitHubClientProvider.class,
        config.githubClientProvider(), GitHubClientProvider::name, classLoader,
        "ProcessorConfig.githubClientProvider");
    return provider.create(settings);
  }

  /** What a client provider or the host's factory gets: the configuration, the clock and the metrics. */
  private static GitHubClientSettings clientSettings(ProcessorConfig config, Clock clock, MonitorMetrics metrics) {
    return GitHubClientSettings.builder()
        .baseUrl(config.githubBaseUrl())
        .credentials(config.githubCredentials())
        .requestTimeout(config.githubRequestTimeout())
        .maxConcurrentRequests(config.maxConcurrentRequests())
        .maxConcurrentPrsPerRepo(config.maxConcurrentPrsPerRepo())
        .retryMaxAttempts(config.retryMaxAttempts())
        .retryBackoffFactor(config.retryBackoffFactor())
        .enableCaching(config.enableCaching())
        .cacheTtl(config.cacheTtl())
        .rateLimitReserve(config.rateLimitReserve())
        .serverTimeBudget(config.serverTimeBudget(), config.serverTimeWindow())
        .clock(clock)
        .listener(metrics)
        .properties(config.githubClientProperties())
        .build();
  }

  /** A provider's store, with a pool sized for the configuration's concurrency. */
  static PullRequestStore createStore(ProcessorConfig config, ClassLoader classLoader, MeterRegistry hostRegistry) {
    PullRequestStoreProvider provider = ProviderResolver.resolve(PullRequestStoreProvider.class,
        config.storeProvider(), PullRequestStoreProvider::name, classLoader, "ProcessorConfig.storeProvider");
    // every repository task holds at most one connection at a time; two more serve delivery and health
    int poolSize = config.maxConcurrentRepositories() + 2;
    return provider.create(new StoreSettings(config.jdbcUrl(), config.databaseUser(), config.databasePassword(),
        poolSize, config.databaseTransactionTimeout(), config.storeProperties(), config.monitorName(),
        hostRegistry));
  }

  /** Closes a resource created before a later step failed, keeping its failure as suppressed. */
  static void closeQuietly(AutoCloseable resource, Throwable into) {
    if (resource != null) {
      try {
        resource.close();
      } catch (Exception e) {
        into.addSuppressed(e);
      }
    }
  }
}
