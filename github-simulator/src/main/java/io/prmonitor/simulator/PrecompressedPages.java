package io.prmonitor.simulator;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * Whole-page gzip bodies ({@link GzipMode#CACHED_DEFLATE}): each one gzip member holding a single level-1
 * deflate stream of the page's JSON, as GitHub's frontends send, compressed at start-up and keyed by the
 * page's ETag ({@link PullPage#etag}). The ETag names the page's content, so an entry stays correct for as
 * long as a request computes its key: once a mutation changes a page, its new ETag is not here and the page
 * is served the spliced way; entries whose ETag no request can compute any more stay until the simulator
 * closes (their bytes count against the bound).
 *
 * <p>Bounded by the summed size of the gzip bodies: {@link #offer} refuses a page that would pass the bound,
 * and from then on {@link #full()} tells the producer to stop compressing. Thread-safe.
 */
final class PrecompressedPages {

  /** A page's gzip body and the length of the JSON it inflates to (latency is charged on the JSON). */
  record Page(byte[] gzip, int plainLength) {

    /** The JSON, inflated again (for the rare fault that must damage it). */
    byte[] inflate() {
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip), 16 * 1024)) {
        return in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException("a precompressed page does not inflate", e);
      }
    }
  }

  private final long maxBytes;
  private final Map<String, Page> pages = new ConcurrentHashMap<>();
  private final AtomicLong bytes = new AtomicLong();
  private volatile boolean full;

  /** Holds up to {@code maxBytes} of gzip bodies; 0 holds nothing. */
  PrecompressedPages(long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes cannot be negative: " + maxBytes);
    }
    this.maxBytes = maxBytes;
    this.full = maxBytes == 0;
  }

  /** The page with this ETag, or null. */
  Page get(String etag) {
    return pages.get(etag);
  }

  /**
   * Keeps a page's gzip body unless it would pass the bound; returns whether it was kept. A refused page
   * marks the store {@link #full()}.
   */
  boolean offer(String etag, byte[] gzip, int plainLength) {
    if (bytes.addAndGet(gzip.length) > maxBytes) {
      bytes.addAndGet(-gzip.length);
      full = true;
      return false;
    }
    if (pages.putIfAbsent(etag, new Page(gzip, plainLength)) != null) {
      bytes.addAndGet(-gzip.length);
    }
    return true;
  }

  /** Whether a page was refused for the bound: compressing more is wasted work. */
  boolean full() {
    return full;
  }

  /** Pages held. */
  int size() {
    return pages.size();
  }

  /** Summed gzip bytes held. */
  long bytes() {
    return bytes.get();
  }
}
