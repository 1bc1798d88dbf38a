package io.prmonitor.simulator;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Builds a valid single-member gzip body at memory speed from a serialized page: the shared templates
 * (users, repositories, labels...) that make up ~85% of a pull request are compressed once each and spliced
 * in as precompressed deflate blocks; the per-pull-request bytes between them go in stored (uncompressed)
 * blocks. Compressing 2 GB of pages with a real deflater would make the simulator the bottleneck of every
 * gzip-requesting client; this way the body shrinks ~3x instead of ~10x, and costs a copy and a CRC.
 *
 * <p>Every spliced piece is byte-aligned: templates are compressed with a fresh dictionary and end with a
 * sync flush, and stored blocks are byte-aligned by definition, so pieces concatenate into one deflate
 * stream. Thread-safe.
 */
final class SplicedGzip {

  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
  /** An empty final stored block: BFINAL=1, BTYPE=00, LEN=0, NLEN=0xFFFF. */
  private static final byte[] FINAL_BLOCK = {1, 0, 0, (byte) 0xff, (byte) 0xff};
  private static final int MAX_STORED = 65_535;
  private static final int MIN_TEMPLATE = 128;

  /** Precompressed templates keyed by array identity (templates are immutable and shared). */
  private final Map<byte[], byte[]> compressed = new ConcurrentHashMap<>();

  /**
   * Writes a page {@code [item,item,...]} as gzip from each item's cached deflated form, deflating and caching
   * the items that changed; {@code offsets[i]} is where item i starts in {@code page}, {@code offsets[n]} where
   * the closing bracket is.
   */
  static void writeItems(ByteSink page, SimPullRequest[] items, int[] offsets, int count, long templateVersion,
      ByteSink out) {
    byte[] plain = page.array();
    out.raw(HEADER);
    if (count == 0) {
      stored(plain, 0, page.size(), out);
      trailer(plain, page.size(), out);
      return;
    }
    stored(plain, 0, offsets[0], out);
    for (int i = 0; i < count; i++) {
      int end = PullPage.itemEnd(offsets, i, count);
      out.raw(itemDeflated(items[i], templateVersion, plain, offsets[i], end));
      if (i + 1 < count) {
        stored(plain, end, offsets[i + 1], out);
      }
    }
    stored(plain, offsets[count], page.size(), out);
    trailer(plain, page.size(), out);
  }

  /** The item's deflated bytes, from its cache when it has not changed since. */
  static byte[] itemDeflated(SimPullRequest pr, long templateVersion, byte[] plain, int from, int to) {
    SimPullRequest.CompressedItem cached = pr.compressed;
    if (cached != null && cached.revision() == pr.revision && cached.templateVersion() == templateVersion) {
      return cached.deflated();
    }
    byte[] deflated = deflate(plain, from, to - from, Deflater.BEST_SPEED);
    pr.compressed = new SimPullRequest.CompressedItem(pr.revision, templateVersion, deflated);
    return deflated;
  }

  /** Writes {@code plain[0, length)} as a gzip stream of stored blocks only. */
  static void writeStored(byte[] plain, int length, ByteSink out) {
    out.raw(HEADER);
    stored(plain, 0, length, out);
    trailer(plain, length, out);
  }

  /** Writes the gzip form of {@code page[0, page.size())} to {@code out}, splicing the templates it tracked. */
  void write(ByteSink page, ByteSink out) {
    byte[] plain = page.array();
    int length = page.size();
    out.raw(HEADER);
    int position = 0;
    for (int i = 0; i < page.templateCount(); i++) {
      byte[] template = page.template(i);
      if (template.length < MIN_TEMPLATE) {
        continue;
      }
      int offset = page.templateOffset(i);
      stored(plain, position, offset, out);
      out.raw(compressed(template));
      position = offset + template.length;
    }
    stored(plain, position, length, out);
    trailer(plain, length, out);
  }

  private static void trailer(byte[] plain, int length, ByteSink out) {
    out.raw(FINAL_BLOCK);
    CRC32 crc = new CRC32();
    crc.update(plain, 0, length);
    int value = (int) crc.getValue();
    out.ch((char) (value & 0xff)).ch((char) ((value >>> 8) & 0xff)).ch((char) ((value >>> 16) & 0xff))
        .ch((char) ((value >>> 24) & 0xff));
    out.ch((char) (length & 0xff)).ch((char) ((length >>> 8) & 0xff)).ch((char) ((length >>> 16) & 0xff))
        .ch((char) ((length >>> 24) & 0xff));
  }

  private static void stored(byte[] plain, int from, int to, ByteSink out) {
    while (from < to) {
      int n = Math.min(MAX_STORED, to - from);
      out.ch((char) 0).ch((char) (n & 0xff)).ch((char) (n >>> 8)).ch((char) (~n & 0xff))
          .ch((char) ((~n >>> 8) & 0xff));
      out.raw(plain, from, n);
      from += n;
    }
  }

  private byte[] compressed(byte[] template) {
    byte[] done = compressed.get(template);
    return done != null ? done : compressed.computeIfAbsent(template, SplicedGzip::deflate);
  }

  private static byte[] deflate(byte[] template) {
    return deflate(template, 0, template.length, Deflater.DEFAULT_COMPRESSION);
  }

  private static byte[] deflate(byte[] input, int offset, int length, int level) {
    Deflater deflater = new Deflater(level, true);
    try {
      deflater.setInput(input, offset, length);
      byte[] out = new byte[length / 3 + 64];
      int size = 0;
      while (true) {
        int n = deflater.deflate(out, size, out.length - size, Deflater.SYNC_FLUSH);
        size += n;
        if (size < out.length) {
          break;
        }
        out = Arrays.copyOf(out, out.length * 2);
      }
      return Arrays.copyOf(out, size);
    } finally {
      deflater.end();
    }
  }
}
