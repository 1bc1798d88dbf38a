package io.prmonitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.RepositoryId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A listener that cannot write has not delivered: it throws, so the change stays pending. */
class WritingChangeListenerTest {

  private static final PullRequestChange CHANGE = PullRequestChange.of(RepositoryId.parse("octo/hello"), 7,
      ChangeKind.EDITED, "title", "old", "new", Instant.parse("2024-01-01T00:00:00Z"));

  @Test
  void onChange_printStream_writesOneLinePerChange() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    WritingChangeListener listener = WritingChangeListener.to(new PrintStream(bytes, false, StandardCharsets.UTF_8),
        PullRequestChange::key);

    listener.onChange(CHANGE);

    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(CHANGE.key() + System.lineSeparator());
  }

  @Test
  void onChange_printStreamThatCannotWrite_throwsEveryTime() {
    OutputStream full = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("No space left on device");
      }
    };
    WritingChangeListener listener = WritingChangeListener.to(new PrintStream(full, true, StandardCharsets.UTF_8),
        PullRequestChange::key);

    assertThatThrownBy(() -> listener.onChange(CHANGE)).isInstanceOf(IOException.class)
        .hasMessageContaining(CHANGE.key()).hasMessageContaining("stays pending");
    assertThatThrownBy(() -> listener.onChange(CHANGE)).isInstanceOf(IOException.class);
  }

  @Test
  void onChange_writer_flushesEachLine_andPassesItsFailureOn() throws Exception {
    StringWriter text = new StringWriter();
    WritingChangeListener.to(text, PullRequestChange::key).onChange(CHANGE);
    assertThat(text.toString()).isEqualTo(CHANGE.key() + System.lineSeparator());

    Writer broken = new Writer() {
      @Override
      public void write(char[] buffer, int offset, int length) throws IOException {
        throw new IOException("Broken pipe");
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    assertThatThrownBy(() -> WritingChangeListener.to(broken, PullRequestChange::key).onChange(CHANGE))
        .isInstanceOf(IOException.class).hasMessage("Broken pipe");
  }
}
