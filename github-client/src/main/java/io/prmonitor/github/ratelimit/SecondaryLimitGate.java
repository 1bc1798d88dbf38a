package io.prmonitor.github.ratelimit;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The shared pause of one credential after a secondary rate-limit answer: every request on that
 * credential waits at the gate, not just the thread that saw the answer.
 *
 * <p>With a {@code Retry-After} the pause is exactly that long. Without one it is at least the
 * minimum pause, doubling with each consecutive secondary limit up to {@link #MAX_PAUSE}; answers that
 * arrive while a pause is already running (other requests that were in flight) extend it but do not
 * escalate it. A successful answer ends the escalation. A pause longer than {@link #MAX_WAIT} is recorded
 * but never waited out: {@link #awaitOpen()} refuses at once and the caller defers. Thread-safe; no lock is held while waiting.
 */
public final class SecondaryLimitGate {

  /** The longest pause without {@code Retry-After}. */
  public static final Duration MAX_PAUSE = Duration.ofMinutes(15);
  /**
   * The longest pause {@link #awaitOpen()} waits out: a {@code Retry-After} asking for more (a day, from a
   * misbehaving proxy or server) is not slept through; the callers defer their work until it ends.
   */
  public static final Duration MAX_WAIT = Duration.ofMinutes(15);

  private final Duration minimumPause;
  private final Ticker ticker;
  private final Sleeper sleeper;
  private final ReentrantLock lock = new ReentrantLock();
  private long closedUntil;
  private boolean closed;
  private int consecutive;

  /**
   * @param minimumPause the least pause without {@code Retry-After}, positive
   * @param ticker measures the pause
   * @param sleeper waits it out
   */
  public SecondaryLimitGate(Duration minimumPause, Ticker ticker, Sleeper sleeper) {
    Objects.requireNonNull(minimumPause, "null minimumPause");
    if (minimumPause.isNegative() || minimumPause.isZero()) {
      throw new IllegalArgumentException("minimumPause must be positive: " + minimumPause);
    }
    this.minimumPause = minimumPause;
    this.ticker = Objects.requireNonNull(ticker, "null ticker");
    this.sleeper = Objects.requireNonNull(sleeper, "null sleeper");
  }

  /**
   * Waits until no pause is running, unless the running pause lasts longer than {@link #MAX_WAIT}.
   *
   * @return true once the gate is open; false at once, without waiting, if the pause outlasts
   *     {@link #MAX_WAIT} (see {@link #remaining()})
   */
  public boolean awaitOpen() throws InterruptedException {
    while (true) {
      long wait = remainingNanos();
      if (wait <= 0) {
        return true;
      }
      if (wait > MAX_WAIT.toNanos()) {
        return false;
      }
      sleeper.sleep(Duration.ofNanos(wait));
    }
  }

  /** How long the running pause still lasts; zero if none. */
  public Duration remaining() {
    return Duration.ofNanos(Math.max(0, remainingNanos()));
  }

  private long remainingNanos() {
    lock.lock();
    try {
      return closed ? closedUntil - ticker.nanoTime() : 0;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Closes the gate after a secondary-limit answer.
   *
   * @param retryAfter the answer's {@code Retry-After}, or null if it had none
   * @return the pause this answer asked for
   */
  public Duration trip(Duration retryAfter) {
    lock.lock();
    try {
      long now = ticker.nanoTime();
      boolean running = closed && closedUntil - now > 0;
      if (!running) {
        consecutive++;
      }
      Duration pause;
      if (retryAfter != null && !retryAfter.isNegative()) {
        pause = retryAfter;
      } else {
        int doublings = Math.min(Math.max(consecutive - 1, 0), 20);
        Duration escalated = minimumPause.multipliedBy(1L << doublings);
        pause = escalated.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : escalated;
      }
      long until = now + pause.toNanos();
      if (!running || until - closedUntil > 0) {
        closedUntil = until;
      }
      closed = true;
      return pause;
    } finally {
      lock.unlock();
    }
  }

  /** Records a successful answer, which ends the escalation of pauses. */
  public void succeeded() {
    lock.lock();
    try {
      consecutive = 0;
    } finally {
      lock.unlock();
    }
  }
}
