package io.prmonitor.core.sync;

import static io.prmonitor.spi.contract.PullRequestFixtures.pullRequest;
import static io.prmonitor.spi.contract.PullRequestFixtures.repository;
import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.StaticGitHubClient;
import io.prmonitor.core.detect.ChangeDetector;
import io.prmonitor.core.store.InMemoryPullRequestStore;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryState;
import io.prmonitor.spi.StoreException;
import io.prmonitor.spi.SyncBatch;
import io.prmonitor.spi.contract.ForwardingPullRequestStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The MDC key {@code pr} while a pull request is processed on its own. */
class PageApplierTest {

  private static final RepositoryId REPO = repository("mdc");
  private static final Instant T = Instant.parse("2026-11-01T00:00:00Z");

  @Test
  void applyOneByOne_setsThePrKeyForEachPullRequest_andClearsItAfter() {
    InMemoryPullRequestStore data = new InMemoryPullRequestStore();
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    // refuses every batch of several pull requests, so that each is applied on its own
    PullRequestStore store = new ForwardingPullRequestStore() {
      @Override
      protected PullRequestStore delegate() {
        return data;
      }

      @Override
      public void apply(SyncBatch batch) {
        seen.add(batch.upserts().size() + ":" + MDC.get(PageApplier.PR));
        if (batch.upserts().size() > 1) {
          throw new StoreException("one at a time, please");
        }
        super.apply(batch);
      }
    };
    List<PullRequest> page = List.of(pullRequest(5, T), pullRequest(6, T.minusSeconds(1)));
    RepositorySynchronizer synchronizer = new RepositorySynchronizer(new StaticGitHubClient().with(REPO, page),
        store, new ChangeDetector(), true, Clock.fixed(T.plusSeconds(60), ZoneOffset.UTC));

    RepositoryOutcome outcome = synchronizer.synchronize(RepositoryState.initial(REPO), () -> false);

    assertThat(outcome.status()).isEqualTo(RepositoryOutcome.Status.DONE);
    assertThat(seen).containsExactly("2:null", "1:5", "1:6");
    assertThat(MDC.get(PageApplier.PR)).isNull();
    assertThat(data.allPullRequests(REPO)).extracting(PullRequest::number).containsExactly(5, 6);
  }
}
