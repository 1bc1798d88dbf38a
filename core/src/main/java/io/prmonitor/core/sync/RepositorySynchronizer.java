package io.prmonitor.core.sync;

import io.prmonitor.core.detect.ChangeDetector;
import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.GitHubAuthenticationException;
import io.prmonitor.spi.GitHubClient;
import io.prmonitor.spi.ListingCursor;
import io.prmonitor.spi.PageRequest;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestPage;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RateLimitExceededException;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryState;
import io.prmonitor.spi.SkippedPullRequest;
import io.prmonitor.spi.SyncBatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings one repository's stored pull requests up to date with GitHub: reads the pull request list
 * newest-updated first, page by page, detects the changes of each pull request against its stored
 * snapshot, and applies each page as one {@link SyncBatch}.
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
 * <p>A silent first pass (no {@code OPENED} for what it finds) into a repository of which the store holds
 * no snapshot looks up only the numbers it reads a second time (an item that moved down a page), the rest
 * being absent from the store; what it reads again is compared with what it wrote, as in any pass.
 *
 * <p>The cursor and entity tag advance only when a pass completes. A pass that fails or is deferred
 * part-way leaves them where they were; what it applied stays applied, and re-reading it later yields no
 * change because the stored snapshots already match. A snapshot is never replaced by an older one
 * (smaller {@code updated_at}), so a stale read cannot undo a newer one.
 *
 * <p>Thread-safe: one instance serves all repositories; each call works on one repository.
 */
public final class RepositorySynchronizer {

  /** The reason of a repository deferred because the pass deadline passed between two of its pages. */
  public static final String DEADLINE_REACHED = "pass deadline reached";

  private static final Logger log = LoggerFactory.getLogger(RepositorySynchronizer.class);

  /** How far our clock may run ahead of GitHub's without the cursor skipping an update. */
  public static final Duration CLOCK_SKEW_MARGIN = Duration.ofSeconds(60);

