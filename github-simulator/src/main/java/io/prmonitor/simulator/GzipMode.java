package io.prmonitor.simulator;

/**
 * How the simulator builds {@code Content-Encoding: gzip} bodies. Every mode yields a valid gzip stream of the
 * same JSON; they trade the simulator's CPU, the client's inflate cost and realism of the compressed size.
 *
 * <p>Client costs below were measured on a 2-core machine for pages of 100 pull requests (~2 MB of JSON) read
 * through {@code GZIPInputStream(in, 16384)} into a 64 KiB buffer. For reference, GitHub's frontends send one
 * gzip stream per response: a whole-body level-1 deflate of such a page is ~200 KB and costs ~2.1-2.6 ms to
 * inflate (level 6: ~110 KB, ~1.3-1.6 ms).
 */
public enum GzipMode {
  /**
   * Shared templates precompressed once, per-item bytes in stored blocks: ~2.5x smaller than the JSON, built at
   * memory speed; inflating it costs a client ~2.4x a whole-body level-1 gzip (~5.6 ms per page: many small
   * blocks). The default: the simulator never limits a benchmark.
   */
  SPLICED,
  /** Stored blocks only: no compression, built and inflated at memory speed (~0.4 ms per page); kinder than GitHub. */
  STORED,
  /**
   * A real deflate (level 1) of every body: ~10x smaller than the JSON and a whole-body level-1 gzip's inflate
   * cost for clients, at ~100-200 MB/s of simulator CPU, so a cold pass over a large world is bound by the
   * simulator.
   */
  DEFLATE,
  /**
   * {@link #DEFLATE}'s bodies at memory speed, after a start-up that compresses the initial world on every core.
   * Each page of the listing clients use ({@code state=all&sort=updated&direction=desc&per_page=100}) is
   * compressed whole (one level-1 stream) and served as is for as long as its ETag holds: ~10x smaller than the
   * JSON, and the client's inflate cost of a whole-body level-1 gzip. Pages of other shapes, and pages that
   * changed since start-up, are assembled from each list item deflated on its own (level 1, kept until the item
   * changes): ~6x smaller, and ~1.5x the client's cost (3.2-4.0 ms per page: a block per item). Heap: ~3 KB per
   * pull request for the items plus ~200 KB per page, bounded by
   * {@link GitHubSimulator.Builder#precompressedPageBytes}; a 100 x 1,000 world holds ~580 MB and starts in ~10 s
   * on 2 cores. For a simulator in its own process; other bodies are deflated as in {@link #DEFLATE}.
   */
  CACHED_DEFLATE
}
