package io.prmonitor.simulator;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * Page buffers reused across requests: pages are ~2 MB, and allocating each afresh churns the heap. Keeps up to 16
 * buffers of at most 8 MiB each. Thread-safe.
 */
final class SinkPool {

  private static final int KEEP_LIMIT = 8 * 1024 * 1024;

  private final ArrayBlockingQueue<ByteSink> sinks = new ArrayBlockingQueue<>(16);

  /** A reset buffer, pooled or new. */
  ByteSink acquire() {
    ByteSink sink = sinks.poll();
    return sink != null ? sink : new ByteSink(2_400_000);
  }

  /** Gives a buffer back; its content is gone. */
  void release(ByteSink sink) {
    if (sink.capacity() <= KEEP_LIMIT) {
      sink.reset();
      sinks.offer(sink);
    }
  }
}
