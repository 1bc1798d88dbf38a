package io.prmonitor.simulator;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes REST responses: GitHub's headers, the gzip body (precompressed, cached, spliced or compressed now), the
 * configured latency and stalls, the faults that damage a body, and the stats of what was sent. Thread-safe.
 */
final class ResponseWriter {

  private static final int WRITE_CHUNK = 256 * 1024;

  private final GitHubSimulator.Settings settings;
  private final RateLimits rateLimits;
  private final Faults faults;
  private final PageCache cache;
  private final RequestStats stats;
  private final SinkPool sinks;
  private final GzipEncoder gzip;
  private final CountDownLatch closed;
  private final SplittableRandom jitter;
  private final AtomicLong requestIds = new AtomicLong(0x1A2B_0000_0000L);

  ResponseWriter(GitHubSimulator.Settings settings, RateLimits rateLimits, Faults faults, PageCache cache,
      RequestStats stats, SinkPool sinks, GzipEncoder gzip, CountDownLatch closed) {
    this.settings = settings;
    this.rateLimits = rateLimits;
    this.faults = faults;
    this.cache = cache;
    this.stats = stats;
    this.sinks = sinks;
    this.gzip = gzip;
    this.closed = closed;
    this.jitter = new SplittableRandom(settings.seed() ^ 0x5DEECE66DL);
  }

  /**
   * Sends {@code reply} with GitHub's headers (and the token's rate-limit headers when {@code rateHeaders}),
   * gzipped when the client takes it, after the latency and any stall, damaged as {@code fault} says.
   *
   * @return the status sent, or 0 when the connection was dropped instead
   */
  int send(ApiRequest request, Reply reply, Fault fault, boolean rateHeaders) throws IOException {
    HttpExchange exchange = request.exchange();
    Headers h = exchange.getResponseHeaders();
    h.set("Content-Type", reply.contentType);
    h.set("X-GitHub-Media-Type", "github.v3; format=json");
    h.set("X-GitHub-Api-Version-Selected", "2022-11-28");
    h.set("X-GitHub-Request-Id", requestId());
    h.set("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP, Accept-Encoding");
    h.set("Cache-Control", "private, max-age=60, s-maxage=60");
    if (rateHeaders) {
      RateLimits.Snapshot s = rateLimits.snapshot(request.token() == null ? "" : request.token());
      h.set("X-RateLimit-Limit", Integer.toString(s.limit()));
      h.set("X-RateLimit-Remaining", Integer.toString(s.remaining()));
      h.set("X-RateLimit-Used", Integer.toString(s.used()));
      h.set("X-RateLimit-Reset", Long.toString(s.resetEpochSeconds()));
      h.set("X-RateLimit-Resource", "core");
    }
    if (reply.etag != null) {
      h.set("ETag", reply.etag);
    }
    if (reply.link != null) {
      h.set("Link", reply.link);
    }
    if (reply.location != null) {
      h.set("Location", reply.location);
    }
    if (reply.retryAfter != null) {
      h.set("Retry-After", reply.retryAfter);
    }
    if (reply.precompressed != null && fault == Fault.MALFORMED_JSON) {
      // a fault that damages the JSON needs the JSON: inflate the page again (rare, so its cost is moot)
      reply.body = reply.precompressed.inflate();
      reply.precompressed = null;
    }
    byte[] plain = reply.body == null ? new byte[0] : reply.body;
    int plainLength = reply.length;
    if (fault == Fault.MALFORMED_JSON && plainLength > 0) {
      plain = Reply.malformed(Arrays.copyOf(plain, plainLength));
      plainLength = plain.length;
    }
    byte[] wire = plain;
    int wireLength = plainLength;
    ByteSink gzipSink = null;
    try {
      if (plainLength > 0 && request.acceptsGzip()) {
        if (reply.precompressed != null) {
          wire = reply.precompressed.gzip();
          wireLength = wire.length;
        } else if (reply.cached != null && plain == reply.cached.plain) {
          boolean fresh = reply.cached.gzip == null;
          wire = reply.cached.gzip(settings.gzipMode());
          if (fresh) {
            cache.grew(reply.cacheKey, reply.cached);
          }
          wireLength = wire.length;
        } else if (reply.gzipSink != null && reply.sink != null && plain == reply.sink.array()) {
          wire = reply.gzipSink.array();
          wireLength = reply.gzipSink.size();
        } else {
          gzipSink = sinks.acquire();
          gzip.write(plain, plainLength, reply.sink != null && plain == reply.sink.array() ? reply.sink : null,
              gzipSink);
          wire = gzipSink.array();
          wireLength = gzipSink.size();
        }
        h.set("Content-Encoding", "gzip");
      }
      if (!delay(plainLength, fault)) {
        // the simulator is closing: drop the connection rather than answer late
        return 0;
      }
      boolean head = request.method().equals("HEAD");
      if (reply.status == 304 || wireLength == 0 || head) {
        record(request, reply.status, 0);
        exchange.sendResponseHeaders(reply.status, -1);
        return reply.status;
      }
      if (fault == Fault.TRUNCATED_BODY) {
        int half = wireLength / 2;
        record(request, reply.status, half);
        exchange.sendResponseHeaders(reply.status, wireLength);
        OutputStream body = exchange.getResponseBody();
        body.write(wire, 0, half);
        body.flush();
        // closing a fixed-length stream early makes the server drop the connection: the client sees a short body
        return reply.status;
      }
      record(request, reply.status, wireLength);
      exchange.sendResponseHeaders(reply.status, wireLength);
      OutputStream body = exchange.getResponseBody();
      // moderate writes keep the NIO layer's temporary direct buffers small and reusable
      for (int off = 0; off < wireLength; off += WRITE_CHUNK) {
        body.write(wire, off, Math.min(WRITE_CHUNK, wireLength - off));
      }
      return reply.status;
    } finally {
      if (gzipSink != null) {
        sinks.release(gzipSink);
      }
    }
  }

  /**
   * Records the outcome before the response leaves, so a client that has its answer sees it in the stats.
   */
  private void record(ApiRequest request, int status, long bytes) {
    stats.sent(bytes);
    if (!request.recorded()[0]) {
      request.recorded()[0] = true;
      stats.finished(request.template(), status);
    }
  }

  /** Waits out latency and stalls; false when the simulator closed meanwhile. */
  private boolean delay(int bytes, Fault fault) {
    long nanos = 0;
    Latency latency = settings.latency();
    if (!latency.isNone()) {
      double fraction;
      synchronized (jitter) {
        fraction = jitter.nextDouble();
      }
      nanos = latency.nanosFor(bytes, fraction);
    }
    if (fault == Fault.STALL) {
      nanos += faults.stallDuration().toNanos();
    }
    if (nanos > 0) {
      try {
        // wakes early when the simulator closes, so stalled requests do not hold up shutdown
        return !closed.await(nanos, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** A fresh request id in the shape of GitHub ones. */
  String requestId() {
    // GitHub's shape (XXXX:XXXXXXXX); a counter, because a random UUID costs a SecureRandom call per request
    long n = requestIds.incrementAndGet();
    return String.format("%04X:%08X", (n >>> 32) & 0xFFFF, n & 0xFFFFFFFFL);
  }
}
