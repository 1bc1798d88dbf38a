package io.prmonitor.jdbc;

import static io.prmonitor.spi.contract.PullRequestFixtures.batch;
import static io.prmonitor.spi.contract.PullRequestFixtures.builder;
import static io.prmonitor.spi.contract.PullRequestFixtures.change;
import static io.prmonitor.spi.contract.PullRequestFixtures.pullRequest;
import static io.prmonitor.spi.contract.PullRequestFixtures.repository;
import static io.prmonitor.spi.contract.PullRequestFixtures.titleEdit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.ListingCursor;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.PullRequestStoreProvider;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.StoreException;
import io.prmonitor.spi.StoreSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour of the JDBC store beyond the SPI contract, on H2. */
class JdbcPullRequestStoreTest {

  private static final RepositoryId REPO = repository("alpha");
  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  private static final String PASSWORD = "s3cret-Pa55word";

  @TempDir
  Path directory;

  private static StoreSettings settings(String url) {
    return new StoreSettings(url, "sa", null, 4, Duration.ofSeconds(30), Map.of());
  }

  private static String memoryUrl() {
    return "jdbc:h2:mem:store-" + UUID.randomUUID();
  }

  @Test
  void discoveryPages_roundTrip_andAreReplacedWhole() {
    try (PullRequestStore store = JdbcPullRequestStore.create(settings(memoryUrl()))) {
      java.net.URI first = java.net.URI.create("https://api.github.com/orgs/o/repos?per_page=100&type=all");
      java.net.URI second = java.net.URI.create("https://api.github.com/organizations/1/repos?page=2");
      List<io.prmonitor.spi.DiscoveryPage> pages = List.of(
          new io.prmonitor.spi.DiscoveryPage(first, "W/\"one\"", List.of(
              new io.prmonitor.spi.RepositoryInfo(repository("a"), false, true),
              new io.prmonitor.spi.RepositoryInfo(repository("b"), true, false)), second),
          new io.prmonitor.spi.DiscoveryPage(second, null, List.of(), null));
      assertThat(store.discoveryPages("org:o")).isEmpty();

      store.saveDiscoveryPages("org:o", pages);
      assertThat(store.discoveryPages("org:o")).isEqualTo(pages);
      assertThat(store.discoveryPages("org:other")).isEmpty();

      store.saveDiscoveryPages("org:o", pages.subList(0, 1));
      assertThat(store.discoveryPages("org:o")).isEqualTo(pages.subList(0, 1));
    }
  }

  @Test
  void networkTimeouts_derivedFromTheTransactionTimeout() {
    assertThat(HikariPools.networkTimeouts(Duration.ofSeconds(60))).containsEntry("socketTimeout", "60")
        .containsEntry("connectTimeout", "30").containsEntry("loginTimeout", "30");
    assertThat(HikariPools.networkTimeouts(Duration.ofMillis(1_500))).containsEntry("socketTimeout", "2")
        .containsEntry("connectTimeout", "2").containsEntry("loginTimeout", "2");
  }

  @Test
  void brokenConnection_byItsSqlState() {
    assertThat(SqlFailures.brokenConnection(new SQLException("I/O error", "08006"))).isTrue();
    assertThat(SqlFailures.brokenConnection(new RuntimeException(new SQLException("killed", "57P01"))))
        .isTrue();
    assertThat(SqlFailures.brokenConnection(new SQLException("duplicate key", "23505"))).isFalse();
    assertThat(SqlFailures.brokenConnection(new SQLException("canceled", "57014"))).isFalse();
  }

