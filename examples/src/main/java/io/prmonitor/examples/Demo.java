package io.prmonitor.examples;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.RunReport;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestState;
import io.prmonitor.spi.RepositoryId;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The demo: a simulated GitHub with 20 repositories x 500 pull requests, a first pass into an embedded H2
 * file database, a handful of changes made in the simulator, and a second pass that finds exactly those
 * changes. Prints both run reports (one JSON line each) and the changes; exits 1 if the detected changes
 * differ from the ones made.
 *
 * <p>Run it with {@code ./dev demo}.
 */
public final class Demo {

  private static final String TOKEN = "demo-token-not-a-secret";

  private Demo() {
  }

  /** A change the demo makes, and the change kind prmonitor must report for it. */
  private record Made(RepositoryId repository, int number, ChangeKind expected, String description) {
  }

  public static void main(String[] args) throws IOException {
    int repositories = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int pullRequests = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    PrintStream out = System.out;
    Path database = Path.of("target", "demo");
    deleteDatabase(database);

    try (GitHubSimulator simulator = GitHubSimulator.builder()
        .repositories(repositories).pullRequestsPerRepository(pullRequests).seed(42L).tokens(TOKEN).start()) {
      out.println("simulated GitHub at " + simulator.baseUrl() + ": " + repositories + " repositories x "
          + pullRequests + " pull requests");
      ProcessorConfig config = ProcessorConfig.builder()
          .repositories(simulator.repositories())
          .githubBaseUrl(simulator.baseUrl())
          .githubToken(TOKEN)
          .jdbcUrl("jdbc:h2:file:" + database.toAbsolutePath().resolve("prmonitor"))
          // this simulator runs without GitHub's 90 s / 60 s server-time budget, in this very JVM: pacing on
          // response times inflated by sharing two cores with it would only slow the demo down
          .serverTimeBudget(null, ProcessorConfig.DEFAULT_SERVER_TIME_WINDOW)
          .build();
      List<PullRequestChange> received = Collections.synchronizedList(new ArrayList<>());
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      new JvmMemoryMetrics().bindTo(registry);
      try (JvmGcMetrics gc = new JvmGcMetrics();
          PRMonitor monitor = PRMonitor.builder().config(config).meterRegistry(registry)
              .listener(received::add).progressListener(new ConsoleProgress(System.err)).build()) {
        gc.bindTo(registry);

        RunReport first = monitor.run();
        out.println("pass 1 (baseline): " + first.toJson());

        List<Made> made = makeChanges(simulator);
        out.println("made " + made.size() + " changes in the simulator:");
        made.forEach(m -> out.println("  " + m.repository() + "#" + m.number() + " " + m.description()));
        received.clear();

        RunReport second = monitor.run();
        out.println("pass 2: " + second.toJson());
        out.println("detected changes:");
        received.forEach(c -> out.println("  " + c.repository() + "#" + c.number() + " " + c.kind() + " "
            + c.field() + ": " + abbreviate(c.before()) + " -> " + abbreviate(c.after())));

        List<String> expected = made.stream().map(m -> m.repository() + "#" + m.number() + " " + m.expected())
            .sorted().toList();
        List<String> detected = received.stream().map(c -> c.repository() + "#" + c.number() + " " + c.kind())
            .sorted().toList();
        double heapMb = registry.find("jvm.memory.used").tag("area", "heap").gauges().stream()
            .mapToDouble(g -> g.value()).sum() / (1024 * 1024);
        out.printf("heap in use: %.0f MB%n", heapMb);
        if (expected.equals(detected)) {
          out.println("OK: the second pass detected exactly the " + expected.size() + " changes made");
        } else {
          out.println("MISMATCH: expected " + expected + " but detected " + detected);
          System.exit(1);
        }
      }
    }
  }

