package io.prmonitor.github.rest;

import io.prmonitor.github.PullRequestDetails;
import io.prmonitor.github.http.Answer;
import io.prmonitor.github.http.Call;
import io.prmonitor.github.http.RequestExecutor;
import io.prmonitor.github.json.GitHubJson;
import io.prmonitor.github.json.PullRequestDetailsReader;
import io.prmonitor.spi.GitHubClientListener;
import io.prmonitor.spi.GitHubException;
import io.prmonitor.spi.RepositoryId;
import java.net.URI;
import java.util.Optional;

/**
 * Fetches the full form of one pull request with a GET that, when the {@link ResponseCache} holds it, is
 * conditional on the cached entity tag; a {@code 304} (free) returns the cached details. Each lookup is
 * reported to {@link GitHubClientListener#onCacheLookup}. Thread-safe.
 */
public final class PullRequestDetailsFetcher {

  private final RequestExecutor executor;
  private final String base;
  private final GitHubClientListener listener;
  private final PullRequestDetailsReader reader;
  private final ResponseCache cache;

  /** @param cache the response cache, or null with caching off */
  public PullRequestDetailsFetcher(RequestExecutor executor, String base, GitHubClientListener listener,
      GitHubJson json, ResponseCache cache) {
    this.executor = executor;
    this.base = base;
    this.listener = listener;
    this.reader = new PullRequestDetailsReader(json);
    this.cache = cache;
  }

  /** The details; empty if the repository or pull request does not exist (404). */
  public Optional<PullRequestDetails> fetch(RepositoryId repository, int number) {
    URI uri = URI.create(base + "/repos/" + repository.owner() + "/" + repository.name() + "/pulls/" + number);
    ResponseCache.Entry cached = null;
    if (cache != null) {
      cached = cache.get(uri).filter(entry -> entry.body() instanceof PullRequestDetails).orElse(null);
      listener.onCacheLookup(cached != null);
    }
    Answer<PullRequestDetails> answer = executor.execute(
        new Call(RestEnricher.PULL_ENDPOINT, uri, cached == null ? null : cached.etag(), repository, true),
        reader::read);
    if (answer.status() == 404) {
      if (cache != null) {
        cache.invalidate(uri);
      }
      return Optional.empty();
    }
    if (answer.status() == 304 && cached != null) {
      return Optional.of((PullRequestDetails) cached.body());
    }
    if (answer.value() == null) {
      throw new GitHubException("GET " + RestEnricher.PULL_ENDPOINT + " answered 304 to an unconditional request",
          304);
    }
    String etag = answer.etag();
    if (cache != null && etag != null) {
      cache.put(uri, etag, answer.value());
    }
    return Optional.of(answer.value());
  }
}
