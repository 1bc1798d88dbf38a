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
 * hand slow work off. With several monitors sharing a fleet (leases), a monitor delivers the changes of
 * the repositories whose leases it holds, before it releases them, so each change reaches the listeners of
 * one monitor (a change left pending, or re-offered after a crash during delivery, goes to whichever
 * monitor holds its repository next): still deduplicate on the key.
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
