package io.prmonitor.github.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts the bytes read through it and fails once more than a limit have been read. Not thread-safe. */
public final class MeteredInputStream extends FilterInputStream {

  /** The body is larger than the client accepts; not worth retrying. */
  public static final class BodyTooLargeException extends IOException {
    BodyTooLargeException(long limit) {
      super("response body exceeds the limit of " + limit + " bytes");
    }
  }

  private final long limit;
  private long count;

  public MeteredInputStream(InputStream in, long limit) {
    super(in);
    this.limit = limit;
  }

  public long count() {
    return count;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      add(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    if (n > 0) {
      add(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    add(skipped);
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void add(long n) throws BodyTooLargeException {
    count += n;
    if (count > limit) {
      throw new BodyTooLargeException(limit);
    }
  }
}
