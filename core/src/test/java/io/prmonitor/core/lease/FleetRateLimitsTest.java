package io.prmonitor.core.lease;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.spi.GitHubClient;
import io.prmonitor.spi.PageRequest;
import io.prmonitor.spi.PullRequestPage;
import io.prmonitor.spi.RateLimitStatus;
import io.prmonitor.spi.RepositoryInfo;
import io.prmonitor.spi.RepositorySelector;
import io.prmonitor.spi.SharedRateLimits;
import io.prmonitor.spi.StoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetRateLimitsTest {

  static final Instant RESET = Instant.parse("2024-05-01T11:00:00Z");

  /** A client that reports fixed statuses and records what it is told. */
  static final class RecordingClient implements GitHubClient {
    final List<RateLimitStatus> own;
    final List<RateLimitStatus> observed = new ArrayList<>();

    RecordingClient(List<RateLimitStatus> own) {
      this.own = own;
    }

    @Override
    public PullRequestPage listPullRequests(PageRequest request) {
      throw new UnsupportedOperationException("no requests in this test");
    }

    @Override
    public List<RepositoryInfo> discoverRepositories(RepositorySelector selector) {
      return List.of();
    }

    @Override
    public List<RateLimitStatus> rateLimits() {
      return own;
    }

    @Override
    public void observeRateLimits(List<RateLimitStatus> statuses) {
      observed.addAll(statuses);
    }

    @Override
    public void close() {
    }
  }

  /** A board in memory that keeps everything posted. */
  static final class ListBoard implements SharedRateLimits {
    final List<RateLimitStatus> posted = new ArrayList<>();
    boolean failing;

    @Override
    public void publishRateLimits(Collection<RateLimitStatus> statuses) {
      if (failing) {
        throw new StoreException("store is down");
      }
      posted.addAll(statuses);
    }

    @Override
    public List<RateLimitStatus> sharedRateLimits() {
      return List.copyOf(posted);
    }
  }

  @Test
  void exchange_postsOwnStatuses_andFeedsTheFleetsIntoTheClient() {
    RateLimitStatus mine = new RateLimitStatus("token:...aaaa", 5000, 4000, RESET);
    RateLimitStatus theirs = new RateLimitStatus("token:...bbbb", 5000, 100, RESET);
    ListBoard board = new ListBoard();
    board.posted.add(theirs);
    RecordingClient client = new RecordingClient(List.of(mine));

    new FleetRateLimits(board, client).exchange();

    assertThat(board.posted).containsExactly(theirs, mine);
    assertThat(client.observed).containsExactly(theirs, mine);
  }

  @Test
  void exchange_storeDown_leavesTheClientAlone() {
    ListBoard board = new ListBoard();
    board.failing = true;
    RecordingClient client = new RecordingClient(List.of(new RateLimitStatus("token:...aaaa", 5000, 1, RESET)));

    new FleetRateLimits(board, client).exchange();

    assertThat(client.observed).isEmpty();
  }
}
