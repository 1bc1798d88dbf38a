package io.prmonitor.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.StaticGitHubClient;
import io.prmonitor.core.store.InMemoryPullRequestStore;
import io.prmonitor.spi.ConfigurationException;
import io.prmonitor.spi.GitHubClientSettings;
import io.prmonitor.spi.PullRequestStoreProvider;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A custom store plugs in through {@link java.util.ServiceLoader} or through the builder; an explicit
 * choice wins; no provider or several without a name is an error listing what was found.
 */
class ProviderResolutionTest {

  private static final String SERVICES = "META-INF/services/" + PullRequestStoreProvider.class.getName();

  @TempDir
  Path dir;

  private final ProcessorConfig config = ProcessorConfig.builder().repositories("octo/one").build();

  @BeforeEach
  void clear() {
    TestStoreProviders.CREATED.clear();
  }

  /** A class loader whose only store providers are the given classes. */
  private ClassLoader withProviders(Class<?>... providers) throws IOException {
    Path services = dir.resolve(SERVICES);
    Files.createDirectories(services.getParent());
    StringBuilder lines = new StringBuilder();
    for (Class<?> provider : providers) {
      lines.append(provider.getName()).append('\n');
    }
    Files.writeString(services, lines);
    ClassLoader hidingParent = new ClassLoader(getClass().getClassLoader()) {
      @Override
      public Enumeration<URL> getResources(String name) throws IOException {
        return name.equals(SERVICES) ? Collections.emptyEnumeration() : super.getResources(name);
      }
    };
    return new URLClassLoader(new URL[] {dir.toUri().toURL()}, hidingParent);
  }

  @Test
  void serviceLoader_singleProvider_isUsed() throws IOException {
    try (PRMonitor monitor = PRMonitor.builder().config(config).githubClient(new StaticGitHubClient())
        .classLoader(withProviders(TestStoreProviders.Alpha.class)).build()) {
      assertThat(monitor.store()).isInstanceOf(InMemoryPullRequestStore.class);
      assertThat(monitor.run().repositoriesDone()).isEqualTo(1);
    }
    assertThat(TestStoreProviders.CREATED).singleElement().satisfies(settings -> {
      assertThat(settings.jdbcUrl()).isEqualTo(ProcessorConfig.DEFAULT_JDBC_URL);
      assertThat(settings.maxPoolSize()).isEqualTo(config.maxConcurrentRepositories() + 2);
    });
  }

  @Test
  void storeSettings_carryTheProvidersOwnPropertiesLocationNameAndTheHostsRegistry() throws IOException {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ProcessorConfig custom = config.toBuilder().storeLocation("/var/lib/prmonitor/store").monitorName("obs")
        .storeProperty("compaction", "hourly").storeProperty("cache", "64MB").build();
    try (PRMonitor monitor = PRMonitor.builder().config(custom).githubClient(new StaticGitHubClient())
        .meterRegistry(registry).classLoader(withProviders(TestStoreProviders.Alpha.class)).build()) {
      assertThat(monitor.run().repositoriesDone()).isEqualTo(1);
    }
    assertThat(TestStoreProviders.CREATED).singleElement().satisfies(settings -> {
      assertThat(settings.location()).isEqualTo("/var/lib/prmonitor/store");
      assertThat(settings.properties()).isEqualTo(Map.of("compaction", "hourly", "cache", "64MB"));
      assertThat(settings.name()).isEqualTo("obs");
      assertThat(settings.meterRegistry()).isSameAs(registry);
    });
  }

  @Test
  void clientSettings_carryTheProvidersOwnProperties() {
    List<GitHubClientSettings> seen = new ArrayList<>();
    ProcessorConfig custom = config.toBuilder().githubClientProperty("proxy", "http://proxy.internal:3128").build();
    try (PRMonitor monitor = PRMonitor.builder().config(custom).store(new InMemoryPullRequestStore())
        .githubClient(settings -> {
          seen.add(settings);
          return new StaticGitHubClient();
        }).build()) {
      assertThat(monitor.config().githubClientProperties()).containsEntry("proxy", "http://proxy.internal:3128");
    }
    assertThat(seen).singleElement().satisfies(settings ->
        assertThat(settings.properties()).isEqualTo(Map.of("proxy", "http://proxy.internal:3128")));
  }

  @Test
  void serviceLoader_severalProviders_withoutName_isAnErrorListingThem() throws IOException {
    ClassLoader loader = withProviders(TestStoreProviders.Alpha.class, TestStoreProviders.Beta.class);
    assertThatThrownBy(() -> PRMonitor.builder().config(config).githubClient(new StaticGitHubClient())
        .classLoader(loader).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("several PullRequestStoreProviders")
        .hasMessageContaining("alpha")
        .hasMessageContaining("beta")
        .hasMessageContaining("storeProvider");
    assertThat(TestStoreProviders.CREATED).isEmpty();
  }

  @Test
  void serviceLoader_severalProviders_namedOneIsUsed() throws IOException {
    ClassLoader loader = withProviders(TestStoreProviders.Alpha.class, TestStoreProviders.Beta.class);
    try (PRMonitor monitor = PRMonitor.builder().config(config.toBuilder().storeProvider("beta").build())
        .githubClient(new StaticGitHubClient()).classLoader(loader).build()) {
      assertThat(monitor.store()).isInstanceOf(InMemoryPullRequestStore.class);
    }
    assertThat(TestStoreProviders.CREATED).hasSize(1);
  }

  @Test
  void serviceLoader_unknownName_isAnErrorListingWhatWasFound() throws IOException {
    ClassLoader loader = withProviders(TestStoreProviders.Alpha.class);
    assertThatThrownBy(() -> PRMonitor.builder().config(config.toBuilder().storeProvider("gamma").build())
        .githubClient(new StaticGitHubClient()).classLoader(loader).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'gamma'")
        .hasMessageContaining("[alpha]");
  }

  @Test
  void serviceLoader_noProvider_isAnError() throws IOException {
    ClassLoader loader = withProviders();
    assertThatThrownBy(() -> PRMonitor.builder().config(config).githubClient(new StaticGitHubClient())
        .classLoader(loader).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("no PullRequestStoreProvider found");
  }

  @Test
  void builderInstance_winsOverProviders_andIsNotClosed() throws IOException {
    ClassLoader loader = withProviders(TestStoreProviders.Alpha.class, TestStoreProviders.Beta.class);
    InMemoryPullRequestStore mine = new InMemoryPullRequestStore();
    StaticGitHubClient client = new StaticGitHubClient();
    try (PRMonitor monitor = PRMonitor.builder().config(config).store(mine).githubClient(client)
        .classLoader(loader).build()) {
      assertThat(monitor.store()).isSameAs(mine);
      monitor.run();
    }
    assertThat(TestStoreProviders.CREATED).isEmpty();
    mine.ping(); // still open: the monitor closes only what it created
    assertThat(client.isClosed()).isFalse();
  }
}
