package io.prmonitor.simulator;

/**
 * How the simulator builds {@code Content-Encoding: gzip} bodies. Every mode yields a valid gzip stream of the
 * same JSON; they trade the simulator's CPU, the client's inflate cost and realism of the compressed size.
 */
public enum GzipMode {
  /**
   * Shared templates precompressed once, per-item bytes in stored blocks: ~2.5x smaller than the JSON, built at
   * memory speed; inflating it costs a client about twice what GitHub's gzip does (many small blocks).
   * The default: the simulator never limits a benchmark.
   */
  SPLICED,
  /** Stored blocks only: no compression, built and inflated at memory speed; kinder than GitHub to clients. */
  STORED,
  /**
   * A real deflate (level 1) of every body: GitHub's ~10x ratio and inflate cost for clients, at ~100-200 MB/s of
   * simulator CPU, so a cold pass over a large world is bound by the simulator.
   */
  DEFLATE,
  /**
   * Each list item deflated once (level 1) and kept until it changes, pages assembled from the cached items:
   * GitHub-like ratio (~6x) and client cost at memory speed after a start-up that compresses the whole world
   * on every core (seconds for 100 x 1,000) and ~3 KB of heap per pull request. For a simulator in its own
   * process; other bodies are deflated as in {@link #DEFLATE}.
   */
  CACHED_DEFLATE
}
