package io.prmonitor.core.lease;

import io.prmonitor.spi.GitHubClient;
import io.prmonitor.spi.RateLimitStatus;
import io.prmonitor.spi.SharedRateLimits;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exchanges rate-limit observations between a monitor's GitHub client and the fleet's board in the store:
 * posts what the client saw, and hands the client what the whole fleet saw, so that every monitor paces
 * itself on the fleet's spending rather than on its own.
 *
 * <p>A failed exchange is logged and skipped: the client then paces on what it saw itself, which every
 * answer from GitHub keeps current anyway. Thread-safe.
 */
public final class FleetRateLimits {

  private static final Logger log = LoggerFactory.getLogger(FleetRateLimits.class);

  private final SharedRateLimits board;
  private final GitHubClient client;

  /** Connects a client to a board. */
  public FleetRateLimits(SharedRateLimits board, GitHubClient client) {
    this.board = Objects.requireNonNull(board, "null board");
    this.client = Objects.requireNonNull(client, "null client");
  }

  /** Posts the client's observations, then feeds the board's into the client. */
  public void exchange() {
    try {
      List<RateLimitStatus> own = client.rateLimits();
      if (!own.isEmpty()) {
        board.publishRateLimits(own);
      }
      List<RateLimitStatus> fleet = board.sharedRateLimits();
      if (!fleet.isEmpty()) {
        client.observeRateLimits(fleet);
      }
    } catch (RuntimeException e) {
      log.warn("exchanging rate limits with the fleet failed; pacing on this monitor's own view: {}",
          e.toString());
    }
  }
}
