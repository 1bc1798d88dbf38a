package io.prmonitor.simulator;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code GET /repos/{owner}/{repo}/pulls}, the request a client makes most: validation of {@code state},
 * {@code sort} and {@code direction}, pagination with GitHub's {@code Link}, ETags over the page's content, and
 * the cheapest body the {@link GzipMode} allows (a page compressed at start-up, a cached page, or one serialized
 * now and spliced). Runs the one-shot actions armed for a page right after serving it. Thread-safe.
 */
final class PullListRoute {

  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

  /** A one-shot action armed to run after a page of a repository's pull list is served. */
  record HookKey(int repository, int page) {}

  private final GitHubSimulator.Settings settings;
  private final World world;
  private final Payloads payloads;
  private final PageCache cache;
  private final PrecompressedPages precompressed;
  private final SinkPool sinks;
  private final GzipEncoder encoder;
  private final String baseUrl;
  private final Map<HookKey, Runnable> hooks = new ConcurrentHashMap<>();

  PullListRoute(GitHubSimulator.Settings settings, World world, Payloads payloads, PageCache cache,
      PrecompressedPages precompressed, SinkPool sinks, GzipEncoder encoder, String baseUrl) {
    this.settings = settings;
    this.world = world;
    this.payloads = payloads;
    this.cache = cache;
    this.precompressed = precompressed;
    this.sinks = sinks;
    this.encoder = encoder;
    this.baseUrl = baseUrl;
  }

  /** Arms {@code action} to run once after the page is next served; several run in arming order. */
  void arm(HookKey key, Runnable action) {
    hooks.merge(key, action, (a, b) -> () -> {
      a.run();
      b.run();
    });
  }

  /** The page; {@code serving} is false when a fault will replace the body, and then no action runs. */
  Reply serve(ApiRequest request, SimRepository repo, String linkPrefix, boolean serving) {
    String state = ApiRequest.valueOr(request.param("state"), "open");
    String sort = ApiRequest.valueOr(request.param("sort"), "created");
    if (!Set.of("open", "closed", "all").contains(state)) {
      return Reply.validationFailed("state");
    }
    if (!Set.of("created", "updated", "popularity", "long-running").contains(sort)) {
      return Reply.validationFailed("sort");
    }
    String direction = ApiRequest.valueOr(request.param("direction"), sort.equals("created") ? "desc" : "asc");
    if (!direction.equals("asc") && !direction.equals("desc")) {
      return Reply.validationFailed("direction");
    }
    int perPage = request.perPage();
    int page = request.page();
    HookKey hookKey = new HookKey(repo.index, page);
    boolean hooked = serving && hooks.containsKey(hookKey);
    Lock lock = hooked ? world.lock.writeLock() : world.lock.readLock();
    lock.lock();
    try {
      SimPullRequest[] view = repo.view(state, sort, direction.equals("asc"));
      int lastPage = Math.max(1, (view.length + perPage - 1) / perPage);
      int from = Math.min(view.length, (page - 1) * perPage);
      int to = Math.min(view.length, from + perPage);
      Reply reply = new Reply(200, null);
      reply.etag = PullPage.etag(repo, view, from, to);
      reply.link = request.link(baseUrl, linkPrefix, page, lastPage);
      if (!Etag.matches(request.ifNoneMatch(), reply.etag)) {
        boolean gzip = request.acceptsGzip();
        boolean cachedDeflate = gzip && settings.gzipMode() == GzipMode.CACHED_DEFLATE;
        // a page of the initial world, compressed whole at start-up: no serialization, no splicing
        PrecompressedPages.Page whole = cachedDeflate ? precompressed.get(reply.etag) : null;
        PageCache.Entry entry = whole != null ? null : cache.get(reply.etag);
        if (whole != null) {
          reply.precompressed = whole;
          reply.length = whole.plainLength();
        } else if (entry == null) {
          ByteSink out = sinks.acquire();
          if (gzip && settings.gzipMode() == GzipMode.SPLICED) {
            out.trackTemplates();
          }
          int[] offsets = cachedDeflate ? new int[to - from + 1] : null;
          PullPage.write(payloads, repo, view, from, to, out, offsets);
          reply.sink = out;
          if (cachedDeflate) {
            // every item's deflate block, cached since start-up or its last change, spliced into one member
            reply.gzipSink = sinks.acquire();
            SplicedGzip.writeItems(out, Arrays.copyOfRange(view, from, to), offsets, to - from,
                repo.templateVersion, reply.gzipSink);
          }
          reply.body = out.array();
          reply.length = out.size();
          if (cache.admit(reply.etag, out.size())) {
            entry = new PageCache.Entry(repo.index, out.toByteArray());
            if (reply.gzipSink != null) {
              entry.gzip = reply.gzipSink.toByteArray();
            } else if (gzip) {
              ByteSink zipped = new ByteSink(out.size() / 2);
              encoder.write(out.array(), out.size(), out, zipped);
              entry.gzip = zipped.toByteArray();
            }
            cache.put(reply.etag, entry);
          }
        }
        if (entry != null) {
          reply.cached = entry;
          reply.cacheKey = reply.etag;
          reply.body = entry.plain;
          reply.length = entry.plain.length;
        }
        if (hooked) {
          Runnable hook = hooks.remove(hookKey);
          if (hook != null) {
            runHook(hook, repo, page);
          }
        }
      }
      return reply;
    } finally {
      lock.unlock();
    }
  }

  private static void runHook(Runnable hook, SimRepository repo, int page) {
    try {
      hook.run();
    } catch (RuntimeException e) {
      LOG.warn("afterPage action for {} page {} failed", repo.repositoryId, page, e);
    }
  }
}
