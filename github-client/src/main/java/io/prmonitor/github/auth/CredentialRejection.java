package io.prmonitor.github.auth;

import io.prmonitor.github.ratelimit.Ticker;
import io.prmonitor.spi.GitHubAuthenticationException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What a fixed token's last {@code 401} means for the requests after it: they are held back, unsent, for
 * a while that doubles with each consecutive rejection ({@link #FIRST_HOLD} up to {@link #MAX_HOLD}); then
 * one request probes the token again while the others wait for its answer. Any answer but a {@code 401}
 * ends the rejection.
 *
 * <p>So a bad token costs one request per hold, never one per repository, and a token that was rejected
 * once by a transient fault (GitHub's own, a proxy's) is used again after the hold: no state here needs a
 * restart to clear. Thread-safe; no lock is held while a request is in flight.
 */
public final class CredentialRejection {

  /** How long requests are held back after a first rejection. */
  public static final Duration FIRST_HOLD = Duration.ofMinutes(1);
  /** The longest hold, reached after seven consecutive rejections. */
  public static final Duration MAX_HOLD = Duration.ofHours(1);

  private final Ticker ticker;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition probeAnswered = lock.newCondition();
  private volatile GitHubAuthenticationException rejected;
  private volatile boolean probing;
  private long heldUntil;
  private int consecutive;

  public CredentialRejection(Ticker ticker) {
    this.ticker = Objects.requireNonNull(ticker, "null ticker");
  }

  /**
   * Lets a request go, or refuses it unsent.
   *
   * @param maxWaitNanos how long to wait, in real time, for another request's probe to be answered
   * @return true if this request is the probe (it must report its outcome to {@link #answered} or
   *     {@link #unanswered})
   * @throws GitHubAuthenticationException (unsent) while the hold lasts
   */
  public boolean admit(long maxWaitNanos) throws InterruptedException {
    if (rejected == null && !probing) {
      return false;
    }
    lock.lockInterruptibly();
    try {
      long waitUntil = System.nanoTime() + maxWaitNanos;
      while (true) {
        GitHubAuthenticationException last = rejected;
        if (last == null) {
          return false;
        }
        long held = heldUntil - ticker.nanoTime();
        if (held > 0) {
          throw unsent(last, "held back for " + Math.max(1, Duration.ofNanos(held).toSeconds()) + " s more");
        }
        if (!probing) {
          probing = true;
          return true;
        }
        long wait = waitUntil - System.nanoTime();
        if (wait <= 0) {
          throw unsent(last, "the request probing them again is unanswered");
        }
        probeAnswered.awaitNanos(wait);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Records a {@code 401}.
   *
   * @return how long requests are now held back
   */
  public Duration rejected(GitHubAuthenticationException rejection) {
    lock.lock();
    try {
      consecutive++;
      Duration hold = FIRST_HOLD.multipliedBy(1L << Math.min(consecutive - 1, 20));
      if (hold.compareTo(MAX_HOLD) > 0) {
        hold = MAX_HOLD;
      }
      heldUntil = ticker.nanoTime() + hold.toNanos();
      rejected = rejection;
      probing = false;
      probeAnswered.signalAll();
      return hold;
    } finally {
      lock.unlock();
    }
  }

  /** Records an answer other than {@code 401}: the credentials are good. */
  public void answered() {
    if (rejected == null && !probing) {
      return;
    }
    lock.lock();
    try {
      rejected = null;
      probing = false;
      consecutive = 0;
      probeAnswered.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Records that the probe got no answer (a connection failure): the next request probes. */
  public void unanswered() {
    lock.lock();
    try {
      probing = false;
      probeAnswered.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private static GitHubAuthenticationException unsent(GitHubAuthenticationException last, String why) {
    return new GitHubAuthenticationException(last.getMessage() + "; request not sent (" + why + ")",
        last.status());
  }
}
