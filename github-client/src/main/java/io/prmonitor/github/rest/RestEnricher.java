package io.prmonitor.github.rest;

import io.prmonitor.github.PullRequestDetails;
import io.prmonitor.github.http.Answer;
import io.prmonitor.github.http.BodyReader;
import io.prmonitor.github.http.Call;
import io.prmonitor.github.http.RequestExecutor;
import io.prmonitor.github.json.GitHubJson;
import io.prmonitor.github.json.PullRequestDetailsReader;
import io.prmonitor.spi.ChecksState;
import io.prmonitor.spi.EnrichmentTarget;
import io.prmonitor.spi.GitHubClientListener;
import io.prmonitor.spi.GitHubClientSettings;
import io.prmonitor.spi.GitHubException;
import io.prmonitor.spi.Mergeability;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.RateLimitExceededException;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.ReviewDecision;
import io.prmonitor.spi.ReviewState;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Enrichment through REST, per pull request: {@code GET /pulls/{n}} (mergeability, comments) and, unless only
 * CI is asked for, {@code /pulls/{n}/reviews}, then {@code /commits/{sha}/check-runs} and
 * {@code /commits/{sha}/status}; what the REST budget cannot pay above the caller's reserve is deferred.
 *
 * <p>At most {@link GitHubClientSettings#maxConcurrentPrsPerRepo()} pull requests of the repository are read
 * at once, each on a virtual thread (under the client's cap on requests in flight); before one starts, the
 * budget must hold its four requests above the reserve besides those the pull requests in flight may still
 * send, so reading concurrently spends no more of the budget than reading one at a time.
 *
 * <p>Each GET is conditional: on the entity tag of the {@link ResponseCache} entry (whose body answers a
 * {@code 304}), else on the tag kept with the stored enrichment (whose values answer it), so an unchanged pull
 * request costs free {@code 304}s, after a restart too. {@link GitHubClientSettings#enableCaching()} and
 * {@link GitHubClientSettings#cacheTtl()} govern only the in-memory cache: without it the stored tags are still
 * sent, and a pull request read without one (nothing stored yet) is charged. Every lookup of the cache is
 * reported to {@link GitHubClientListener#onCacheLookup} (hit: answered {@code 304}; miss: nothing cached, or
 * it changed); without the cache there are none. Thread-safe.
 */
public final class RestEnricher {

  public static final String PULL_ENDPOINT = "/repos/{owner}/{repo}/pulls/{number}";
  static final String REVIEWS_ENDPOINT = "/repos/{owner}/{repo}/pulls/{number}/reviews";
  static final String CHECK_RUNS_ENDPOINT = "/repos/{owner}/{repo}/commits/{ref}/check-runs";
  static final String STATUS_ENDPOINT = "/repos/{owner}/{repo}/commits/{ref}/status";
  /** The most requests one pull request takes. */
  private static final int REQUESTS_PER_PR = 4;

  private final RequestExecutor executor;
  private final String base;
  private final GitHubClientListener listener;
  private final int maxConcurrentPrs;
  private final ResponseCache cache;
  private final BodyReader<PullRequestDetails> detailsReader;
  private final RestEnrichment reader;

  /**
   * @param cache the response cache; null turns it off (the entity tags kept with the stored enrichments are
   *     still sent)
   */
  public RestEnricher(RequestExecutor executor, String base, GitHubClientSettings settings, GitHubJson json,
      ResponseCache cache) {
    this.executor = executor;
    this.base = base;
    this.listener = settings.listener();
    this.maxConcurrentPrs = settings.maxConcurrentPrsPerRepo();
    this.cache = cache;
    this.detailsReader = new PullRequestDetailsReader(json)::read;
    this.reader = new RestEnrichment(json);
  }

  /**
   * What the requests of one pull request cost, and what it read. Written by its worker only; read by the
   * caller after the worker ended.
   */
  private static final class Counts {
    /** The requests the pull requests in flight may still send, shared by the call's workers. */
    final AtomicInteger reserved;
    int requests;
    int notModified;
    PullRequestEnrichment read;
    boolean done;

    Counts(AtomicInteger reserved) {
      this.reserved = reserved;
      reserved.addAndGet(REQUESTS_PER_PR);
    }

    void sent(int more) {
      int before = requests;
      requests += more;
      reserved.addAndGet(-(Math.min(REQUESTS_PER_PR, requests) - Math.min(REQUESTS_PER_PR, before)));
    }

    void ended() {
      reserved.addAndGet(-(REQUESTS_PER_PR - Math.min(REQUESTS_PER_PR, requests)));
    }
  }

  /** Reads {@code targets} into {@code tally}, deferring what the budget cannot pay. */
  public void enrich(RepositoryId repository, List<EnrichmentTarget> targets, EnrichmentTally tally) {
    int n = targets.size();
    Counts[] counts = new Counts[n];
    Semaphore slots = new Semaphore(maxConcurrentPrs);
    AtomicInteger reserved = new AtomicInteger();
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    int started = 0;
    String budgetReason = null;
    try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (; started < n; started++) {
        slots.acquire();
        if (failure.get() != null) {
          slots.release();
          break;
        }
        int available = executor.availableBudget() - reserved.get();
        // a pull request takes up to four requests; what the list synchronization needs stays unspent
        if (available < tally.restReserve + REQUESTS_PER_PR) {
          slots.release();
          budgetReason = "REST budget: " + Math.max(0, available) + " requests left above the reserve, "
              + tally.restReserve + " kept for the list synchronization";
          break;
        }
        Counts own = counts[started] = new Counts(reserved);
        EnrichmentTarget target = targets.get(started);
        workers.submit(() -> {
          try {
            own.read = enrichOne(repository, target, own);
            own.done = true;
          } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
          } finally {
            own.ended();
            slots.release();
          }
        });
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GitHubException("interrupted during the REST enrichment of " + repository, 0, e);
    }
    List<EnrichmentTarget> deferred = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Counts own = counts[i];
      if (own != null) {
        tally.requests += own.requests;
        tally.notModified += own.notModified;
        if (own.read != null) {
          tally.read(List.of(own.read));
        }
      }
      if (own == null || !own.done) {
        deferred.add(targets.get(i));
      }
    }
    RuntimeException failed = failure.get();
    if (failed instanceof RateLimitExceededException refusal) {
      tally.deferRateLimited(deferred, refusal);
    } else if (failed != null) {
      throw failed;
    } else {
      tally.defer(deferred, budgetReason);
    }
  }

  private PullRequestEnrichment enrichOne(RepositoryId repository, EnrichmentTarget target, Counts counts) {
    PullRequestEnrichment stored = target.stored();
    RestEnrichment.Tags tags = RestEnrichment.Tags.parse(stored == null ? null : stored.etags());
    Map<String, String> etags = new LinkedHashMap<>(tags.etags());
    Map<String, ChecksState> partial = new LinkedHashMap<>(tags.partial());
    String prefix = base + "/repos/" + repository.owner() + "/" + repository.name();

    Read<PullRequestDetails> pull = get(PULL_ENDPOINT, URI.create(prefix + "/pulls/" + target.number()),
        repository, stored == null ? null : etags.get("pull"), detailsReader, counts);
    if (pull.status() == 404) {
      return null;
    }
    Mergeability mergeable;
    int comments;
    if (pull.body() == null) {
      mergeable = stored.mergeable();
      comments = stored.comments();
    } else {
      Boolean flag = pull.body().mergeable();
      mergeable = flag == null ? Mergeability.UNKNOWN : flag ? Mergeability.MERGEABLE : Mergeability.CONFLICTING;
      comments = pull.body().comments() + pull.body().reviewComments();
      etags.put("pull", pull.etag());
    }

    ReviewDecision decision;
    Map<String, ReviewState> latest;
    if (target.checksOnly()) {
      decision = stored.reviewDecision();
      latest = stored.latestReviews();
    } else {
      Read<List<RestEnrichment.Review>> reviews = get(REVIEWS_ENDPOINT, URI.create(prefix + "/pulls/"
          + target.number() + "/reviews?per_page=100"), repository, stored == null ? null : etags.get("reviews"),
          reader::reviews, counts);
      if (reviews.status() == 404) {
        return null;
      }
      if (reviews.body() == null) {
        decision = stored.reviewDecision();
        latest = stored.latestReviews();
      } else {
        decision = RestEnrichment.decision(reviews.body());
        latest = RestEnrichment.latest(reviews.body());
        etags.put("reviews", reviews.etag());
      }
    }

    ChecksState checks = ChecksState.NONE;
    for (String part : new String[] {"runs", "status"}) {
      boolean runs = part.equals("runs");
      String suffix = runs ? "/check-runs?per_page=100" : "/status";
      Read<ChecksState> answer = get(runs ? CHECK_RUNS_ENDPOINT : STATUS_ENDPOINT,
          URI.create(prefix + "/commits/" + target.headSha() + suffix), repository, etags.get(part),
          runs ? reader::checkRuns : reader::statuses, counts);
      ChecksState state;
      if (answer.status() == 404 || answer.status() == 422) {
        state = ChecksState.NONE;
      } else if (answer.body() != null) {
        state = answer.body();
        etags.put(part, answer.etag());
        partial.put(part, state);
      } else {
        state = partial.getOrDefault(part, ChecksState.NONE);
      }
      checks = RestEnrichment.worst(checks, state);
    }
    return new PullRequestEnrichment(target.number(), 0, target.headSha(), decision, latest, checks, mergeable,
        comments, new RestEnrichment.Tags(etags, partial).text());
  }

  /**
   * What one GET said: its status, and the body (from the answer or, for a {@code 304}, the cache entry) with
   * its entity tag; a null body with status {@code 304} means the stored enrichment's values still hold.
   */
  private record Read<T>(int status, T body, String etag) {
  }

  /** One per-pull-request GET through the cache, its 304 (free) and 404 being answers; counts it. */
  @SuppressWarnings("unchecked")
  private <T> Read<T> get(String endpoint, URI uri, RepositoryId repository, String storedEtag,
      BodyReader<T> bodyReader, Counts counts) {
    ResponseCache.Entry cached = cache == null ? null : cache.get(uri).orElse(null);
    // the stored tag is sent whether or not the in-memory cache is on: it costs nothing to keep
    String ifNoneMatch = cached != null ? cached.etag() : storedEtag;
    Answer<T> answer = executor.execute(new Call(endpoint, uri, ifNoneMatch, repository, true), bodyReader);
    counts.sent(answer.requests());
    if (answer.status() == 304) {
      counts.notModified++;
    }
    if (cache != null) {
      listener.onCacheLookup(answer.status() == 304);
    }
    if (answer.status() == 304) {
      return cached != null ? new Read<>(304, (T) cached.body(), cached.etag()) : new Read<>(304, null, storedEtag);
    }
    if (answer.value() == null) {
      if (cache != null) {
        cache.invalidate(uri);
      }
      return new Read<>(answer.status(), null, null);
    }
    String etag = answer.etag();
    if (cache != null && etag != null) {
      cache.put(uri, etag, answer.value());
    }
    return new Read<>(answer.status(), answer.value(), etag);
  }
}
