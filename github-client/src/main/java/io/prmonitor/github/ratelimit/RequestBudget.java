package io.prmonitor.github.ratelimit;

import io.prmonitor.spi.RateLimitExceededException;
import io.prmonitor.spi.RateLimitStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The primary rate-limit budget of one credential, as GitHub's {@code X-RateLimit-*} headers report
 * it, with the requests in flight counted against it.
 *
 * <p>A request {@linkplain #acquire() reserves} one unit before it is sent and {@linkplain #release
 * releases} it with the headers of its answer. A reservation is refused, without sending, when the last
 * known {@code remaining} minus the requests in flight would dip into the reserve; so any number of
 * concurrent threads together never overshoot. Until the first answer tells the budget, one request at
 * a time probes it. When the window's reset time has passed, the old numbers no longer bind. A server
 * that sends no rate-limit headers at all (GitHub Enterprise with limits off) is not limited.
 * Answers may arrive out of order, so within one window the lowest {@code remaining} seen wins.
 * Thread-safe.
 */
public final class RequestBudget {

  /**
   * GitHub's primary window: a reset further ahead than this (plus {@link #CLOCK_SKEW}) is not one GitHub
   * gives, so a refusal on it is {@linkplain #resetImplausible() checked} before it is believed.
   */
  public static final Duration WINDOW = Duration.ofHours(1);
  /** How far the server's clock may run ahead of ours before a reset counts as implausible. */
  public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  /** How long a thread waits for the probe's answer before probing itself. */
  private static final long PROBE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final String credential;
  private final int reserve;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition probeAnswered = lock.newCondition();

  private boolean headerless;
  private RateLimitStatus last;
  private int inFlight;

  /**
   * @param credential the credential's non-secret label
   * @param reserve requests never spent, at least 0
   * @param clock the wall clock the reset time is compared with
   */
  public RequestBudget(String credential, int reserve, Clock clock) {
    this.credential = Objects.requireNonNull(credential, "null credential");
    if (reserve < 0) {
      throw new IllegalArgumentException("reserve cannot be negative: " + reserve);
    }
    this.reserve = reserve;
    this.clock = Objects.requireNonNull(clock, "null clock");
  }

  /**
   * Reserves one request.
   *
   * @throws RateLimitExceededException (status 0: nothing was sent) if the request would dip into the
   *     reserve before the window resets
   * @throws InterruptedException if interrupted while waiting for the first answer
   */
  public void acquire() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      long probeDeadline = System.nanoTime() + PROBE_WAIT_NANOS;
      while (last == null && !headerless && inFlight > 0) {
        long left = probeDeadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        probeAnswered.awaitNanos(left);
      }
      if (last != null && clock.instant().isBefore(last.resetAt())
          && last.remaining() - inFlight - 1 < reserve) {
        throw new RateLimitExceededException("rate limit of " + credential + " is down to its reserve ("
            + last.remaining() + " remaining, " + inFlight + " in flight, reserve " + reserve
            + ") until " + last.resetAt() + "; request not sent", 0, last.resetAt());
      }
      inFlight++;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns a reservation, with what the answer said about the budget.
   *
   * @param observed the answer's rate-limit values, or null if it had none or there was no answer
   * @param answered whether an HTTP answer arrived (false for a connection failure or timeout)
   */
  public void release(RateLimitStatus observed, boolean answered) {
    lock.lock();
    try {
      inFlight = Math.max(0, inFlight - 1);
      if (observed != null) {
        if (observed.supersedes(last)) {
          last = observed;
        }
      } else if (answered) {
        headerless = true;
      }
      probeAnswered.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes in a status observed elsewhere (by another monitor of a fleet sharing the credential) under
   * the same rule as an answer's: a later reset replaces the known status, and within one window the
   * lower {@code remaining} wins. Requests in flight are not touched.
   */
  public void observe(RateLimitStatus observed) {
    Objects.requireNonNull(observed, "null observed");
    lock.lock();
    try {
      if (observed.supersedes(last)) {
        last = observed;
        probeAnswered.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Requests that could still be sent before dipping into the reserve: the last known {@code remaining}
   * minus the reserve and the requests in flight; {@link Integer#MAX_VALUE} minus the requests in flight
   * while the budget is unknown, its window has reset, or the server sends no rate-limit headers.
   */
  public int available() {
    lock.lock();
    try {
      if (last == null || headerless || !clock.instant().isBefore(last.resetAt())) {
        return Integer.MAX_VALUE - inFlight;
      }
      return last.remaining() - reserve - inFlight;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether the known budget is exhausted until a reset further ahead than {@link #WINDOW}: an answer
   * that said so (a reset in the year 2100) came from something other than GitHub's limiter, and must not
   * stop every request until then. The client then asks the free {@code GET /rate_limit}.
   */
  public boolean resetImplausible() {
    lock.lock();
    try {
      return last != null && last.resetAt().isAfter(clock.instant().plus(WINDOW).plus(CLOCK_SKEW));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Replaces the known status by an authoritative one (the answer of {@code GET /rate_limit}), even if
   * its reset is earlier than the one known.
   */
  public void replace(RateLimitStatus status) {
    Objects.requireNonNull(status, "null status");
    lock.lock();
    try {
      last = status;
      probeAnswered.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The last status seen, if any. */
  public Optional<RateLimitStatus> status() {
    lock.lock();
    try {
      return Optional.ofNullable(last);
    } finally {
      lock.unlock();
    }
  }

  /** When the budget is expected back: the last reset seen, or now if none. */
  public Instant resetAt() {
    lock.lock();
    try {
      return last != null ? last.resetAt() : clock.instant();
    } finally {
      lock.unlock();
    }
  }
}