  @Test
  void create_again_keepsDataAndRecordsEachMigrationOnce() throws SQLException {
    String url = "jdbc:h2:file:" + directory.resolve("db").toAbsolutePath();
    try (PullRequestStore store = JdbcPullRequestStore.create(settings(url))) {
      store.apply(batch(REPO, List.of(pullRequest(1)), List.of(titleEdit(REPO, 1, T0))));
    }

    try (PullRequestStore store = JdbcPullRequestStore.create(settings(url));
        PullRequestStore again = JdbcPullRequestStore.create(settings(url))) {
      assertThat(store.allPullRequests(REPO)).containsExactly(pullRequest(1));
      assertThat(again.pendingChanges(0, 10)).hasSize(1);
      try (Connection connection = DriverManager.getConnection(url, "sa", null);
          Statement statement = connection.createStatement();
          ResultSet rs = statement.executeQuery("SELECT version FROM prmonitor_schema_version ORDER BY version")) {
        for (SchemaMigration migration : SchemaMigrator.MIGRATIONS) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getInt(1)).isEqualTo(migration.version());
        }
        assertThat(rs.next()).as("one row per migration").isFalse();
      }
    }
  }

  @Test
  void apply_changeFailingAfterUpserts_leavesNothing() {
    try (PullRequestStore store = JdbcPullRequestStore.create(settings(memoryUrl()))) {
      String tooLongField = "f".repeat(100);
      var failing = batch(REPO, List.of(pullRequest(1), pullRequest(2)), List.of(titleEdit(REPO, 1, T0),
          change(REPO, 2, ChangeKind.EDITED, tooLongField, "a", "b", T0)));

      assertThatThrownBy(() -> store.apply(failing)).isInstanceOf(StoreException.class);

      assertThat(store.allPullRequests(REPO)).isEmpty();
      assertThat(store.pendingChanges(0, 10)).isEmpty();
    }
  }

  @Test
  void apply_oneBadPullRequestAmongMany_leavesNothing() {
    try (PullRequestStore store = JdbcPullRequestStore.create(settings(memoryUrl()))) {
      store.apply(batch(REPO, List.of(builder(1).title("kept").build()), List.of()));
      // every pull request value is accepted since schema version 3: a change field longer than any the
      // detector names is what this store still refuses
      var failing = batch(REPO, List.of(builder(1).title("replaced").build(), pullRequest(2), pullRequest(3),
          pullRequest(4)), List.of(titleEdit(REPO, 1, T0), change(REPO, 3, ChangeKind.EDITED, "f".repeat(33), "a",
          "b", T0)));

      assertThatThrownBy(() -> store.apply(failing)).isInstanceOf(StoreException.class);

      assertThat(store.allPullRequests(REPO)).containsExactly(builder(1).title("kept").build());
      assertThat(store.pendingChanges(0, 10)).isEmpty();
    }
  }

  @Test
  void apply_failure_messageNamesOperationAndRepository() {
    try (PullRequestStore store = JdbcPullRequestStore.create(settings(memoryUrl()))) {
      var failing = batch(REPO, List.of(pullRequest(1)),
          List.of(change(REPO, 1, ChangeKind.EDITED, "f".repeat(33), "a", "b", T0)));

      assertThatThrownBy(() -> store.apply(failing)).isInstanceOf(StoreException.class)
          .hasMessageStartingWith("apply batch failed for repository fixture/alpha")
          .hasMessageContaining("FIELD");
    }
  }

  @Test
  void close_hostDataSource_staysOpenAndUsable() throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(memoryUrl());
    config.setUsername("sa");
    config.setMaximumPoolSize(2);
    try (HikariDataSource host = new HikariDataSource(config)) {
      PullRequestStore store = JdbcPullRequestStore.create(host, Duration.ofSeconds(10));
      store.apply(batch(REPO, List.of(pullRequest(1)), List.of()));

      store.close();

      assertThat(host.isClosed()).isFalse();
      try (Connection connection = host.getConnection(); Statement statement = connection.createStatement();
          ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM prmonitor_pull_requests")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
    }
  }

  @Test
  void create_hostDataSource_detectsH2() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(memoryUrl());
    try (HikariDataSource host = new HikariDataSource(config);
        JdbcPullRequestStore store = JdbcPullRequestStore.create(host, Duration.ofSeconds(10))) {
      assertThat(store.dialect()).isEqualTo(SqlDialect.H2);
      assertThat(store.toString()).contains("host-owned");
    }
  }

  @Test
  void create_nonPositiveTimeout_rejectedNamingValue() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(memoryUrl());
    try (HikariDataSource host = new HikariDataSource(config)) {
      assertThatThrownBy(() -> JdbcPullRequestStore.create(host, Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
    }
  }

  @Test
  void toString_masksPasswordOfSettingsAndUrl() {
    String url = memoryUrl() + ";PASSWORD=" + PASSWORD;
    try (PullRequestStore store = JdbcPullRequestStore.create(
        new StoreSettings(memoryUrl(), "sa", PASSWORD, 2, Duration.ofSeconds(5), Map.of()))) {
      assertThat(store.toString()).doesNotContain(PASSWORD).contains("H2");
    }
    assertThat(Redaction.maskUrl(url)).doesNotContain(PASSWORD).endsWith("PASSWORD=****");
  }

  @Test
  void create_wrongPassword_exceptionCarriesNoPassword() {
    String url = memoryUrl();
    String wrong = "wr0ng-Pa55word";
    try (PullRequestStore owner = JdbcPullRequestStore.create(
        new StoreSettings(url, "sa", PASSWORD, 2, Duration.ofSeconds(5), Map.of()))) {
      StoreException failure = catchThrowableOfType(StoreException.class, () -> JdbcPullRequestStore.create(
          new StoreSettings(url, "sa", wrong, 2, Duration.ofSeconds(5), Map.of())));

      assertThat(failure).isNotNull();
      assertThat(failure.getMessage()).startsWith("open failed");
      assertThat(stackTrace(failure)).doesNotContain(PASSWORD).doesNotContain(wrong);
      assertThat(owner.allPullRequests(REPO)).isEmpty();
    }
  }

  @Test
  void apply_failureWithPasswordSet_exceptionCarriesNoPassword() {
    try (PullRequestStore store = JdbcPullRequestStore.create(
        new StoreSettings(memoryUrl(), "sa", PASSWORD, 2, Duration.ofSeconds(5), Map.of()))) {
      // the failing value is the password itself, so the driver's message quotes it
      var failing = batch(REPO, List.of(pullRequest(1)),
          List.of(change(REPO, 1, ChangeKind.EDITED, PASSWORD.repeat(5), "a", "b", T0)));

      StoreException failure = catchThrowableOfType(StoreException.class, () -> store.apply(failing));

      assertThat(failure).isNotNull();
      assertThat(stackTrace(failure)).doesNotContain(PASSWORD).contains("****");
    }
  }

  @Test
  void create_unsupportedUrl_rejectedWithMaskedUrl() {
    assertThatThrownBy(() -> JdbcPullRequestStore.create(
        new StoreSettings("jdbc:mysql://db/x?user=u&password=" + PASSWORD, null, null, 1, Duration.ofSeconds(1),
            Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:mysql://db/x?user=u&password=****")
        .hasMessageNotContaining(PASSWORD);
  }

  @Test
  void closedStore_rejectsCalls() {
    PullRequestStore store = JdbcPullRequestStore.create(settings(memoryUrl()));
    store.close();

    assertThatThrownBy(() -> store.repositoryState(REPO)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void serviceLoader_findsProviderNamedJdbc() {
    List<PullRequestStoreProvider> providers = ServiceLoader.load(PullRequestStoreProvider.class).stream()
        .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("jdbc")).toList();

    assertThat(providers).singleElement().isInstanceOf(JdbcPullRequestStoreProvider.class);
    try (PullRequestStore store = providers.get(0).create(settings(memoryUrl()))) {
      store.completePass(REPO, new ListingCursor(T0, "\"e\""), T0);
      assertThat(store.repositoryState(REPO).lastCompletedAt()).isEqualTo(T0);
    }
  }

  @Test
  void concurrentCreates_onOneDatabase_allSucceed() throws Exception {
    String url = memoryUrl() + ";DB_CLOSE_DELAY=-1";
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    List<PullRequestStore> stores = Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 4; i++) {
      threads.add(Thread.ofPlatform().start(() -> {
        try {
          stores.add(JdbcPullRequestStore.create(settings(url)));
        } catch (Throwable t) {
          failures.add(t);
        }
      }));
    }
    for (Thread thread : threads) {
      thread.join(30_000);
    }
    try {
      assertThat(failures).isEmpty();
      assertThat(stores).hasSize(4);
      stores.get(0).apply(batch(REPO, List.of(pullRequest(1)), List.of()));
      assertThat(stores.get(3).allPullRequests(REPO)).hasSize(1);
    } finally {
      stores.forEach(PullRequestStore::close);
      try (Connection connection = DriverManager.getConnection(url, "sa", null);
          Statement statement = connection.createStatement()) {
        statement.execute("SHUTDOWN");
      }
    }
  }

  static String stackTrace(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  @Test
  void create_withTheHostsRegistry_bindsThePoolsMetersUntilClose() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    StoreSettings settings = new StoreSettings(memoryUrl(), "sa", null, 3, Duration.ofSeconds(5), Map.of(), "obs",
        registry);
    try (JdbcPullRequestStore store = JdbcPullRequestStore.create(settings)) {
      store.ping();
      assertThat(registry.find("hikaricp.connections.max").tag("pool", "obs").gauge().value()).isEqualTo(3.0);
      assertThat(registry.find("hikaricp.connections.acquire").tag("pool", "obs").timer().count()).isPositive();
    }
    assertThat(registry.find("hikaricp.connections.max").gauges()).isEmpty();
  }
}
