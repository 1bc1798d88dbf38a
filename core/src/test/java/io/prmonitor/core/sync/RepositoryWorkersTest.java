package io.prmonitor.core.sync;

import static io.prmonitor.spi.contract.PullRequestFixtures.pullRequest;
import static io.prmonitor.spi.contract.PullRequestFixtures.repository;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import io.prmonitor.StaticGitHubClient;
import io.prmonitor.core.detect.ChangeDetector;
import io.prmonitor.core.store.InMemoryPullRequestStore;
import io.prmonitor.spi.GitHubAuthenticationException;
import io.prmonitor.spi.GitHubException;
import io.prmonitor.spi.PageRequest;
import io.prmonitor.spi.PullRequestPage;
import io.prmonitor.spi.RateLimitExceededException;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The deadline and defer rules of a pass, on a clock that each page request moves ten seconds forward. One
 * repository at a time, so that the order in which repositories are taken up is the queue's.
 */
class RepositoryWorkersTest {

  private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  private static final Duration PER_PAGE = Duration.ofSeconds(10);
  private static final RepositoryId A = repository("a");
  private static final RepositoryId B = repository("b");
  private static final RepositoryId C = repository("c");

  private final MutableClock clock = new MutableClock(T0);
  private final InMemoryPullRequestStore store = new InMemoryPullRequestStore();
  private final PagedClient client = new PagedClient();

  /**
   * Answers each repository's listing with its number of pages, one pull request each, or with what its
   * failure function throws; every request moves the clock {@link #PER_PAGE} forward.
   */
  private final class PagedClient extends StaticGitHubClient {
    final Map<RepositoryId, Integer> pages = new ConcurrentHashMap<>();
    final Map<RepositoryId, Function<RepositoryId, RuntimeException>> failures = new ConcurrentHashMap<>();
    final Map<RepositoryId, AtomicInteger> requested = new ConcurrentHashMap<>();

    @Override
    public PullRequestPage listPullRequests(PageRequest request) {
      RepositoryId repository = request.repository();
      int page = requested.computeIfAbsent(repository, r -> new AtomicInteger()).incrementAndGet();
      clock.advance(PER_PAGE);
      if (failures.containsKey(repository)) {
        throw failures.get(repository).apply(repository);
      }
      int last = pages.getOrDefault(repository, 1);
      int current = request.url() == null || !request.url().getPath().startsWith("/page/") ? 1
          : Integer.parseInt(request.url().getPath().substring("/page/".length()));
      URI next = current < last ? URI.create("http://127.0.0.1/page/" + (current + 1)) : null;
      return new PullRequestPage(false, List.of(pullRequest(1000 - current, T0.minusSeconds(current))), List.of(),
          null, next, last, 1);
    }

    int requests(RepositoryId repository) {
      AtomicInteger count = requested.get(repository);
      return count == null ? 0 : count.get();
    }
  }

  private RepositoryWorkers workers(Duration deadline) {
    RepositorySynchronizer synchronizer = new RepositorySynchronizer(client, store, new ChangeDetector(), false,
        clock);
    return new RepositoryWorkers(synchronizer, Thread.ofPlatform().factory(), 1, deadline, clock);
  }

  private static List<RepositoryOutcome> pass(RepositoryWorkers workers, InMemoryPullRequestStore store,
      RepositoryId... repositories) throws InterruptedException {
    return workers.run(1, new OrderedRepositoryQueue(store, List.of(repositories)), outcome -> { });
  }

  private static RepositoryOutcome outcomeOf(List<RepositoryOutcome> outcomes, RepositoryId repository) {
    return outcomes.stream().filter(o -> o.repository().equals(repository)).findFirst().orElseThrow();
  }

  @Test
  void run_deadlinePassesBetweenPages_defersTheRepositoryThere() throws InterruptedException {
    client.pages.put(A, 5);

    List<RepositoryOutcome> outcomes = pass(workers(Duration.ofSeconds(25)), store, A);

    RepositoryOutcome a = outcomeOf(outcomes, A);
    assertThat(a.deferredBy(RepositoryOutcome.Reason.Kind.PASS_DEADLINE)).as("%s", a).isTrue();
    // pages at +10 s, +20 s, +30 s: the deadline (+25 s) is found passed before the fourth
    assertThat(client.requests(A)).isEqualTo(3);
    assertThat(a.requests()).isEqualTo(3);
  }

