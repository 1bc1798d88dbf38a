package io.prmonitor.github.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A fake {@link Ticker} and {@link Sleeper}: sleeping advances the ticker at once and is recorded. */
public final class FakeTime implements Ticker, Sleeper {

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  @Override
  public void sleep(Duration duration) {
    sleeps.add(duration);
    if (duration.toNanos() > 0) {
      nanos.addAndGet(duration.toNanos());
    }
  }

  public void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }

  public List<Duration> sleeps() {
    return List.copyOf(sleeps);
  }

  public Duration slept() {
    return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
  }
}
