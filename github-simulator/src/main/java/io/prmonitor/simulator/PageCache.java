package io.prmonitor.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * A bounded LRU cache of serialized response bodies keyed by their content ETag, so a page requested again
 * (by a retry, a second client or a load test) is copied instead of rebuilt; gzip forms are cached beside
 * them. Entries of a repository are dropped when it mutates. Thread-safe (one monitor; hits are O(1)).
 */
final class PageCache {

  /** A cached body; {@code gzip} is filled on first demand. */
  static final class Entry {
    final int repository;
    final byte[] plain;
    volatile byte[] gzip;
    /** The weight the cache counted for this entry, guarded by the cache's monitor. */
    long accounted;
    /** When the entry was last served ({@link System#nanoTime()}), guarded by the cache's monitor. */
    long lastAccess;

    Entry(int repository, byte[] plain) {
      this.repository = repository;
      this.plain = plain;
    }

    byte[] gzip(GzipMode mode) {
      byte[] g = gzip;
      if (g == null) {
        if (mode == GzipMode.DEFLATE || mode == GzipMode.CACHED_DEFLATE) {
          g = PageCache.gzip(plain);
        } else {
          ByteSink sink = new ByteSink(plain.length + plain.length / 1000 + 64);
          SplicedGzip.writeStored(plain, plain.length, sink);
          g = sink.toByteArray();
        }
        gzip = g;
      }
      return g;
    }

    long weight() {
      byte[] g = gzip;
      return plain.length + (g == null ? 0 : g.length);
    }
  }

  /** Entries served within this long are not evicted to make room for new ones. */
  private static final long IDLE_NANOS = 10_000_000_000L;

  private final long maxBytes;
  private long bytes;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
  /**
   * ETags served once recently: a page is cached only when asked for a second time, so a cold pass (every
   * page once) costs no copies, while retries, repeated clients and benchmarks' second runs hit the cache.
   */
  private final LinkedHashMap<String, Boolean> seen = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > 8_192;
    }
  };

  PageCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  synchronized Entry get(String etag) {
    Entry entry = entries.get(etag);
    if (entry != null) {
      entry.lastAccess = System.nanoTime();
    }
    return entry;
  }

  /**
   * Whether a body with this ETag and size should be cached: it was built recently (this is the second
   * time) and fits, if need be after evicting entries idle for {@link #IDLE_NANOS}. Never evicting busy
   * entries keeps a pass over a world larger than the cache from thrashing it with copies.
   */
  synchronized boolean admit(String etag, int size) {
    if (maxBytes <= 0 || seen.put(etag, Boolean.TRUE) == null) {
      return false;
    }
    long now = System.nanoTime();
    for (Iterator<Entry> it = entries.values().iterator(); bytes + size > maxBytes && it.hasNext(); ) {
      Entry eldest = it.next();
      if (now - eldest.lastAccess < IDLE_NANOS) {
        break;
      }
      bytes -= eldest.accounted;
      it.remove();
    }
    return bytes + size <= maxBytes;
  }

  synchronized void put(String etag, Entry entry) {
    if (maxBytes <= 0 || entry.weight() > maxBytes / 2) {
      return;
    }
    Entry old = entries.put(etag, entry);
    if (old != null) {
      bytes -= old.accounted;
    }
    entry.accounted = entry.weight();
    entry.lastAccess = System.nanoTime();
    bytes += entry.accounted;
    evict();
  }

  /** Accounts for a gzip form added to an entry after it was cached. */
  synchronized void grew(String etag, Entry entry) {
    if (entries.get(etag) == entry) {
      long weight = entry.weight();
      bytes += weight - entry.accounted;
      entry.accounted = weight;
      evict();
    }
  }

  synchronized void invalidate(int repository) {
    for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (e.repository == repository) {
        bytes -= e.accounted;
        it.remove();
      }
    }
  }

  synchronized void clear() {
    entries.clear();
    seen.clear();
    bytes = 0;
  }

  private void evict() {
    for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); bytes > maxBytes && it.hasNext(); ) {
      bytes -= it.next().getValue().accounted;
      it.remove();
    }
  }

  static byte[] gzip(byte[] plain) {
    ByteSink sink = new ByteSink(Math.max(64, plain.length / 8));
    gzip(plain, plain.length, sink);
    return sink.toByteArray();
  }

  static void gzip(byte[] plain, int length, ByteSink sink) {
    java.io.OutputStream out = sink.asOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 64 * 1024) {
      {
        // speed over ratio: the payloads are repetitive enough that level 1 still shrinks them ~10x
        def.setLevel(Deflater.BEST_SPEED);
      }
    }) {
      gz.write(plain, 0, length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
