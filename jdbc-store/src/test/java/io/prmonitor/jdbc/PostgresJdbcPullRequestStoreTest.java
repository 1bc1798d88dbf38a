package io.prmonitor.jdbc;

import static io.prmonitor.spi.contract.PullRequestFixtures.batch;
import static io.prmonitor.spi.contract.PullRequestFixtures.builder;
import static io.prmonitor.spi.contract.PullRequestFixtures.change;
import static io.prmonitor.spi.contract.PullRequestFixtures.pullRequest;
import static io.prmonitor.spi.contract.PullRequestFixtures.repository;
import static io.prmonitor.spi.contract.PullRequestFixtures.titleEdit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.ListingCursor;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.StoreException;
import io.prmonitor.spi.StoreSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Behaviour of the JDBC store beyond the SPI contract, on PostgreSQL; each test in a schema of its own. */
class PostgresJdbcPullRequestStoreTest {

  private static final RepositoryId REPO = repository("alpha");
  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

  private PostgresSchema schema;

  @BeforeEach
  void createSchema() {
    schema = PostgresSchema.create("prm_store");
  }

  @AfterEach
  void dropSchema() {
    if (schema != null) {
      schema.close();
    }
  }

  private StoreSettings settings(String url, int poolSize, Duration timeout) {
    return new StoreSettings(url, PostgresSchema.USER, null, poolSize, timeout, Map.of());
  }

  @Test
  void concurrentCreates_onFreshSchema_migrateOnce() throws Exception {
    int starts = 4;
    ExecutorService pool = Executors.newFixedThreadPool(starts);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<PullRequestStore>> futures = new ArrayList<>();
    try {
      for (int i = 0; i < starts; i++) {
        futures.add(pool.submit(() -> {
          go.await();
          return JdbcPullRequestStore.create(settings(schema.url(), 2, Duration.ofSeconds(30)));
        }));
      }
      go.countDown();
      List<PullRequestStore> stores = new ArrayList<>();
      for (Future<PullRequestStore> future : futures) {
        stores.add(future.get(60, TimeUnit.SECONDS));
      }
      stores.get(0).apply(batch(REPO, List.of(pullRequest(1)), List.of()));
      assertThat(stores.get(starts - 1).allPullRequests(REPO)).containsExactly(pullRequest(1));
      stores.forEach(PullRequestStore::close);
    } finally {
      pool.shutdownNow();
    }
    assertThat(queryInt("SELECT COUNT(*) FROM prmonitor_schema_version")).isEqualTo(SchemaMigrator.MIGRATIONS.size());
  }

  @Test
  void create_again_isIdempotent() throws SQLException {
    try (PullRequestStore store = JdbcPullRequestStore.create(settings(schema.url(), 2, Duration.ofSeconds(30)))) {
      store.apply(batch(REPO, List.of(pullRequest(1)), List.of(titleEdit(REPO, 1, T0))));
    }
    try (PullRequestStore store = JdbcPullRequestStore.create(settings(schema.url(), 2, Duration.ofSeconds(30)))) {
      assertThat(store.allPullRequests(REPO)).containsExactly(pullRequest(1));
      assertThat(store.pendingChanges(0, 10)).hasSize(1);
    }
    assertThat(queryInt("SELECT COUNT(*) FROM prmonitor_schema_version")).isEqualTo(SchemaMigrator.MIGRATIONS.size());
  }

  @Test
  void apply_changeFailingAfterUpserts_leavesNothing() {
    try (PullRequestStore store = JdbcPullRequestStore.create(settings(schema.url(), 2, Duration.ofSeconds(30)))) {
      var failing = batch(REPO, List.of(pullRequest(1), pullRequest(2)), List.of(titleEdit(REPO, 1, T0),
          change(REPO, 2, ChangeKind.EDITED, "f".repeat(100), "a", "b", T0)));

      assertThatThrownBy(() -> store.apply(failing)).isInstanceOf(StoreException.class)
          .hasMessageStartingWith("apply batch failed for repository fixture/alpha");

      assertThat(store.allPullRequests(REPO)).isEmpty();
      assertThat(store.pendingChanges(0, 10)).isEmpty();
    }
  }

