package io.prmonitor.core.lease;

import io.prmonitor.core.sync.RepositoryOutcome;
import io.prmonitor.core.sync.RepositoryQueue;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryLeases;
import io.prmonitor.spi.RepositoryState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The repositories of one pass of a monitor that shares its fleet with other monitors: claimed from the
 * store's {@link RepositoryLeases} in small batches, oldest first, each held under a lease that a timer
 * renews every third of the lease duration while the monitor works on it, and released when its
 * synchronization ends.
 *
 * <p>A repository is due in this pass when no pass over it completed at or after
 * {@code passStart - repositoryInterval}; so with an interval of zero every repository is synchronized once
 * per pass of the fleet, and none is taken up twice by one pass. When nothing due is free but other
 * workers hold leases on due repositories, {@link #next()} waits (until the first of those leases
 * expires, looking again at least every 500 ms) rather than end the pass: a worker that died leaves its
 * repositories to the others once its leases expire. {@link #next()} returns null once nothing due is
 * left, after a repository was deferred (out of budget or time: the rest is left to others or the next
 * pass), after the store failed, or after {@link #close()}.
 *
 * <p>A repository whose synchronization completed stays leased (and renewed) until {@link #close()}, so
 * that the monitor delivers its changes while it still holds it: each change reaches the listeners of the
 * one worker that holds its repository ({@link #held()}). One that failed or was deferred is released at
 * once, for another worker to take up; its changes are delivered by whoever holds it next.
 *
 * <p>A lease lost while working (the monitor stalled past its expiry and another took the repository
 * over) is logged; the work goes on. Changes are recorded idempotently by their keys, and stores never
 * replace a snapshot by an older one (a conditional upsert on {@code updated_at}), so its late writes
 * cannot undo its successor's newer ones. Thread-safe; {@link #close()} stops the timer and releases what
 * is still held.
 */
public final class LeasedRepositoryQueue implements RepositoryQueue {

  private static final Logger log = LoggerFactory.getLogger(LeasedRepositoryQueue.class);

  /**
   * The longest wait before looking again for due repositories others hold: their releases cannot wake
   * this worker (another process), and a worker that ends its pass late holds up the fleet's next one.
   */
  static final Duration MAX_WAIT = Duration.ofMillis(500);

  private final RepositoryLeases leases;
  private final String worker;
  private final List<RepositoryId> fleet;
  private final Duration leaseDuration;
  private final int batchSize;
  private final Clock clock;
  private final Instant dueBefore;
  private final Runnable onRenewal;
  private final Duration renewEvery;
  private final ScheduledExecutorService timer;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Deque<RepositoryState> claimed = new ArrayDeque<>();
  private final Set<RepositoryId> held = new LinkedHashSet<>();
  private final Set<RepositoryId> attempted = new HashSet<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private boolean stopped;

  /**
   * Opens the queue of a pass starting now, and starts renewing its leases.
   *
   * @param leases the store's lease capability
   * @param worker this monitor's worker id, unique in the fleet
   * @param fleet the repositories this monitor may take up
   * @param leaseDuration how long a lease lasts unless renewed, positive
   * @param repositoryInterval the least time between two completed passes over one repository, zero or more
   * @param batchSize how many repositories one claim takes at most, positive
   * @param clock the time source for leases and due times; the fleet's hosts must agree on it (NTP)
   * @param onRenewal runs on every renewal tick, after the leases were renewed (the rate-limit exchange)
   * @throws IllegalArgumentException if a duration or the batch size is out of range
   */
  public LeasedRepositoryQueue(RepositoryLeases leases, String worker, Collection<RepositoryId> fleet,
      Duration leaseDuration, Duration repositoryInterval, int batchSize, Clock clock, Runnable onRenewal) {
    this.leases = Objects.requireNonNull(leases, "null leases");
    this.worker = Objects.requireNonNull(worker, "null worker");
    this.fleet = List.copyOf(new LinkedHashSet<>(fleet));
    this.leaseDuration = Objects.requireNonNull(leaseDuration, "null leaseDuration");
    Objects.requireNonNull(repositoryInterval, "null repositoryInterval");
    this.clock = Objects.requireNonNull(clock, "null clock");
    this.onRenewal = Objects.requireNonNull(onRenewal, "null onRenewal");
    if (leaseDuration.toMillis() < 3) {
      throw new IllegalArgumentException("leaseDuration must be at least 3 ms: " + leaseDuration);
    }
    if (repositoryInterval.isNegative()) {
      throw new IllegalArgumentException("repositoryInterval cannot be negative: " + repositoryInterval);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be positive: " + batchSize);
    }
    this.batchSize = batchSize;
    this.dueBefore = clock.instant().minus(repositoryInterval);
    this.renewEvery = leaseDuration.dividedBy(3);
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "prmonitor-lease-renewal-" + worker);
      thread.setDaemon(true);
      return thread;
    });
    timer.scheduleAtFixedRate(this::renew, renewEvery.toMillis(), renewEvery.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public RepositoryState next() {
    lock.lock();
    try {
      while (!stopped && !closed.get()) {
        RepositoryState state = claimed.poll();
        if (state != null) {
          return state;
        }
        List<RepositoryId> candidates = fleet.stream().filter(r -> !attempted.contains(r)).toList();
        if (candidates.isEmpty()) {
          return null;
        }
        Instant now = clock.instant();
        List<RepositoryState> batch;
        RepositoryLeases.LeasedElsewhere elsewhere;
        try {
          batch = leases.claimDue(worker, candidates, dueBefore, now, leaseDuration, batchSize);
          elsewhere = batch.isEmpty() ? leases.leasedElsewhere(worker, candidates, dueBefore, now) : null;
        } catch (RuntimeException e) {
          log.warn("claiming repositories failed; worker {} ends its pass and leaves the rest to the next: {}",
              worker, e.toString());
          stopped = true;
          return null;
        }
        if (!batch.isEmpty()) {
          for (RepositoryState claim : batch) {
            attempted.add(claim.repository());
            held.add(claim.repository());
          }
          claimed.addAll(batch);
          log.debug("worker {} claimed {}", worker, batch.stream().map(RepositoryState::repository).toList());
          continue;
        }
        if (elsewhere.count() == 0) {
          return null;
        }
        Duration untilExpiry = Duration.between(now, elsewhere.earliestExpiry());
        Duration poll = renewEvery.compareTo(MAX_WAIT) < 0 ? renewEvery : MAX_WAIT;
        Duration wait = untilExpiry.compareTo(poll) < 0 ? untilExpiry : poll;
        log.debug("worker {} waits up to {} ms: {} due repositories are leased by others", worker,
            wait.toMillis(), elsewhere.count());
        if (!wait.isNegative() && !wait.isZero()) {
          changed.await(wait.toMillis() + 1, TimeUnit.MILLISECONDS);
        }
      }
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void finished(RepositoryOutcome outcome) {
    RepositoryId repository = outcome.repository();
    boolean done = outcome.status() == RepositoryOutcome.Status.DONE;
    lock.lock();
    try {
      if (!done) {
        held.remove(repository);
      }
      if (outcome.status() == RepositoryOutcome.Status.DEFERRED && !stopped) {
        stopped = true;
        log.info("worker {} stops claiming after {} was deferred ({}); others or the next pass take the rest",
            worker, repository, outcome.reason());
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (!done) {
      release(repository);
    }
  }

  /** Stops renewing and releases every lease still held (claimed but not handed out, or unfinished). */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    timer.shutdownNow();
    List<RepositoryId> left;
    lock.lock();
    try {
      left = new ArrayList<>(held);
      held.clear();
      claimed.clear();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    left.forEach(this::release);
  }

  /** True: the fleet's other monitors take up the rest. */
  @Override
  public boolean sharesFleet() {
    return true;
  }

  /** The repositories this monitor holds now ({@link #held()}). */
  @Override
  public java.util.function.Predicate<RepositoryId> deliveredHere() {
    return held()::contains;
  }

  /**
   * The repositories whose leases this queue holds now: those claimed and not yet finished, and those
   * whose synchronization completed, until {@link #close()}. The monitor delivers their changes.
   */
  public Set<RepositoryId> held() {
    lock.lock();
    try {
      return Set.copyOf(held);
    } finally {
      lock.unlock();
    }
  }

  /** Renews every lease held; the timer calls it, and tests may. */
  void renew() {
    List<RepositoryId> toRenew;
    lock.lock();
    try {
      toRenew = List.copyOf(held);
    } finally {
      lock.unlock();
    }
    if (!toRenew.isEmpty()) {
      try {
        Set<RepositoryId> renewed = leases.renew(worker, toRenew, clock.instant(), leaseDuration);
        if (renewed.size() < toRenew.size()) {
          List<RepositoryId> lost = toRenew.stream().filter(r -> !renewed.contains(r)).toList();
          lock.lock();
          try {
            // a repository finished meanwhile was released on purpose, not lost
            lost = lost.stream().filter(held::contains).toList();
            // no longer this worker's: their changes are delivered by the worker that holds them now
            lost.forEach(held::remove);
          } finally {
            lock.unlock();
          }
          if (!lost.isEmpty()) {
            log.warn("worker {} lost its leases on {}: another worker took them over after they expired",
                worker, lost);
          }
        }
      } catch (RuntimeException e) {
        log.warn("renewing the leases of worker {} failed; retrying in {} ms: {}", worker, renewEvery.toMillis(),
            e.toString());
      }
    }
    try {
      onRenewal.run();
    } catch (RuntimeException e) {
      log.warn("lease renewal hook failed", e);
    }
  }

  private void release(RepositoryId repository) {
    try {
      leases.release(worker, repository);
    } catch (RuntimeException e) {
      log.warn("releasing the lease of worker {} on {} failed; it expires by itself: {}", worker, repository,
          e.toString());
    }
  }
}
