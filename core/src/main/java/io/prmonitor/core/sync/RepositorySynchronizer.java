package io.prmonitor.core.sync;

import io.prmonitor.core.detect.ChangeDetector;
import io.prmonitor.spi.GitHubAuthenticationException;
import io.prmonitor.spi.GitHubClient;
import io.prmonitor.spi.ListingCursor;
import io.prmonitor.spi.PageRequest;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestPage;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RateLimitExceededException;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryState;
import io.prmonitor.spi.SyncBatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings one repository's stored pull requests up to date with GitHub: reads the pull request list
 * newest-updated first, page by page, detects the changes of each pull request against its stored
 * snapshot, and applies each page as one {@link SyncBatch}. This class owns the listing and the cursor;
 * {@link PageApplier} detects and writes each page, {@link Quarantine} keeps the refused pull requests,
 * {@link Pagination} stops a listing that goes round in circles. (The comment below argues for all of them:
 * the argument is one, and is kept whole here.)
 *
 * <h2>Why the incremental listing loses nothing</h2>
 * The list ({@code sort=updated&direction=desc}) is paged by offset over a live ordering. Any update to
 * a pull request moves it to position 0, shifting the items that stood before it one place down; items
 * after its old place do not move. A new pull request also enters at position 0. So while a pass reads
 * page after page, items only ever move <em>down</em> (toward pages not read yet, which re-reads an item
 * at a page boundary: harmless, since detection compares with the stored snapshot and an unchanged
 * snapshot yields nothing) or jump to position 0 (already read in this pass). An item that jumps is
 * missed by this pass, but its new {@code updated_at} is later than everything this pass saw, so it is
 * later than the cursor this pass stores, and the next pass reads it.
 *
 * <p>The cursor is an exclusive bound: every version of a pull request updated before it has been seen
 * by a completed pass. A later pass reads on while a page holds nothing older than the cursor, and stops
 * after the first page that does: every item beyond it is older still, and was read, unchanged, by an
 * earlier completed pass. Two bounds are valid and the greater is kept. (a) The greatest
 * {@code updated_at} the pass saw: an item the pass missed was updated after the first page was read, so
 * its {@code updated_at} is at least that of everything read; but with GitHub's one-second resolution it
 * may equal it, so items at the bound itself are read again, not trusted. (b) The second, on our clock,
 * at which the first page was read, less {@link #CLOCK_SKEW_MARGIN} for the difference between our clock
 * and GitHub's: an update after the read carries a later time. Bound (b) is usually the greater, so
 * that a pass after {@code k <= 99} updates needs one page. The first page's
 * entity tag is kept with the cursor; since every update moves its pull request onto the first page, a
 * {@code 304} for the first page means nothing changed at all, and the pass costs one free request.
 *
 * <p>A pass during which a list item could not be read (it was skipped) completes without moving the
 * cursor and drops the entity tag, so the next pass reads that item again.
 *
 * <h2>Quarantine</h2>
 * One pull request must not stop its repository. A list item the reader refuses (with its number known),
 * or a snapshot the store refuses, is quarantined: recorded in the store with its reason
 * ({@link PullRequestStore#quarantine}), counted in the outcome, logged at WARN once (again only when the
 * reason changes), and the rest of its page is applied (a refused batch is retried one pull request at a
 * time, as long as the store still answers a {@code ping}; when it does not, the repository fails as
 * before). While a pull request is quarantined the pass keeps no entity tag and the cursor stays at or
 * before the {@code updated_at} of the refused version, so every later pass reads it again; once it is
 * stored (or found equal to the stored snapshot) its record is cleared. A record whose pull request a
 * complete listing no longer shows is cleared too.
 *
 * <h2>Timestamps that cannot be trusted</h2>
 * An {@code updated_at} later than {@link #FUTURE_MARGIN} past our clock at the first page (a GitHub
 * Enterprise clock glitch, a hostile server) is stored as sent but trusted for nothing: it does not move
 * the cursor, and a stored snapshot carrying one does not block a snapshot read later with an earlier
 * {@code updated_at}, so a pull request once served in year 9999 and merged since ends MERGED, with its
 * {@code MERGED} change. A stored cursor beyond that bound (written by an older version) is dropped, and
 * the pass reads every page once. What remains trusted is a timestamp within the margin: one in the future
 * by less than a minute can still hide, for that minute, an update on a page after the first.
 *
 * <h2>A pull request served twice</h2>
 * Where one page holds a number twice, one copy is used: the one with the later trusted
 * {@code updated_at}, and between equal ones the first, since the list is sorted newest first and the first
 * place is the one the server sorted last. Across pages, a copy read again is compared with what the pass
 * stored, as any item re-read at a page boundary.
 *
 * <p>A silent first pass (no {@code OPENED} for what it finds) into a repository of which the store holds
 * no snapshot looks up only the numbers it reads a second time (an item that moved down a page), the rest
 * being absent from the store; what it reads again is compared with what it wrote, as in any pass.
 *
 * <p>The cursor and entity tag advance only when a pass completes. A pass that fails or is deferred
 * part-way leaves them where they were; what it applied stays applied, and re-reading it later yields no
 * change because the stored snapshots already match. A snapshot is never replaced by an older one
 * (smaller {@code updated_at}), so a stale read cannot undo a newer one.
 *
 * <p>Thread-safe: one instance serves all repositories; each call works on one repository, and calls for the
 * same repository (a pass's and a webhook's re-read) run one after the other, so that no read can write what
 * it listed over what a later read wrote in between.
 */
public final class RepositorySynchronizer {

  private static final Logger log = LoggerFactory.getLogger(RepositorySynchronizer.class);

  /**
   * The most list pages one pass reads from one repository (a million pull requests, three times the
   * largest repositories on GitHub); a listing that goes on past it fails the repository.
   */
  public static final int MAX_PAGES = 10_000;

  /** How far our clock may run ahead of GitHub's without the cursor skipping an update. */
  public static final Duration CLOCK_SKEW_MARGIN = Duration.ofSeconds(60);

  /**
   * How far past our clock an {@code updated_at} is still trusted (GitHub's clock may run ahead of ours);
   * a later one moves no cursor and blocks no newer snapshot.
   */
  public static final Duration FUTURE_MARGIN = PullRequestStore.FUTURE_MARGIN;

  private final GitHubClient client;
  private final PullRequestStore store;
  private final ChangeDetector detector;
  private final boolean emitOpenedOnBaseline;
  private final Clock clock;
  private final Map<RepositoryId, ReentrantLock> locks = new ConcurrentHashMap<>();
  private final BiConsumer<RepositoryId, List<PullRequest>> onUpserted;

  public RepositorySynchronizer(GitHubClient client, PullRequestStore store, ChangeDetector detector,
      boolean emitOpenedOnBaseline, Clock clock) {
    this(client, store, detector, emitOpenedOnBaseline, clock, (repository, upserts) -> { });
  }

  /**
   * @param onUpserted called with each batch of snapshots applied, after it committed (enrichment reads
   *     those pull requests, whose {@code updated_at} moved)
   */
  public RepositorySynchronizer(GitHubClient client, PullRequestStore store, ChangeDetector detector,
      boolean emitOpenedOnBaseline, Clock clock, BiConsumer<RepositoryId, List<PullRequest>> onUpserted) {
    this.client = client;
    this.store = store;
    this.detector = detector;
    this.emitOpenedOnBaseline = emitOpenedOnBaseline;
    this.clock = clock;
    this.onUpserted = onUpserted;
  }

  /**
   * Synchronizes one repository.
   *
   * @param state what the store remembers of the repository
   * @param stop polled between pages; when it answers true the repository is deferred
   * @return how it ended: a rate-limit refusal or {@code stop} ends in {@code DEFERRED}, any failure of
   *     the client or the store in {@code FAILED}
   * @throws GitHubAuthenticationException if GitHub rejects the credentials, which no other repository
   *     would get past either
   */
  public RepositoryOutcome synchronize(RepositoryState state, BooleanSupplier stop) {
    return synchronize(state, stop, null);
  }

  /**
   * Synchronizes one repository, reading a first page of {@code firstPageSize} pull requests (null: 100).
   * A re-read that expects only a few pull requests to have changed asks for a small first page: the
   * listing still reads on, page by page, until it reaches the cursor, so a smaller page costs more requests
   * only when more pull requests changed than it holds.
   *
   * @see #synchronize(RepositoryState, BooleanSupplier)
   */
  public RepositoryOutcome synchronize(RepositoryState state, BooleanSupplier stop, Integer firstPageSize) {
    ReentrantLock lock = locks.computeIfAbsent(state.repository(), r -> new ReentrantLock());
    lock.lock();
    try {
      return synchronizeLocked(state, stop, firstPageSize);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Synchronizes one repository from the state the store holds once no other call for it runs: what a
   * re-read between passes wants, the state having possibly moved since anyone read it.
   *
   * @param firstPageSize the first page's size, or null for 100
   * @see #synchronize(RepositoryState, BooleanSupplier, Integer)
   */
  public RepositoryOutcome synchronizeLatest(RepositoryId repository, Integer firstPageSize) {
    ReentrantLock lock = locks.computeIfAbsent(repository, r -> new ReentrantLock());
    lock.lock();
    try {
      return synchronizeLocked(store.repositoryState(repository), () -> false, firstPageSize);
    } finally {
      lock.unlock();
    }
  }

  private RepositoryOutcome synchronizeLocked(RepositoryState given, BooleanSupplier stop, Integer firstPageSize) {
    RepositoryId repository = given.repository();
    // a pass reads its states when it starts; a webhook re-read may have completed a baseline since, and a
    // pass that still took it for one would report none of the pull requests opened in between
    RepositoryState state = given;
    if (given.isBaseline()) {
      try {
        state = store.repositoryState(repository);
      } catch (RuntimeException e) {
        // the pass's own state then; the store's failure shows in the operations that follow
        log.debug("{}: re-reading its state failed: {}", repository, e.toString());
      }
    }
    Tally tally = new Tally(repository, clock);
    boolean reportNew = !state.isBaseline() || emitOpenedOnBaseline;
    try {
      Instant readAt = clock.instant();
      Instant trustedUntil = readAt.plus(FUTURE_MARGIN);
      ListingCursor cursor = state.cursor();
      if (cursor.updatedAt() != null && cursor.updatedAt().isAfter(trustedUntil)) {
        log.warn("{}: stored cursor {} is later than our clock allows; reading every page once", repository,
            cursor.updatedAt());
        cursor = ListingCursor.NONE;
      }
      // an entity tag matches only the same content, so one stored from a page of another size never
      // answers 304 wrongly: it just does not match (unless both pages hold the whole list)
      // a small first page helps only a read that stops at the cursor: without one, every page is read, and
      // later pages keep the first page's size
      PullRequestPage page = client.listPullRequests(firstPageSize == null || cursor.updatedAt() == null
          ? PageRequest.firstPage(repository, cursor.etag())
          : PageRequest.firstPage(repository, cursor.etag(), firstPageSize));
      tally.count(page);
      if (page.notModified()) {
        store.completePass(repository, cursor, clock.instant());
        return tally.outcome(RepositoryOutcome.Status.DONE, null);
      }
      String firstPageEtag = page.etag();
      Quarantine quarantine = new Quarantine(store, repository, store.quarantined(repository), tally, readAt);
      // a silent first pass into a repository the store holds nothing of has nothing to compare with but
      // what it wrote itself: it looks up only the numbers it reads a second time
      Set<Integer> written = reportNew || store.hasPullRequests(repository) ? null : new HashSet<>();
      Instant newest = cursor.updatedAt();
      PageApplier pages = new PageApplier(store, detector, onUpserted, repository, reportNew, written, tally,
          quarantine, trustedUntil);
      Pagination pagination = new Pagination(repository);
      pagination.read(page);
      while (true) {
        newest = max(newest, pages.apply(page));
        if (!page.hasNext() || reachedCursor(page, cursor)) {
          break;
        }
        if (stop.getAsBoolean()) {
          return tally.outcome(RepositoryOutcome.Status.DEFERRED, RepositoryOutcome.Reason.passDeadline());
        }
        pagination.next(page.next());
        page = client.listPullRequests(PageRequest.next(repository, page.next()));
        tally.count(page);
        pagination.read(page);
      }
      Instant seenBefore = readAt.minus(CLOCK_SKEW_MARGIN).truncatedTo(ChronoUnit.SECONDS);
      quarantine.finish(!page.hasNext());
      ListingCursor next;
      if (tally.skipped > 0 || quarantine.holdsUnknownTime()) {
        // an item that could not be read must be read again: keep the old bound, and no entity tag
        next = new ListingCursor(cursor.updatedAt(), null);
      } else if (quarantine.heldBackTo() != null) {
        // nor may the cursor pass over a quarantined pull request
        next = new ListingCursor(min(max(newest, seenBefore), quarantine.heldBackTo()), null);
      } else {
        next = new ListingCursor(max(newest, seenBefore), firstPageEtag);
      }
      store.completePass(repository, next, clock.instant());
      return tally.outcome(RepositoryOutcome.Status.DONE, null);
    } catch (RateLimitExceededException e) {
      return tally.outcome(RepositoryOutcome.Status.DEFERRED, new RepositoryOutcome.Reason(
          RepositoryOutcome.Reason.Kind.RATE_LIMIT, "rate limit budget exhausted until " + e.resetAt()));
    } catch (GitHubAuthenticationException e) {
      throw e;
    } catch (RuntimeException e) {
      // the outcome carries the failure to whoever ran the repository, which logs it once; the trace is
      // for debugging only
      log.debug("synchronizing {} failed after {} requests", repository, tally.requests, e);
      return tally.failed(e);
    }
  }

  /** Whether this page already holds an item older than the cursor, so later pages hold only such items. */
  private static boolean reachedCursor(PullRequestPage page, ListingCursor cursor) {
    if (cursor.updatedAt() == null) {
      return false;
    }
    for (PullRequest pr : page.pullRequests()) {
      if (pr.updatedAt().isBefore(cursor.updatedAt())) {
        return true;
      }
    }
    return false;
  }

  private static Instant min(Instant a, Instant b) {
    if (a == null || b == null) {
      return null;
    }
    return a.isBefore(b) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }
}