  @Test
  void apply_rowLockedLongerThanTransactionTimeout_failsWithStoreException() throws Exception {
    try (PullRequestStore store = JdbcPullRequestStore.create(settings(schema.url(), 2, Duration.ofMillis(500)));
        Connection blocker = schema.connection()) {
      store.apply(batch(REPO, List.of(pullRequest(1)), List.of()));
      blocker.setAutoCommit(false);
      try (Statement statement = blocker.createStatement()) {
        statement.executeQuery("SELECT * FROM prmonitor_pull_requests FOR UPDATE").close();
      }
      long start = System.nanoTime();

      assertThatThrownBy(() -> store.apply(batch(REPO, List.of(builder(1).title("new").build()), List.of())))
          .isInstanceOf(StoreException.class).hasMessageContaining("statement timeout");

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      blocker.rollback();
      assertThat(store.allPullRequests(REPO)).containsExactly(pullRequest(1));
    }
  }

  @Test
  void terminatedConnection_isRetriedOnceOnAFreshOne_thenFailsThatCall_andNextCallSucceeds() throws Exception {
    String application = "prm-terminate-" + UUID.randomUUID().toString().substring(0, 8);
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try (PullRequestStore store = JdbcPullRequestStore.create(
            settings(schema.url(application), 1, Duration.ofSeconds(30)));
        Connection blocker = schema.connection()) {
      store.completePass(REPO, new ListingCursor(T0, "\"old\""), T0);
      blocker.setAutoCommit(false);
      try (Statement statement = blocker.createStatement()) {
        statement.executeQuery("SELECT * FROM prmonitor_repositories FOR UPDATE").close();
      }

      Future<?> blocked = caller.submit(
          () -> store.completePass(REPO, new ListingCursor(T0.plusSeconds(1), "\"lost\""), T0.plusSeconds(1)));
      int pid = await().atMost(Duration.ofSeconds(20)).until(() -> waitingBackend(application), p -> p > 0);
      assertThat(queryBoolean("SELECT pg_terminate_backend(" + pid + ")")).isTrue();
      // the write failed at once on a broken connection: it is retried once, on a fresh one, which waits again
      int retry = await().atMost(Duration.ofSeconds(20)).until(() -> waitingBackend(application),
          p -> p > 0 && p != pid);
      assertThat(queryBoolean("SELECT pg_terminate_backend(" + retry + ")")).isTrue();

      assertThatThrownBy(() -> blocked.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(StoreException.class).hasMessageStartingWith("complete pass failed for repository fixture/alpha");
      blocker.rollback();

      store.completePass(REPO, new ListingCursor(T0.plusSeconds(2), "\"new\""), T0.plusSeconds(2));
      assertThat(store.repositoryState(REPO).cursor()).isEqualTo(new ListingCursor(T0.plusSeconds(2), "\"new\""));
    } finally {
      caller.shutdownNow();
    }
  }

  @Test
  void create_hostDataSource_detectsPostgresAndLeavesItOpen() throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(schema.url());
    config.setUsername(PostgresSchema.USER);
    config.setMaximumPoolSize(2);
    try (HikariDataSource host = new HikariDataSource(config)) {
      JdbcPullRequestStore store = JdbcPullRequestStore.create(host, Duration.ofSeconds(10));
      assertThat(store.dialect()).isEqualTo(SqlDialect.POSTGRESQL);
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
  void create_unknownDatabase_exceptionCarriesNoPassword() {
    String password = "pg-s3cret-Pa55";
    String url = PostgresSchema.SERVER_URL + "_missing_" + UUID.randomUUID().toString().substring(0, 6)
        + "?password=" + password;

    assertThatThrownBy(() -> JdbcPullRequestStore.create(
        new StoreSettings(url, PostgresSchema.USER, password, 1, Duration.ofSeconds(5), Map.of())))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("open failed")
        .satisfies(e -> assertThat(JdbcPullRequestStoreTest.stackTrace(e)).doesNotContain(password));
  }

  private int waitingBackend(String application) throws SQLException {
    try (Connection connection = schema.connection(); PreparedStatement statement = connection.prepareStatement(
        "SELECT pid FROM pg_stat_activity WHERE application_name = ? AND wait_event_type = 'Lock'")) {
      statement.setString(1, application);
      try (ResultSet rs = statement.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    }
  }

  private int queryInt(String sql) throws SQLException {
    try (Connection connection = schema.connection(); Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private boolean queryBoolean(String sql) throws SQLException {
    try (Connection connection = schema.connection(); Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getBoolean(1);
    }
  }
}
