package io.prmonitor.spi.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A UTC clock that tests move by hand, so that rate-limit windows, lease expiry, token expiry and repository
 * intervals pass without sleeping. It is a base clock plus an offset the test controls:
 *
 * <ul>
 *   <li>{@link #MutableClock(Instant)} stands still at a fixed instant until {@link #advance advanced} &mdash; the
 *       choice for unit tests, whose every time reading is then predictable;
 *   <li>{@link #followingSystemClock()} ticks with the system clock &mdash; the choice where real sockets, real
 *       databases or other processes read the real time too, and the test only needs to jump ahead of it (past a
 *       rate-limit reset, past a lease).
 * </ul>
 *
 * <p>Share one instance between the simulator and the code under test, so that both see the same time. Thread-safe:
 * the offset is one atomic value, and a reading never sees half of a move.
 */
public final class MutableClock extends Clock {

  private final Clock base;
  private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

  /**
   * A clock that stands at {@code start} until moved.
   *
   * @param start the first reading; not null
   */
  public MutableClock(Instant start) {
    this(Clock.fixed(Objects.requireNonNull(start, "null start"), ZoneOffset.UTC));
  }

  private MutableClock(Clock base) {
    this.base = base;
  }

  /** A clock that reads the system UTC clock plus an offset (zero at first) the test moves. */
  public static MutableClock followingSystemClock() {
    return new MutableClock(Clock.systemUTC());
  }

  /**
   * Moves the clock forward (or back, for a negative amount) by {@code amount}, on top of earlier moves.
   *
   * @param amount how far to move; not null
   */
  public void advance(Duration amount) {
    Objects.requireNonNull(amount, "null amount");
    offset.accumulateAndGet(amount, Duration::plus);
  }

  /**
   * Sets how far this clock runs ahead of its base (its start, or the system clock), replacing earlier moves.
   *
   * @param offset the new distance from the base; not null, may be negative
   */
  public void setOffset(Duration offset) {
    this.offset.set(Objects.requireNonNull(offset, "null offset"));
  }

  /** Always UTC. */
  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /**
   * Returns this clock for UTC; any other zone is refused, since a copy would stop following this clock's moves.
   *
   * @throws UnsupportedOperationException for a zone other than UTC
   */
  @Override
  public Clock withZone(ZoneId zone) {
    if (ZoneOffset.UTC.equals(zone)) {
      return this;
    }
    throw new UnsupportedOperationException("a mutable clock stays in UTC, asked for " + zone);
  }

  @Override
  public Instant instant() {
    return base.instant().plus(offset.get());
  }

  @Override
  public String toString() {
    return "MutableClock[" + instant() + ", offset " + offset.get() + "]";
  }
}