  /** Makes one change of each kind, each on a different pull request, picked from the simulator's truth. */
  private static List<Made> makeChanges(GitHubSimulator simulator) {
    List<RepositoryId> repos = simulator.repositories();
    List<Made> made = new ArrayList<>();
    RepositoryId r0 = repos.get(0 % repos.size());
    int n = pick(simulator, r0, PullRequest::isOpen, 0);
    simulator.editTitle(r0, n, "Make the demo faster ⚡");
    made.add(new Made(r0, n, ChangeKind.EDITED, "edit title"));

    RepositoryId r1 = repos.get(1 % repos.size());
    n = pick(simulator, r1, PullRequest::isOpen, 0);
    simulator.pushCommits(r1, n);
    made.add(new Made(r1, n, ChangeKind.COMMITS_PUSHED, "push commits"));

    RepositoryId r2 = repos.get(2 % repos.size());
    n = pick(simulator, r2, pr -> pr.isOpen() && !pr.labels().contains("demo"), 0);
    simulator.addLabel(r2, n, "demo");
    made.add(new Made(r2, n, ChangeKind.LABELS_CHANGED, "add label 'demo'"));

    RepositoryId r3 = repos.get(3 % repos.size());
    n = simulator.openPullRequest(r3);
    made.add(new Made(r3, n, ChangeKind.OPENED, "open a new pull request"));

    RepositoryId r4 = repos.get(4 % repos.size());
    n = pick(simulator, r4, PullRequest::isOpen, 0);
    simulator.close(r4, n);
    made.add(new Made(r4, n, ChangeKind.CLOSED, "close"));

    RepositoryId r5 = repos.get(5 % repos.size());
    n = pick(simulator, r5, PullRequest::isOpen, 0);
    simulator.merge(r5, n);
    made.add(new Made(r5, n, ChangeKind.MERGED, "merge"));

    RepositoryId r6 = repos.get(6 % repos.size());
    n = pick(simulator, r6, pr -> pr.state() == PullRequestState.CLOSED, 0);
    simulator.reopen(r6, n);
    made.add(new Made(r6, n, ChangeKind.REOPENED, "reopen"));

    RepositoryId r7 = repos.get(7 % repos.size());
    n = pick(simulator, r7, pr -> pr.isOpen() && !pr.draft(), 0);
    simulator.convertToDraft(r7, n);
    made.add(new Made(r7, n, ChangeKind.CONVERTED_TO_DRAFT, "convert to draft"));

    RepositoryId r8 = repos.get(8 % repos.size());
    n = pick(simulator, r8, pr -> pr.isOpen() && !pr.requestedReviewers().contains("demo-reviewer"), 0);
    simulator.requestReview(r8, n, "demo-reviewer");
    made.add(new Made(r8, n, ChangeKind.REVIEW_REQUESTED, "request a review from demo-reviewer"));

    RepositoryId r9 = repos.get(9 % repos.size());
    n = pick(simulator, r9, pr -> pr.isOpen() && !pr.assignees().contains("demo-assignee"), 1);
    simulator.assign(r9, n, "demo-assignee");
    made.add(new Made(r9, n, ChangeKind.ASSIGNEES_CHANGED, "assign demo-assignee"));
    return made;
  }

  /** The number of the {@code skip}-th pull request (by number) that fits, so each change hits a new one. */
  private static int pick(GitHubSimulator simulator, RepositoryId repository, Predicate<PullRequest> fits,
      int skip) {
    return simulator.truth(repository).stream().filter(fits).sorted(Comparator.comparingInt(PullRequest::number))
        .skip(skip).findFirst().map(PullRequest::number)
        .orElseThrow(() -> new IllegalStateException("no fitting pull request in " + repository));
  }

  private static String abbreviate(String value) {
    String text = Objects.toString(value).replace('\n', ',');
    return text.length() > 40 ? text.substring(0, 37) + "..." : text;
  }

  private static void deleteDatabase(Path directory) throws IOException {
    if (Files.isDirectory(directory)) {
      try (var files = Files.list(directory)) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      }
    }
  }
}
