package io.prmonitor;

import io.prmonitor.spi.ChangeListener;
import io.prmonitor.spi.PullRequestChange;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A {@link ChangeListener} that writes each change as one line (for example JSON) and flushes it; a change
 * whose line could not be written (a full disk, a closed pipe, a broken socket) has not been delivered:
 * the listener throws, and the change stays pending in the outbox for the next pass.
 *
 * <p>A {@link PrintStream} never throws: it swallows write errors and only remembers them, which would mark
 * every change delivered while none arrived. Over a {@code PrintStream} this listener therefore checks
 * {@link PrintStream#checkError()} after each line (which also flushes); the error state of a
 * {@code PrintStream} is sticky, so once a write failed every later change is refused as well. Over a
 * {@link Writer} the {@link IOException} of the write or the flush is thrown as it is.
 *
 * <p>Thread-safe: lines are written whole, one change at a time.
 */
public final class WritingChangeListener implements ChangeListener {

  private final PrintStream stream;
  private final Writer writer;
  private final Function<PullRequestChange, String> format;
  private final ReentrantLock lock = new ReentrantLock();

  private WritingChangeListener(PrintStream stream, Writer writer, Function<PullRequestChange, String> format) {
    this.stream = stream;
    this.writer = writer;
    this.format = Objects.requireNonNull(format, "null format");
  }

  /**
   * Writes to a {@link PrintStream} (such as {@code System.out}), checking it for errors after each line.
   *
   * @param format turns a change into its line, without the line break
   */
  public static WritingChangeListener to(PrintStream stream, Function<PullRequestChange, String> format) {
    return new WritingChangeListener(Objects.requireNonNull(stream, "null stream"), null, format);
  }

  /**
   * Writes to a {@link Writer}, flushing after each line.
   *
   * @param format turns a change into its line, without the line break
   */
  public static WritingChangeListener to(Writer writer, Function<PullRequestChange, String> format) {
    return new WritingChangeListener(null, Objects.requireNonNull(writer, "null writer"), format);
  }

  /**
   * Writes the change's line.
   *
   * @throws IOException if the line could not be written or flushed; the change stays pending
   */
  @Override
  public void onChange(PullRequestChange change) throws IOException {
    String line = format.apply(change);
    // a lock, not synchronized: the write blocks, and a virtual thread must not pin its carrier on Java 21
    lock.lock();
    try {
      if (writer != null) {
        writer.write(line);
        writer.write(System.lineSeparator());
        writer.flush();
        return;
      }
      stream.println(line);
      if (stream.checkError()) {
        throw new IOException("writing change " + change.key() + " failed (the output stream reported an "
            + "error: a full disk, a closed pipe?); it stays pending");
      }
    } finally {
      lock.unlock();
    }
  }
}
