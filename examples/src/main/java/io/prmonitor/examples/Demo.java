package io.prmonitor.examples;

import io.micrometer.core.instrument.Gauge;
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
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

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
            .collect(Collectors.summingDouble(Gauge::value)) / (1024 * 1024);
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

  /** One change the demo makes: which pull request fits it, how to make it, and what must be reported. */
  private record Step(ChangeKind expected, String description, Predicate<PullRequest> fits,
      BiConsumer<RepositoryId, Integer> mutation) {
  }

  /**
   * Makes one change of each kind, each on another repository (or, with fewer than ten repositories, on
   * another pull request of a repository used before), picked from the simulator's truth.
   */
  private static List<Made> makeChanges(GitHubSimulator simulator) {
    Predicate<PullRequest> open = PullRequest::isOpen;
    List<Step> steps = List.of(
        new Step(ChangeKind.EDITED, "edit title", open,
            (r, n) -> simulator.editTitle(r, n, "Make the demo faster ⚡")),
        new Step(ChangeKind.COMMITS_PUSHED, "push commits", open, simulator::pushCommits),
        new Step(ChangeKind.LABELS_CHANGED, "add label 'demo'", open.and(pr -> !pr.labels().contains("demo")),
            (r, n) -> simulator.addLabel(r, n, "demo")),
        new Step(ChangeKind.OPENED, "open a new pull request", null, null),
        new Step(ChangeKind.CLOSED, "close", open, simulator::close),
        new Step(ChangeKind.MERGED, "merge", open.and(pr -> !pr.draft()), simulator::merge),
        new Step(ChangeKind.REOPENED, "reopen", pr -> pr.state() == PullRequestState.CLOSED, simulator::reopen),
        new Step(ChangeKind.CONVERTED_TO_DRAFT, "convert to draft", open.and(pr -> !pr.draft()),
            simulator::convertToDraft),
        new Step(ChangeKind.REVIEW_REQUESTED, "request a review from demo-reviewer",
            open.and(pr -> !pr.requestedReviewers().contains("demo-reviewer")),
            (r, n) -> simulator.requestReview(r, n, "demo-reviewer")),
        new Step(ChangeKind.ASSIGNEES_CHANGED, "assign demo-assignee",
            open.and(pr -> !pr.assignees().contains("demo-assignee")),
            (r, n) -> simulator.assign(r, n, "demo-assignee")));
    List<RepositoryId> repos = simulator.repositories();
    List<Made> made = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      RepositoryId repository = repos.get(i % repos.size());
      int number;
      if (step.mutation() == null) {
        number = simulator.openPullRequest(repository);
      } else {
        number = pick(simulator, repository, step.fits(), i / repos.size());
        step.mutation().accept(repository, number);
      }
      made.add(new Made(repository, number, step.expected(), step.description()));
    }
    return made;
  }

  /** The number of the {@code skip}-th pull request (by number) that fits. */
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
