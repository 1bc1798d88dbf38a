package io.prmonitor.simulator;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The live counters behind {@link SimulatorStats}. Thread-safe. */
final class RequestStats {

  private final LongAdder requests = new LongAdder();
  private final LongAdder notModified = new LongAdder();
  private final LongAdder charged = new LongAdder();
  private final LongAdder secondaryLimited = new LongAdder();
  private final LongAdder primaryLimited = new LongAdder();
  private final LongAdder bytesSent = new LongAdder();
  private final LongAdder serverNanos = new LongAdder();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();
  private final Map<String, LongAdder> byEndpoint = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> byUrl = new ConcurrentHashMap<>();

  void started(String methodPathQuery) {
    requests.increment();
    int now = inFlight.incrementAndGet();
    peak.accumulateAndGet(now, Math::max);
    byUrl.computeIfAbsent(methodPathQuery, k -> new LongAdder()).increment();
  }

  void finished(String methodAndTemplate, int status) {
    inFlight.decrementAndGet();
    byEndpoint.computeIfAbsent(methodAndTemplate + " " + status, k -> new LongAdder()).increment();
  }

  void notModified() {
    notModified.increment();
  }

  void charged() {
    charged.increment();
  }

  void secondaryLimited() {
    secondaryLimited.increment();
  }

  void primaryLimited() {
    primaryLimited.increment();
  }

  void serverTime(long nanos) {
    serverNanos.add(nanos);
  }

  void sent(long bytes) {
    bytesSent.add(bytes);
  }

  SimulatorStats snapshot() {
    Map<String, Long> endpoints = new HashMap<>();
    byEndpoint.forEach((k, v) -> endpoints.put(k, v.sum()));
    long maxPerUrl = byUrl.values().stream().mapToLong(LongAdder::sum).max().orElse(0);
    return new SimulatorStats(requests.sum(), notModified.sum(), charged.sum(), secondaryLimited.sum(),
        primaryLimited.sum(), bytesSent.sum(), serverNanos.sum() / 1_000_000, peak.get(), endpoints, maxPerUrl);
  }

  void reset() {
    requests.reset();
    notModified.reset();
    charged.reset();
    secondaryLimited.reset();
    primaryLimited.reset();
    bytesSent.reset();
    serverNanos.reset();
    peak.set(inFlight.get());
    byEndpoint.clear();
    byUrl.clear();
  }
}
