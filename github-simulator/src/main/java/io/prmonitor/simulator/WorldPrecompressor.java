package io.prmonitor.simulator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up work of {@link GzipMode#CACHED_DEFLATE}: compresses the generated world once, before the first
 * request, so that serving it later costs no compression. Not instantiable.
 */
final class WorldPrecompressor {

  private static final Logger LOG = LoggerFactory.getLogger(GitHubSimulator.class);

  private WorldPrecompressor() {}

  /**
   * Compresses the initial world on every core, so that a pass over it costs the simulator no compression:
   * every list item deflated on its own (kept while it is unchanged, to splice the pages of repositories that
   * mutate), and every page of the listing clients use ({@code state=all&sort=updated&direction=desc&per_page=100})
   * as one whole gzip stream, up to {@link GitHubSimulator.Builder#precompressedPageBytes}. Each page is serialized
   * once for both.
   */
  static void prewarm(World world, PrecompressedPages precompressed) {
    long start = System.nanoTime();
    Payloads payloads = new Payloads(world);
    int perPage = ApiRequest.MAX_PER_PAGE;
    world.lock.readLock().lock();
    try {
      world.repositories().parallelStream().forEach(repo -> {
        ByteSink page = new ByteSink(2_400_000);
        ByteSink zipped = new ByteSink(400_000);
        int[] offsets = new int[perPage + 1];
        SimPullRequest[] view = repo.view("all", "updated", false);
        int lastPage = Math.max(1, (view.length + perPage - 1) / perPage);
        for (int p = 1; p <= lastPage; p++) {
          int from = Math.min(view.length, (p - 1) * perPage);
          int to = Math.min(view.length, from + perPage);
          page.reset();
          PullPage.write(payloads, repo, view, from, to, page, offsets);
          for (int k = 0; k < to - from; k++) {
            SplicedGzip.itemDeflated(view[from + k], repo.templateVersion, page.array(), offsets[k],
                PullPage.itemEnd(offsets, k, to - from));
          }
          if (!precompressed.full()) {
            zipped.reset();
            PageCache.gzip(page.array(), page.size(), zipped);
            precompressed.offer(PullPage.etag(repo, view, from, to), zipped.toByteArray(), page.size());
          }
        }
      });
    } finally {
      world.lock.readLock().unlock();
    }
    LOG.info("deflated every list item and precompressed {} pages ({} MB of gzip{}) in {} ms", precompressed.size(),
        precompressed.bytes() / 1_000_000, precompressed.full() ? ", bound reached: the rest are spliced" : "",
        (System.nanoTime() - start) / 1_000_000);
  }
}
