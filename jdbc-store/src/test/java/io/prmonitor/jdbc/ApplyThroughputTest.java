package io.prmonitor.jdbc;

import static io.prmonitor.spi.contract.PullRequestFixtures.batch;
import static io.prmonitor.spi.contract.PullRequestFixtures.builder;
import static io.prmonitor.spi.contract.PullRequestFixtures.change;
import static io.prmonitor.spi.contract.PullRequestFixtures.repository;
import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.StoreSettings;
import io.prmonitor.spi.SyncBatch;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures what a cold pass costs the store: for each batch of 100 pull requests, the lookup of their
 * stored snapshots and the apply of 100 upserts plus 100 OPENED changes. Prints the figures (see the
 * surefire output file); asserts only that everything landed, never a timing.
 */
class ApplyThroughputTest {

  private static final int BATCHES = 120;
  private static final int WARM_UP = 20;
  private static final int BATCH_SIZE = 100;
  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

  @TempDir
  Path directory;

  @Test
  void coldPass_h2Memory() {
    measure("H2 in-memory", "jdbc:h2:mem:throughput-" + UUID.randomUUID(), "sa");
  }

  @Test
  void coldPass_h2File() {
    measure("H2 file", "jdbc:h2:file:" + directory.resolve("throughput").toAbsolutePath(), "sa");
  }

  @Test
  void coldPass_postgres() {
    try (PostgresSchema schema = PostgresSchema.create("prm_throughput")) {
      measure("PostgreSQL", schema.url(), PostgresSchema.USER);
    }
  }

  private static void measure(String database, String url, String user) {
    try (PullRequestStore store = JdbcPullRequestStore.create(
        new StoreSettings(url, user, null, 4, Duration.ofSeconds(60), Map.of()))) {
      long lookupNanos = 0;
      long applyNanos = 0;
      for (int b = 0; b < BATCHES; b++) {
        RepositoryId repo = repository("repo-" + (b / 10));
        SyncBatch batch = coldBatch(repo, (b % 10) * BATCH_SIZE);
        List<Integer> numbers = batch.upserts().stream().map(PullRequest::number).toList();
        long start = System.nanoTime();
        Map<Integer, PullRequest> stored = store.pullRequests(repo, numbers);
        long looked = System.nanoTime();
        store.apply(batch);
        long applied = System.nanoTime();
        assertThat(stored).isEmpty();
        if (b >= WARM_UP) {
          lookupNanos += looked - start;
          applyNanos += applied - looked;
        }
      }
      int measured = BATCHES - WARM_UP;
      System.out.printf("[throughput] %s: %d batches of %d PRs + %d changes: lookup %.2f ms/batch, "
              + "apply %.2f ms/batch (%.0f PRs/s)%n", database, measured, BATCH_SIZE, BATCH_SIZE,
          lookupNanos / 1e6 / measured, applyNanos / 1e6 / measured,
          measured * BATCH_SIZE / ((lookupNanos + applyNanos) / 1e9));

      assertThat(store.allPullRequests(repository("repo-0"))).hasSize(10 * BATCH_SIZE);
      assertThat(store.pendingChanges(0, BATCHES * BATCH_SIZE + 1)).hasSize(BATCHES * BATCH_SIZE);
    }
  }

  private static SyncBatch coldBatch(RepositoryId repo, int firstNumber) {
    List<PullRequest> prs = new ArrayList<>(BATCH_SIZE);
    List<PullRequestChange> changes = new ArrayList<>(BATCH_SIZE);
    String body = "Fixes a bug in the parser. ".repeat(20);
    IntStream.rangeClosed(firstNumber + 1, firstNumber + BATCH_SIZE).forEach(number -> {
      Instant updated = T0.plusSeconds(number);
      prs.add(builder(number).body(body).labels("bug", "needs-review", "area/parser")
          .assignees("alice").requestedReviewers("bob", "team:core").updatedAt(updated).build());
      changes.add(change(repo, number, ChangeKind.OPENED, "state", null, "OPEN", updated));
    });
    return batch(repo, prs, changes);
  }
}
