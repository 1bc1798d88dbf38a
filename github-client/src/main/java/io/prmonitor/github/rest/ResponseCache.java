package io.prmonitor.github.rest;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.prmonitor.github.ratelimit.Ticker;
import io.prmonitor.spi.GitHubClientSettings;
import java.net.URI;
import java.util.Optional;

/**
 * The per-pull-request response cache: by URL, the entity tag and parsed body of the last {@code 200}, kept
 * for {@link GitHubClientSettings#cacheTtl()} after it was written and at most a given number of entries
 * (least recently used go first). A request for a cached URL is sent conditional on the entry's tag, and a
 * {@code 304} (free) is answered with the entry's body.
 *
 * <p>A Caffeine cache, already the client's dependency: bounded by size and age with an injectable ticker.
 * It is a plain (synchronous) cache with no loader: every lookup must revalidate with a conditional request
 * made outside the cache, so no virtual thread is ever pinned on I/O within a cache operation. Thread-safe.
 */
public final class ResponseCache {

  /** A cached answer: its entity tag and parsed body. */
  public record Entry(String etag, Object body) {
  }

  private final Cache<URI, Entry> entries;

  /**
   * @param maximumSize the most entries kept
   * @param ticker the time source of the entries' age
   */
  public ResponseCache(GitHubClientSettings settings, long maximumSize, Ticker ticker) {
    this.entries = Caffeine.newBuilder()
        .maximumSize(maximumSize)
        .expireAfterWrite(settings.cacheTtl())
        .ticker(ticker::nanoTime)
        .build();
  }

  /** The entry of {@code uri} younger than the time to live, if any. */
  public Optional<Entry> get(URI uri) {
    return Optional.ofNullable(entries.getIfPresent(uri));
  }

  /** Keeps the answer to {@code uri}. */
  public void put(URI uri, String etag, Object body) {
    entries.put(uri, new Entry(etag, body));
  }

  /** Forgets {@code uri} (its resource is gone). */
  public void invalidate(URI uri) {
    entries.invalidate(uri);
  }
}
