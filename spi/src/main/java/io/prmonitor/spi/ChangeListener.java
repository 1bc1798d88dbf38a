package io.prmonitor.spi;

/**
 * Receives detected changes after the transaction that recorded them has committed.
 *
 * <p>Delivery is at least once and in order per pull request. A listener that throws does not stop
 * synchronization: the change stays pending in the store's outbox and is offered again (to every
 * listener: a change counts as delivered once all listeners have accepted it in one attempt), and later
 * changes of the same pull request wait behind it. Deduplicate on {@link PullRequestChange#key()}.
 *
 * <p>Listeners are called at the end of each pass, from the thread running the pass (the caller of
 * {@code run()}, or the monitor's scheduler thread), one change at a time; they should return quickly and
 * hand slow work off. With several monitors sharing a fleet (leases), each monitor delivers the shared
 * outbox, so a change can reach listeners of different monitors: deduplicate on the key.
 */
@FunctionalInterface
public interface ChangeListener {

  /**
   * Handles one change.
   *
   * @throws Exception to leave the change pending and have it offered again later
   */
  void onChange(PullRequestChange change) throws Exception;
}
