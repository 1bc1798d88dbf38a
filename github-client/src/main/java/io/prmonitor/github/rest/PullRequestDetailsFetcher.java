package io.prmonitor.github.rest;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.prmonitor.github.PullRequestDetails;
import io.prmonitor.github.http.Answer;
import io.prmonitor.github.http.Call;
import io.prmonitor.github.http.RequestExecutor;
import io.prmonitor.github.json.GitHubJson;
import io.prmonitor.github.json.PullRequestDetailsReader;
import io.prmonitor.github.ratelimit.Ticker;
import io.prmonitor.spi.GitHubClientListener;
import io.prmonitor.spi.GitHubClientSettings;
import io.prmonitor.spi.GitHubException;
import io.prmonitor.spi.RepositoryId;
import java.net.URI;
import java.util.Optional;

/**
 * Fetches the full form of one pull request with a conditional GET: with
 * {@link GitHubClientSettings#enableCaching()}, the details are kept for {@link GitHubClientSettings#cacheTtl()}
 * (at most a given number of entries) with their entity tag, which is sent as {@code If-None-Match}; a
 * {@code 304} (free) returns the cached details. Each lookup is reported to
 * {@link GitHubClientListener#onCacheLookup}. Thread-safe.
 */
public final class PullRequestDetailsFetcher {

  private final RequestExecutor executor;
  private final String base;
  private final GitHubClientListener listener;
  private final PullRequestDetailsReader reader;
  private final Cache<Key, Cached> cache;

  /**
   * @param cacheSize the most entries the cache keeps
   */
  public PullRequestDetailsFetcher(RequestExecutor executor, String base, GitHubClientSettings settings,
      GitHubJson json, long cacheSize, Ticker ticker) {
    this.executor = executor;
    this.base = base;
    this.listener = settings.listener();
    this.reader = new PullRequestDetailsReader(json);
    // A plain (synchronous) Caffeine cache: no loader runs inside it, because every lookup must revalidate
    // with a conditional request made outside the cache, so no virtual thread is ever pinned on I/O within a
    // cache operation.
    this.cache = settings.enableCaching()
        ? Caffeine.newBuilder()
            .maximumSize(cacheSize)
            .expireAfterWrite(settings.cacheTtl())
            .ticker(ticker::nanoTime)
            .build()
        : null;
  }

  /** The details; empty if the repository or pull request does not exist (404). */
  public Optional<PullRequestDetails> fetch(RepositoryId repository, int number) {
    Key key = new Key(repository, number);
    Cached cached = null;
    if (cache != null) {
      cached = cache.getIfPresent(key);
      listener.onCacheLookup(cached != null);
    }
    URI uri = URI.create(base + "/repos/" + repository.owner() + "/" + repository.name() + "/pulls/" + number);
    Answer<PullRequestDetails> answer = executor.execute(
        new Call(RestEnricher.PULL_ENDPOINT, uri, cached == null ? null : cached.etag(), repository, true),
        reader::read);
    if (answer.status() == 404) {
      if (cache != null) {
        cache.invalidate(key);
      }
      return Optional.empty();
    }
    if (answer.status() == 304 && cached != null) {
      return Optional.of(cached.details());
    }
    if (answer.value() == null) {
      throw new GitHubException("GET " + RestEnricher.PULL_ENDPOINT + " answered 304 to an unconditional request",
          304);
    }
    String etag = answer.etag();
    if (cache != null && etag != null) {
      cache.put(key, new Cached(etag, answer.value()));
    }
    return Optional.of(answer.value());
  }

  private record Key(RepositoryId repository, int number) {
  }

  private record Cached(String etag, PullRequestDetails details) {
  }
}