  private final GitHubClient client;
  private final PullRequestStore store;
  private final ChangeDetector detector;
  private final boolean emitOpenedOnBaseline;
  private final Clock clock;
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
    RepositoryId repository = state.repository();
    Tally tally = new Tally(repository, clock.instant());
    ListingCursor cursor = state.cursor();
    boolean reportNew = !state.isBaseline() || emitOpenedOnBaseline;
    try {
      Instant readAt = clock.instant();
      PullRequestPage page = client.listPullRequests(PageRequest.firstPage(repository, cursor.etag()));
      tally.count(page);
      if (page.notModified()) {
        store.completePass(repository, cursor, clock.instant());
        return tally.outcome(RepositoryOutcome.Status.DONE, null);
      }
      String firstPageEtag = page.etag();
      // a silent first pass into a repository the store holds nothing of has nothing to compare with but
      // what it wrote itself: it looks up only the numbers it reads a second time
      Set<Integer> written = reportNew || store.hasPullRequests(repository) ? null : new HashSet<>();
      Instant newest = cursor.updatedAt();
      while (true) {
        newest = max(newest, applyPage(repository, page, reportNew, written, tally));
        if (!page.hasNext() || reachedCursor(page, cursor)) {
          break;
        }
        if (stop.getAsBoolean()) {
          return tally.outcome(RepositoryOutcome.Status.DEFERRED, DEADLINE_REACHED);
        }
        page = client.listPullRequests(PageRequest.next(repository, page.next()));
        tally.count(page);
      }
      Instant seenBefore = readAt.minus(CLOCK_SKEW_MARGIN).truncatedTo(ChronoUnit.SECONDS);
      ListingCursor next = tally.skipped == 0 ? new ListingCursor(max(newest, seenBefore), firstPageEtag)
          // an item that could not be read must be read again: keep the old bound, and no entity tag
          : new ListingCursor(cursor.updatedAt(), null);
      store.completePass(repository, next, clock.instant());
      return tally.outcome(RepositoryOutcome.Status.DONE, null);
    } catch (RateLimitExceededException e) {
      return tally.outcome(RepositoryOutcome.Status.DEFERRED,
          "rate limit budget exhausted until " + e.resetAt());
    } catch (GitHubAuthenticationException e) {
      throw e;
    } catch (RuntimeException e) {
      log.warn("synchronizing {} failed after {} requests: {}", repository, tally.requests, e.toString(),
          log.isDebugEnabled() ? e : null);
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

  /**
   * Detects and applies one page; returns the newest {@code updated_at} on it, or null if empty. With
   * {@code written} (the numbers this pass stored, or null) only those numbers are looked up, the others
   * being absent from the store; the page's numbers are added to it.
   */
  private Instant applyPage(RepositoryId repository, PullRequestPage page, boolean reportNew,
      Set<Integer> written, Tally tally) {
    List<PullRequest> fetched = page.pullRequests();
    for (SkippedPullRequest skipped : page.skipped()) {
      log.warn("skipped pull request item {} (#{}) of {}: {}", skipped.index(), skipped.number(), repository,
          skipped.reason());
    }
    if (fetched.isEmpty()) {
      return null;
    }
    List<Integer> numbers = new ArrayList<>(fetched.size());
    Instant newest = null;
    for (PullRequest pr : fetched) {
      numbers.add(pr.number());
      newest = max(newest, pr.updatedAt());
    }
    List<Integer> lookUp = written == null ? numbers : numbers.stream().filter(written::contains).toList();
    Map<Integer, PullRequest> stored = lookUp.isEmpty() ? Map.of() : store.pullRequests(repository, lookUp);
    List<PullRequest> upserts = new ArrayList<>();
    List<PullRequestChange> changes = new ArrayList<>();
    for (PullRequest pr : fetched) {
      PullRequest old = stored.get(pr.number());
      if (pr.equals(old) || (old != null && old.updatedAt().isAfter(pr.updatedAt()))) {
        continue;
      }
      List<PullRequestChange> found = detector.detect(repository, old, pr, reportNew);
      if (log.isDebugEnabled()) {
        log.debug("{}#{} updated at {}: {}", repository, pr.number(), pr.updatedAt(),
            found.stream().map(c -> c.kind() + "/" + c.field()).toList());
      }
      changes.addAll(found);
      upserts.add(pr);
    }
    if (!upserts.isEmpty()) {
      store.apply(new SyncBatch(repository, upserts, changes));
      tally.changes(changes);
      onUpserted.accept(repository, upserts);
    }
    if (written != null) {
      written.addAll(numbers);
    }
    return newest;
  }

  private static Instant max(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }

  /** Counts one repository's work. Confined to the thread synchronizing it. */
  private final class Tally {
    private final RepositoryId repository;
    private final Instant startedAt;
    private final Map<ChangeKind, Integer> changes = new EnumMap<>(ChangeKind.class);
    private int seen;
    private int skipped;
    private int requests;
    private int notModified;

    Tally(RepositoryId repository, Instant startedAt) {
      this.repository = repository;
      this.startedAt = startedAt;
    }

    void count(PullRequestPage page) {
      requests += page.requests();
      notModified += page.notModified() ? 1 : 0;
      seen += page.pullRequests().size();
      skipped += page.skipped().size();
    }

    void changes(List<PullRequestChange> applied) {
      for (PullRequestChange change : applied) {
        changes.merge(change.kind(), 1, Integer::sum);
      }
    }

    RepositoryOutcome outcome(RepositoryOutcome.Status status, String reason) {
      return new RepositoryOutcome(repository, status, reason, seen, skipped, changes, requests, notModified,
          Duration.between(startedAt, clock.instant()), null);
    }

    RepositoryOutcome failed(RuntimeException e) {
      return new RepositoryOutcome(repository, RepositoryOutcome.Status.FAILED,
          e.getClass().getSimpleName() + ": " + e.getMessage(), seen, skipped, changes, requests, notModified,
          Duration.between(startedAt, clock.instant()), e.getClass().getSimpleName());
    }
  }
}
