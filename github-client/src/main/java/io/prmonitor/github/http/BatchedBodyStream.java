package io.prmonitor.github.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A response body as an {@link InputStream}, like {@link HttpResponse.BodySubscribers#ofInputStream()}, but
 * receiving ahead of the reader: buffers are requested {@value #DEMAND} at a time, and as long as fewer than
 * {@value #MAX_UNREAD_BYTES} bytes wait unread, more are requested as they arrive.
 *
 * <p>Two reasons. The JDK's stream requests one buffer list per read that runs dry, and every request re-arms
 * the connection's read event through the client's selector thread (a wake-up system call): reading a 2 MB
 * list page that way was a quarter of a cold pass's CPU time. And a body received only as fast as it is
 * parsed makes the server's write, and the response time the server-time pacer measures, as slow as the
 * parser: on a busy machine the pacer then held a cold pass to a fifth of the budget GitHub allows. Here
 * the transfer runs at the network's pace, and {@link #completedAtNanos()} tells when its last byte came.
 * Memory stays bounded: a gzip list page is a few hundred KiB, and no more than about
 * {@value #MAX_UNREAD_BYTES} bytes are ever asked for ahead of the reader.
 *
 * <p>A failure of the exchange (a reset connection, a truncated body) surfaces as an {@link IOException}
 * from {@link #read}; an interrupted reader gets an {@link InterruptedIOException}. {@link #close()} cancels
 * the exchange if the body was not read to its end. With a {@linkplain #deadline deadline} a body that stalls
 * or trickles fails with an {@link HttpTimeoutException} once the deadline passes. One thread reads; the HTTP
 * client delivers from its own.
 */
final class BatchedBodyStream extends InputStream implements HttpResponse.BodySubscriber<InputStream> {

  /** Buffer lists requested at a time. */
  static final int DEMAND = 32;
  /** Once this many bytes wait unread, no more are requested until the reader has taken half of them. */
  static final long MAX_UNREAD_BYTES = 8L * 1024 * 1024;

  private static final Object END = new Object();
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private final BlockingQueue<Object> delivered = new LinkedBlockingQueue<>();
  private final CompletableFuture<Flow.Subscription> subscribed = new CompletableFuture<>();
  private final LongSupplier nanoClock;
  private final AtomicLong unreadBytes = new AtomicLong();
  private final Object demandLock = new Object();
  /** Buffer lists requested and not yet received; guarded by {@link #demandLock}. */
  private long outstanding;
  /** Whether requesting stopped because too much waits unread; guarded by {@link #demandLock}. */
  private boolean paused;
  private volatile long completedAtNanos = -1;
  /** {@link System#nanoTime()} by which the body must have arrived; set by the reader before reading. */
  private long deadlineNanos;
  private boolean hasDeadline;
  private Iterator<ByteBuffer> pending = List.<ByteBuffer>of().iterator();
  private ByteBuffer current = EMPTY;
  private boolean ended;
  private boolean closed;

  /** When the response headers had been parsed, by {@link #nanoClock}: when the handler created this body. */
  private final long headersAtNanos;

  private BatchedBodyStream(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.headersAtNanos = nanoClock.getAsLong();
  }

  /**
   * When the response headers had been parsed, by the handler's clock: taken on the HTTP client's thread as
   * it hands the response to the body handler, so it does not include the time the thread waiting in
   * {@code send()} takes to be scheduled again (long on a busy machine).
   */
  long headersAtNanos() {
    return headersAtNanos;
  }

  /**
   * A body handler that reads every response's body through a new {@link BatchedBodyStream}.
   *
   * @param nanoClock the time source of {@link #completedAtNanos()}
   */
  static HttpResponse.BodyHandler<InputStream> handler(LongSupplier nanoClock) {
    return info -> new BatchedBodyStream(nanoClock);
  }

  /**
   * Bounds the wait for the rest of the body: a read that would wait past {@code deadlineNanos} (by
   * {@link System#nanoTime()}) fails with an {@link HttpTimeoutException} and cancels the exchange, so a
   * server that sends its headers and then stalls or trickles cannot hold the reader longer than the
   * request's timeout. Called by the reading thread before it reads.
   */
  void deadline(long deadlineNanos) {
    this.deadlineNanos = deadlineNanos;
    this.hasDeadline = true;
  }

  /** When the body's last byte arrived, by the handler's clock; -1 while it has not (or failed). */
  long completedAtNanos() {
    return completedAtNanos;
  }

  @Override
  public CompletionStage<InputStream> getBody() {
    return CompletableFuture.completedFuture(this);
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    if (!subscribed.complete(subscription)) {
      subscription.cancel();
      return;
    }
    synchronized (demandLock) {
      outstanding = DEMAND;
    }
    subscription.request(DEMAND);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    long bytes = 0;
    for (ByteBuffer buffer : buffers) {
      bytes += buffer.remaining();
    }
    unreadBytes.addAndGet(bytes);
    delivered.add(new Delivery(buffers, bytes));
    boolean more = false;
    synchronized (demandLock) {
      if (--outstanding <= 0) {
        if (unreadBytes.get() < MAX_UNREAD_BYTES) {
          outstanding = DEMAND;
          more = true;
        } else {
          paused = true;
        }
      }
    }
    if (more) {
      subscribed.join().request(DEMAND);
    }
  }

  @Override
  public void onError(Throwable error) {
    delivered.add(error);
  }

  @Override
  public void onComplete() {
    completedAtNanos = nanoClock.getAsLong();
    delivered.add(END);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] target, int offset, int length) throws IOException {
    java.util.Objects.checkFromIndexSize(offset, length, target.length);
    if (closed) {
      throw new IOException("stream closed");
    }
    if (length == 0) {
      return 0;
    }
    if (!current.hasRemaining() && !advance()) {
      return -1;
    }
    int n = Math.min(length, current.remaining());
    current.get(target, offset, n);
    return n;
  }

  @Override
  public int available() {
    return current.remaining();
  }

  /** Moves to the next non-empty buffer, waiting for the client if need be; false at the end of the body. */
  private boolean advance() throws IOException {
    while (true) {
      while (pending.hasNext()) {
        ByteBuffer next = pending.next();
        if (next.hasRemaining()) {
          current = next;
          return true;
        }
      }
      if (ended) {
        return false;
      }
      Object item;
      try {
        if (hasDeadline) {
          item = delivered.poll(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
          if (item == null) {
            ended = true;
            subscribed.thenAccept(Flow.Subscription::cancel);
            throw new HttpTimeoutException("response body not complete within the request timeout");
          }
        } else {
          item = delivered.take();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading a response body");
      }
      if (item == END) {
        ended = true;
        return false;
      }
      if (item instanceof Throwable error) {
        ended = true;
        throw error instanceof IOException io ? io : new IOException(error);
      }
      Delivery delivery = (Delivery) item;
      pending = delivery.buffers().iterator();
      long unread = unreadBytes.addAndGet(-delivery.bytes());
      boolean resume = false;
      synchronized (demandLock) {
        if (paused && unread < MAX_UNREAD_BYTES / 2) {
          paused = false;
          outstanding = DEMAND;
          resume = true;
        }
      }
      if (resume) {
        subscribed.join().request(DEMAND);
      }
    }
  }

  /** Stops reading; an exchange whose body was not read to its end is cancelled. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (!ended) {
      subscribed.thenAccept(Flow.Subscription::cancel);
    }
    delivered.clear();
    pending = List.<ByteBuffer>of().iterator();
    current = EMPTY;
  }

  /** One delivery of the client, with its size. */
  private record Delivery(List<ByteBuffer> buffers, long bytes) {
  }
}
