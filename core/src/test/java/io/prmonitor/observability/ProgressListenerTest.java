package io.prmonitor.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.ProgressListener;
import io.prmonitor.RunReport;
import io.prmonitor.StaticGitHubClient;
import io.prmonitor.core.store.InMemoryPullRequestStore;
import io.prmonitor.spi.RepositoryId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A progress listener hears each pass start (with its repositories), each repository end, and the report. */
class ProgressListenerTest {

  /** Records every event as a line. */
  static final class Recorder implements ProgressListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    volatile RunReport report;

    @Override
    public void onPassStart(long pass, List<RepositoryId> repositories) {
      events.add("start " + pass + " " + repositories);
    }

    @Override
    public void onProgress(Progress progress) {
      events.add("progress " + progress.repositoriesDone() + "/" + progress.repositoriesTotal());
    }

    @Override
    public void onPassEnd(RunReport report) {
      this.report = report;
      events.add("end " + report.pass());
    }
  }

  @Test
  void run_tellsStartProgressAndEnd_inOrder_evenPastAFailingListener() {
    Recorder recorder = new Recorder();
    ProgressListener failing = new ProgressListener() {
      @Override
      public void onProgress(Progress progress) {
        throw new IllegalStateException("listener bug");
      }

      @Override
      public void onPassStart(long pass, List<RepositoryId> repositories) {
        throw new IllegalStateException("listener bug");
      }
    };
    ProcessorConfig config = ProcessorConfig.builder().repositories("octo/one", "octo/two").build();
    try (PRMonitor monitor = PRMonitor.builder().config(config).githubClient(new StaticGitHubClient())
        .store(new InMemoryPullRequestStore()).progressListener(failing).progressListener(recorder).build()) {
      RunReport report = monitor.run();

      assertThat(recorder.events).containsExactly("start 1 [octo/one, octo/two]", "progress 1/2", "progress 2/2",
          "end 1");
      assertThat(recorder.report).isSameAs(report);
    }
  }
}
