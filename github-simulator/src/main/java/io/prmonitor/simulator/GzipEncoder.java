package io.prmonitor.simulator;

/** Compresses a response body as the configured {@link GzipMode} says. Thread-safe. */
final class GzipEncoder {

  private final GzipMode mode;
  private final SplicedGzip splicedGzip = new SplicedGzip();

  GzipEncoder(GzipMode mode) {
    this.mode = mode;
  }

  /** Compresses per the configured mode; {@code tracked} is the sink that recorded templates, if any. */
  void write(byte[] plain, int length, ByteSink tracked, ByteSink out) {
    if (mode == GzipMode.SPLICED && tracked != null && tracked.tracking()) {
      splicedGzip.write(tracked, out);
    } else if (mode == GzipMode.DEFLATE || mode == GzipMode.CACHED_DEFLATE) {
      PageCache.gzip(plain, length, out);
    } else {
      // stored mode, or a body without tracked templates (small resources, faulted bodies)
      SplicedGzip.writeStored(plain, length, out);
    }
  }
}
