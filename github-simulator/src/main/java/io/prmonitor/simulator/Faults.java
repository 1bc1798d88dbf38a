package io.prmonitor.simulator;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The faults the simulator inflicts on REST API requests: per-request probabilities drawn from a seeded
 * random sequence, and schedules that hit the next N requests. Control endpoints and {@code GET /rate_limit}
 * are never faulted. All methods are thread-safe; setters return {@code this} for chaining.
 *
 * <p>Probabilities are checked in a fixed order (secondary limit, reset, stall, 5xx, truncated, malformed,
 * content type, nesting) and
 * at most one fault hits a request. Defaults: every probability 0, stall duration 30 s.
 */
public final class Faults {

  /** Default time a stalled response is held back: longer than any sane client timeout. */
  public static final Duration DEFAULT_STALL = Duration.ofSeconds(30);

  private final Map<Fault, Double> rates = new EnumMap<>(Fault.class);
  private final Deque<Fault> scheduled = new ArrayDeque<>();
  private SplittableRandom random;
  private final long seed;
  private Duration stallDuration = DEFAULT_STALL;

  Faults(long seed) {
    this.seed = seed;
    this.random = new SplittableRandom(seed);
  }

  /** Probability of a 500, 502 or 503 (equally likely) per request. */
  public Faults serverErrorRate(double p) {
    double third = check(p, "serverErrorRate") / 3;
    synchronized (this) {
      rates.put(Fault.SERVER_ERROR, third);
      rates.put(Fault.BAD_GATEWAY, third);
      rates.put(Fault.SERVICE_UNAVAILABLE, third);
    }
    return this;
  }

  /** Probability of a connection closed without a response. */
  public Faults connectionResetRate(double p) {
    return rate(Fault.CONNECTION_RESET, p);
  }

  /** Probability of a body cut short of its {@code Content-Length}. */
  public Faults truncatedBodyRate(double p) {
    return rate(Fault.TRUNCATED_BODY, p);
  }

  /** Probability of a syntactically broken JSON body. */
  public Faults malformedJsonRate(double p) {
    return rate(Fault.MALFORMED_JSON, p);
  }

  /** Probability of a response held back for {@link #stallDuration()}. */
  public Faults stallRate(double p) {
    return rate(Fault.STALL, p);
  }

  /** Probability of a {@code 403} secondary rate limit. */
  public Faults secondaryLimitRate(double p) {
    return rate(Fault.SECONDARY_LIMIT, p);
  }

  /** Probability of one fault kind per request. */
  public Faults rate(Fault fault, double p) {
    Objects.requireNonNull(fault, "null fault");
    double checked = check(p, fault.name());
    synchronized (this) {
      rates.put(fault, checked);
    }
    return this;
  }

  /** The next {@code requests} API requests answer with a secondary rate limit, as GitHub does in bursts. */
  public Faults secondaryLimitBurst(int requests) {
    return failNext(Fault.SECONDARY_LIMIT, requests);
  }

  /** Schedules {@code fault} for the next {@code requests} API requests, after anything already scheduled. */
  public Faults failNext(Fault fault, int requests) {
    Objects.requireNonNull(fault, "null fault");
    if (requests < 0) {
      throw new IllegalArgumentException("requests cannot be negative: " + requests);
    }
    synchronized (this) {
      for (int i = 0; i < requests; i++) {
        scheduled.addLast(fault);
      }
    }
    return this;
  }

  /** How long a stalled response is held back; default {@link #DEFAULT_STALL}. */
  public Faults stallDuration(Duration duration) {
    Objects.requireNonNull(duration, "null duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("stallDuration cannot be negative: " + duration);
    }
    synchronized (this) {
      stallDuration = duration;
    }
    return this;
  }

  /** How long a stalled response is held back. */
  public synchronized Duration stallDuration() {
    return stallDuration;
  }

  /** Removes every probability and schedule and restarts the random sequence from the seed. */
  public synchronized Faults clear() {
    rates.clear();
    scheduled.clear();
    random = new SplittableRandom(seed);
    stallDuration = DEFAULT_STALL;
    return this;
  }

  /** Picks the fault for the next request, or null for none. */
  synchronized Fault next() {
    Fault fault = scheduled.pollFirst();
    if (fault != null) {
      return fault;
    }
    if (rates.isEmpty()) {
      return null;
    }
    double roll = random.nextDouble();
    double cumulative = 0;
    for (Fault candidate : new Fault[] {Fault.SECONDARY_LIMIT, Fault.CONNECTION_RESET, Fault.STALL,
        Fault.SERVER_ERROR, Fault.BAD_GATEWAY, Fault.SERVICE_UNAVAILABLE, Fault.TRUNCATED_BODY,
        Fault.MALFORMED_JSON, Fault.UNEXPECTED_CONTENT_TYPE, Fault.DEEPLY_NESTED_JSON}) {
      cumulative += rates.getOrDefault(candidate, 0.0);
      if (roll < cumulative) {
        return candidate;
      }
    }
    return null;
  }

  private static double check(double p, String what) {
    if (!(p >= 0.0 && p <= 1.0)) {
      throw new IllegalArgumentException(what + " must be a probability in [0, 1]: " + p);
    }
    return p;
  }

  @Override
  public synchronized String toString() {
    return "Faults" + rates + (scheduled.isEmpty() ? "" : " scheduled=" + scheduled.size());
  }
}
