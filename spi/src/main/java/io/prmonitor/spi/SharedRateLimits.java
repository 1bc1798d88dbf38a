package io.prmonitor.spi;

import java.util.Collection;
import java.util.List;

/**
 * A capability a {@link PullRequestStore} may have, offered through {@link PullRequestStore#rateLimitBoard()}: a board on which the monitors of a fleet
 * post the rate limits their GitHub clients observed, so that every monitor knows what is left of every
 * credential the fleet shares, even ones it has not used lately (see
 * {@link GitHubClient#observeRateLimits}).
 *
 * <p>Per credential label, the board keeps the most pessimistic current value: a status with a later
 * reset replaces the posted one (a new window), and within one window the lowest {@code remaining}
 * wins, because answers arrive out of order. Thread-safe and safe across processes.
 */
public interface SharedRateLimits {

  /**
   * Posts statuses observed by this monitor.
   *
   * @throws StoreException if the store cannot be written
   */
  void publishRateLimits(Collection<RateLimitStatus> statuses);

  /**
   * Returns the posted status of every credential, ordered by credential label.
   *
   * @throws StoreException if the store cannot be read
   */
  List<RateLimitStatus> sharedRateLimits();
}
