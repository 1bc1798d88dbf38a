package io.prmonitor.core.webhook;

import io.prmonitor.core.metrics.MonitorMetrics;
import io.prmonitor.core.sync.RepositoryOutcome;
import io.prmonitor.core.sync.RepositorySynchronizer;
import io.prmonitor.spi.PageRequest;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryLeases;
import io.prmonitor.spi.RepositoryState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Turns webhook events into re-reads of their repositories, after the receiver has answered.
 *
 * <p><b>Debounced per repository.</b> The first event for a repository schedules its re-read
 * {@code debounce} later; events arriving before the re-read starts join it, so a burst costs one conditional
 * list request. An event that arrives while the re-read runs schedules one more after it (the running read may
 * have listed GitHub before that event's change), so no event is left unread.
 *
 * <p><b>Never backwards.</b> An event's payload is never written anywhere: it only says which repository to
 * re-read, and the store takes what the list shows, through the same {@link RepositorySynchronizer} as a pass,
 * which never replaces a snapshot with an older one. Re-reads of one repository never overlap a pass's or
 * another re-read's: within a monitor the synchronizer serializes them, and with leases the re-read holds the
 * repository's lease (when another worker holds it, the re-read is retried shortly after). Before listing, the
 * events' pull requests are compared with the store: when every one of them is already stored with the same or
 * a later {@code updated_at} (and the same head SHA when equal), the events are late or repeated, and nothing
 * is requested.
 *
 * <p><b>Small pages.</b> A re-read for {@code pull_request} events lists a first page of twice as many pull
 * requests as its events name (at least 10), not 100: the changes it was told of are the newest, and it reads
 * on to the cursor anyway. (The entity tag it stores then belongs to that page size, so the next pass's
 * conditional request for a page of 100 is a charged {@code 200} instead of a free {@code 304}, once per
 * repository.)
 *
 * <p><b>Review and CI events</b> ({@code pull_request_review*}, {@code issue_comment} on a pull request,
 * {@code check_run}, {@code check_suite}, {@code status}) go to the {@link EnrichmentHook}: with enrichment on,
 * the monitor's enricher re-reads the reviews, CI state, mergeability and comments of the pull requests they
 * name (every open one's CI state for a {@code status} event, which names a commit), with no list request.
 * When they come with {@code pull_request} events, or name a pull request the store does not hold yet, or the
 * hook is {@link EnrichmentHook#NONE} (enrichment off), the list is re-read first, and then the hook.
 *
 * <p>The changes a re-read records are delivered right after it. Thread-safe. {@link #close()} stops
 * scheduling and waits for the re-reads in flight.
 */
public final class TargetedReads implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TargetedReads.class);

  /** The first wait before retrying a repository leased by another worker; doubled up to {@link #MAX_RETRY}. */
  static final Duration FIRST_RETRY = Duration.ofMillis(250);
  static final Duration MAX_RETRY = Duration.ofSeconds(5);
  /** The smallest first page a re-read asks for. */
  static final int MIN_PAGE = 10;

  private final RepositorySynchronizer synchronizer;
  private final PullRequestStore store;
  private final RepositoryLeases leases;
  private final String workerId;
  private final Duration leaseDuration;
  private final Consumer<RepositoryId> deliver;
  private final EnrichmentHook enrichment;
  private final MonitorMetrics metrics;
  private final Clock clock;
  private final Duration debounce;
  private final Semaphore slots;
  private final Map<RepositoryId, Pending> pending = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;
  private final ExecutorService readers;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** The events waiting for a repository's next re-read, and whether one is running. Guarded by the map. */
  private static final class Pending {
    final List<WebhookEvent> events = new ArrayList<>();
    boolean running;
    boolean scheduled;
    int leaseRetries;
  }

  /**
   * @param leases the store's leases when the monitor shares its repositories, else null
   * @param workerId this monitor's worker id (with leases)
   * @param deliver delivers the outbox's pending changes
   * @param maxConcurrent re-reads running at once
   */
  public TargetedReads(RepositorySynchronizer synchronizer, PullRequestStore store, RepositoryLeases leases,
      String workerId, Duration leaseDuration, Consumer<RepositoryId> deliver, EnrichmentHook enrichment,
      MonitorMetrics metrics, Clock clock, Duration debounce, int maxConcurrent, String monitorName) {
    this.synchronizer = synchronizer;
    this.store = store;
    this.leases = leases;
    this.workerId = workerId;
    this.leaseDuration = leaseDuration;
    this.deliver = deliver;
    this.enrichment = enrichment;
    this.metrics = metrics;
    this.clock = clock;
    this.debounce = debounce;
    this.slots = new Semaphore(maxConcurrent);
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "prmonitor-" + monitorName + "-webhook-timer");
      thread.setDaemon(true);
      return thread;
    });
    this.readers = Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name("prmonitor-" + monitorName + "-webhook-read-", 0).factory());
  }

  /** Schedules a re-read for the event's repository (joining one already scheduled). */
  public void request(WebhookEvent event) {
    if (closed.get()) {
      return;
    }
    pending.compute(event.repository(), (repository, p) -> {
      Pending next = p == null ? new Pending() : p;
      next.events.add(event);
      if (!next.running && !next.scheduled) {
        next.scheduled = true;
        schedule(repository, debounce);
      }
      return next;
    });
  }

  private void schedule(RepositoryId repository, Duration delay) {
    try {
      timer.schedule(() -> readers.execute(() -> run(repository)), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing (close() forgets what is pending): the next start's passes read the repository
      log.debug("not re-reading {}: closing", repository);
    }
  }

  private void run(RepositoryId repository) {
    List<WebhookEvent> events = new ArrayList<>();
    pending.computeIfPresent(repository, (r, p) -> {
      events.addAll(p.events);
      p.events.clear();
      p.scheduled = false;
      p.running = true;
      return p;
    });
    if (events.isEmpty()) {
      // closed meanwhile (close() forgot what was pending)
      finish(repository, events, null);
      return;
    }
    Duration retry = null;
    MDC.put("repo", repository.fullName());
    try {
      slots.acquire();
      try {
        retry = read(repository, events);
      } finally {
        slots.release();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      metrics.webhookRead("failed");
      log.warn("re-reading {} for webhook events failed; the next pass reads it: {}", repository, e.toString());
    } finally {
      MDC.remove("repo");
      finish(repository, events, retry);
    }
  }

  /** Re-reads unless the events are stale; returns the delay before retrying when the lease was taken. */
  private Duration read(RepositoryId repository, List<WebhookEvent> events) {
    RepositoryState claimed = null;
    if (leases != null) {
      List<RepositoryState> states = leases.claimDue(workerId, List.of(repository), clock.instant(),
          clock.instant(), leaseDuration, 1);
      if (states.isEmpty()) {
        metrics.webhookRead("leased");
        return retryDelay(repository);
      }
      claimed = states.get(0);
    }
    try {
      if (stale(repository, events)) {
        metrics.webhookRead("stale");
        return null;
      }
      if (handledByEnrichment(repository, events)) {
        metrics.webhookRead("enriched");
        deliver.accept(repository);
        return null;
      }
      Integer pageSize = firstPageSize(events);
      RepositoryOutcome outcome = claimed != null
          ? synchronizer.synchronize(claimed, () -> false, pageSize)
          : synchronizer.synchronizeLatest(repository, pageSize);
      metrics.webhookRead(outcome.status() == RepositoryOutcome.Status.DONE ? "read" : "failed");
      if (outcome.status() != RepositoryOutcome.Status.DONE) {
        log.info("re-reading {} for webhook events ended {}: {}; the next pass reads it", repository,
            outcome.status(), outcome.reason());
      } else {
        refreshAfterList(repository, events);
      }
      deliver.accept(repository);
      return null;
    } finally {
      if (claimed != null) {
        leases.release(workerId, repository);
      }
    }
  }

  /**
   * The first page a re-read asks for. For {@code pull_request} events: twice the pull requests the events
   * name, at least {@link #MIN_PAGE}, at most 100. The changes such events announce are at the top of the
   * list, so a page that holds them all usually reaches the cursor; a page of 100 (~2 MB of JSON on GitHub)
   * would cost GitHub's server time and both sides' CPU ten times over for one changed pull request. For
   * review and CI events alone: null (100), the size the stored entity tag was most likely taken with, since
   * they rarely change the list and then the conditional request is a free {@code 304}.
   */
  static Integer firstPageSize(List<WebhookEvent> events) {
    if (events.stream().noneMatch(event -> event.kind() == WebhookEvent.Kind.PULL_REQUEST)) {
      return null;
    }
    Set<Integer> named = new TreeSet<>();
    events.forEach(event -> event.hints().forEach(hint -> named.add(hint.number())));
    return Math.min(PageRequest.MAX_PER_PAGE, Math.max(MIN_PAGE, 2 * named.size()));
  }

  private Duration retryDelay(RepositoryId repository) {
    Pending p = pending.get(repository);
    int retries = p == null ? 0 : p.leaseRetries++;
    long millis = Math.min(MAX_RETRY.toMillis(), FIRST_RETRY.toMillis() << Math.min(retries, 10));
    return Duration.ofMillis(millis);
  }

  /**
   * Whether every event names pull requests with the list's fields (a {@code pull_request} event), and the store
   * already holds each of them at the event's {@code updated_at} or later.
   */
  private boolean stale(RepositoryId repository, List<WebhookEvent> events) {
    Set<Integer> numbers = new TreeSet<>();
    for (WebhookEvent event : events) {
      if (event.kind() != WebhookEvent.Kind.PULL_REQUEST) {
        return false;
      }
      for (WebhookEvent.Hint hint : event.hints()) {
        if (hint.updatedAt() == null) {
          return false;
        }
        numbers.add(hint.number());
      }
    }
    if (numbers.isEmpty()) {
      return false;
    }
    Map<Integer, PullRequest> stored = store.pullRequests(repository, numbers);
    // a stored time past this is a clock glitch, trusted for nothing: it makes no event look stale
    Instant trustedUntil = clock.instant().plus(PullRequestStore.FUTURE_MARGIN);
    for (WebhookEvent event : events) {
      for (WebhookEvent.Hint hint : event.hints()) {
        PullRequest pr = stored.get(hint.number());
        if (pr == null || pr.updatedAt().isBefore(hint.updatedAt()) || pr.updatedAt().isAfter(trustedUntil)) {
          return false;
        }
        if (pr.updatedAt().equals(hint.updatedAt()) && hint.headSha() != null
            && !hint.headSha().equals(pr.headSha())) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether review and CI events alone were handled by the enrichment hook (never with {@code NONE}). */
  private boolean handledByEnrichment(RepositoryId repository, List<WebhookEvent> events) {
    if (events.isEmpty() || events.stream().anyMatch(event -> event.kind() == WebhookEvent.Kind.PULL_REQUEST)) {
      return false;
    }
    return refreshEnrichment(enrichment, repository, events);
  }

  /**
   * After a re-read of the list, the review and CI events among the events (mixed with {@code pull_request}
   * ones, or naming a pull request the store did not hold yet) have their pull requests' enrichment re-read.
   * The re-read counts once, as {@code read}.
   */
  private void refreshAfterList(RepositoryId repository, List<WebhookEvent> events) {
    List<WebhookEvent> enriching = events.stream()
        .filter(event -> event.kind() != WebhookEvent.Kind.PULL_REQUEST).toList();
    if (!enriching.isEmpty()) {
      refreshEnrichment(enrichment, repository, enriching);
    }
  }

  /**
   * Re-reads the enrichment the review and CI events call for: the pull requests they name, and the CI state of
   * every open pull request when one of them names none (a commit status, or a check run on a fork's commit),
   * even when others of the same debounce window name some.
   *
   * @return whether the hook handled all of it
   */
  static boolean refreshEnrichment(EnrichmentHook enrichment, RepositoryId repository, List<WebhookEvent> events) {
    Set<Integer> named = new TreeSet<>();
    boolean everyOpen = false;
    for (WebhookEvent event : events) {
      everyOpen |= event.hints().isEmpty();
      event.hints().forEach(hint -> named.add(hint.number()));
    }
    boolean handled = named.isEmpty() || enrichment.refresh(repository, named);
    if (handled && everyOpen) {
      handled = enrichment.refresh(repository, Set.of());
    }
    return handled;
  }

  private void finish(RepositoryId repository, List<WebhookEvent> events, Duration retry) {
    pending.computeIfPresent(repository, (r, p) -> {
      p.running = false;
      if (retry != null) {
        p.events.addAll(0, events);
      } else {
        p.leaseRetries = 0;
      }
      if (p.events.isEmpty()) {
        return null;
      }
      if (closed.get()) {
        return null;
      }
      p.scheduled = true;
      schedule(r, retry != null ? retry : debounce);
      return p;
    });
  }

  /** Stops scheduling and waits up to {@code timeout} for re-reads in flight. Idempotent. */
  public void close(Duration timeout) {
    if (closed.getAndSet(true)) {
      return;
    }
    timer.shutdownNow();
    readers.shutdown();
    try {
      if (!readers.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        readers.shutdownNow();
        readers.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      readers.shutdownNow();
    }
    pending.clear();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