  @Test
  void run_afterTheDeadline_defersTheRestWithoutARequest() throws InterruptedException {
    client.pages.put(A, 5);

    List<RepositoryOutcome> outcomes = pass(workers(Duration.ofSeconds(25)), store, A, B, C);

    for (RepositoryId later : List.of(B, C)) {
      RepositoryOutcome outcome = outcomeOf(outcomes, later);
      assertThat(outcome.deferredBy(RepositoryOutcome.Reason.Kind.PASS_DEADLINE)).as("%s", outcome).isTrue();
      assertThat(outcome.requests()).isZero();
      assertThat(client.requests(later)).isZero();
    }
  }

  @Test
  void run_repositoryTheLastDeadlineCutShort_runsToItsEndInTheNextPass() throws InterruptedException {
    client.pages.put(A, 5);
    RepositoryWorkers workers = workers(Duration.ofSeconds(25));
    pass(workers, store, A, B);

    List<RepositoryOutcome> second = pass(workers, store, A, B);

    // five pages take 50 s, twice the deadline; B, behind it, waits for the pass after
    assertThat(outcomeOf(second, A).status()).isEqualTo(RepositoryOutcome.Status.DONE);
    assertThat(client.requests(A)).isEqualTo(3 + 5);
    assertThat(outcomeOf(second, B).deferredBy(RepositoryOutcome.Reason.Kind.PASS_DEADLINE)).isTrue();
  }

  @Test
  void run_repositoryDeferredBeforeItsFirstRequest_isNotExemptFromTheNextDeadline() throws InterruptedException {
    client.pages.put(A, 5);
    client.pages.put(B, 5);
    RepositoryWorkers workers = workers(Duration.ofSeconds(25));
    // A is cut short after its third page; B never started, so it is not exempt from the next deadline
    pass(workers, store, A, B);

    List<RepositoryOutcome> second = pass(workers, store, B, A);

    assertThat(outcomeOf(second, B).deferredBy(RepositoryOutcome.Reason.Kind.PASS_DEADLINE)).isTrue();
    assertThat(client.requests(B)).isEqualTo(3);
  }

  @Test
  void run_rateLimitedRepository_defersTheRestWithItsReason() throws InterruptedException {
    Instant reset = T0.plusSeconds(3600);
    client.failures.put(A, repository -> new RateLimitExceededException("budget spent", 403, reset));

    List<RepositoryOutcome> outcomes = pass(workers(null), store, A, B, C);

    RepositoryOutcome a = outcomeOf(outcomes, A);
    assertThat(a.deferredBy(RepositoryOutcome.Reason.Kind.RATE_LIMIT)).as("%s", a).isTrue();
    assertThat(a.reason().message()).contains(reset.toString());
    for (RepositoryId later : List.of(B, C)) {
      assertThat(outcomeOf(outcomes, later).reason()).isEqualTo(a.reason());
      assertThat(client.requests(later)).isZero();
    }
  }

  @Test
  void run_rateLimitDeferral_doesNotLetTheRepositoryOutrunTheNextDeadline() throws InterruptedException {
    client.failures.put(A, repository -> new RateLimitExceededException("budget spent", 403, T0.plusSeconds(60)));
    RepositoryWorkers workers = workers(Duration.ofSeconds(25));
    pass(workers, store, A);
    client.failures.clear();
    client.pages.put(A, 5);

    List<RepositoryOutcome> second = pass(workers, store, A);

    assertThat(outcomeOf(second, A).deferredBy(RepositoryOutcome.Reason.Kind.PASS_DEADLINE)).isTrue();
  }

  @Test
  void run_credentialsRejected_rethrowsAndStartsNoOtherRepository() {
    client.failures.put(A, repository -> new GitHubAuthenticationException("Bad credentials", 401));

    assertThatThrownBy(() -> pass(workers(null), store, A, B)).isInstanceOf(GitHubAuthenticationException.class)
        .hasMessageContaining("Bad credentials");
    assertThat(client.requests(B)).isZero();
  }

  @Test
  void run_failedRepository_isLoggedOnce_atWarn_withItsRepository() throws InterruptedException {
    client.failures.put(A, repository -> new GitHubException("the listing broke for " + repository, 502));
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    List<RepositoryOutcome> outcomes;
    try {
      outcomes = pass(workers(null), store, A);
    } finally {
      root.detachAppender(captured);
    }

    assertThat(outcomeOf(outcomes, A).status()).isEqualTo(RepositoryOutcome.Status.FAILED);
    List<ILoggingEvent> lines = captured.list.stream()
        .filter(event -> event.getFormattedMessage().contains("the listing broke for " + A)
            && event.getLevel().isGreaterOrEqual(Level.INFO))
        .toList();
    assertThat(lines).hasSize(1);
    assertThat(lines.getFirst().getLevel()).isEqualTo(Level.WARN);
    assertThat(lines.getFirst().getMDCPropertyMap()).containsEntry("repo", A.fullName()).containsEntry("pass", "1");
  }
}
