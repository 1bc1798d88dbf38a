package io.prmonitor.core.sync;

import io.prmonitor.core.detect.ChangeDetector;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestPage;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.SkippedPullRequest;
import io.prmonitor.spi.SyncBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The detect and write steps of one repository's listing, page by page: finds each listed pull request's
 * changes against its stored snapshot ({@link ChangeDetector}) and applies the page as one {@link SyncBatch},
 * the snapshots and their outbox entries in one transaction. A batch the store refuses is retried one pull
 * request at a time, and a pull request it refuses twice is quarantined (see {@link RepositorySynchronizer}'s
 * class comment for why each rule keeps the listing correct). One instance serves one repository's pass;
 * confined to the thread synchronizing it.
 */
final class PageApplier {

  /** The MDC key naming the pull request being processed (its number), beside {@code repo} and {@code pass}. */
  static final String PR = "pr";

  private static final Logger log = LoggerFactory.getLogger(PageApplier.class);

  private final PullRequestStore store;
  private final ChangeDetector detector;
  private final BiConsumer<RepositoryId, List<PullRequest>> onUpserted;
  private final RepositoryId repository;
  private final boolean reportNew;
  private final Set<Integer> written;
  private final Tally tally;
  private final Quarantine quarantine;
  private final Instant trustedUntil;

  /**
   * @param onUpserted called with each batch of snapshots applied, after it committed
   * @param reportNew whether a pull request the store does not hold yields {@code OPENED}
   * @param written the numbers this pass stored, for a silent first pass into an empty store; else null
   * @param trustedUntil the latest {@code updated_at} trusted to order snapshots
   */
  PageApplier(PullRequestStore store, ChangeDetector detector, BiConsumer<RepositoryId, List<PullRequest>> onUpserted,
      RepositoryId repository, boolean reportNew, Set<Integer> written, Tally tally, Quarantine quarantine,
      Instant trustedUntil) {
    this.store = store;
    this.detector = detector;
    this.onUpserted = onUpserted;
    this.repository = repository;
    this.reportNew = reportNew;
    this.written = written;
    this.tally = tally;
    this.quarantine = quarantine;
    this.trustedUntil = trustedUntil;
  }

  /**
   * Detects and applies one page; returns the newest trusted {@code updated_at} on it, or null if none. With
   * {@code written} (the numbers this pass stored, or null) only those numbers are looked up, the others
   * being absent from the store; the page's numbers are added to it. The MDC key {@code pr} names the pull
   * request while its changes are detected and while it is applied alone.
   */
  Instant apply(PullRequestPage page) {
    for (SkippedPullRequest skipped : page.skipped()) {
      if (skipped.number() > 0) {
        // logged by the quarantine, once
        quarantine.refused(skipped.number(), null, "unreadable list item: " + skipped.reason());
      } else {
        log.warn("skipped pull request item {} of {} (number unknown): {}", skipped.index(), repository,
            skipped.reason());
      }
    }
    List<PullRequest> fetched = oncePerNumber(page.pullRequests(), trustedUntil);
    if (fetched.isEmpty()) {
      quarantine.flush();
      return null;
    }
    List<Integer> numbers = new ArrayList<>(fetched.size());
    Instant newest = null;
    for (PullRequest pr : fetched) {
      numbers.add(pr.number());
      quarantine.seen(pr.number());
      if (!pr.updatedAt().isAfter(trustedUntil)) {
        newest = max(newest, pr.updatedAt());
      }
    }
    List<Integer> lookUp = written == null ? numbers : numbers.stream().filter(written::contains).toList();
    Map<Integer, PullRequest> stored = lookUp.isEmpty() ? Map.of() : store.pullRequests(repository, lookUp);
    List<PullRequest> upserts = new ArrayList<>();
    List<List<PullRequestChange>> changesOf = new ArrayList<>();
    for (PullRequest pr : fetched) {
      PullRequest old = stored.get(pr.number());
      if (pr.equals(old)) {
        quarantine.stored(pr.number());
        continue;
      }
      // a stale read never undoes a newer snapshot, unless the newer one's time cannot be trusted
      if (old != null && old.updatedAt().isAfter(pr.updatedAt()) && !old.updatedAt().isAfter(trustedUntil)) {
        quarantine.stored(pr.number());
        continue;
      }
      List<PullRequestChange> found;
      try (MDC.MDCCloseable ignored = MDC.putCloseable(PR, Integer.toString(pr.number()))) {
        found = detector.detect(repository, old, pr, reportNew);
        if (log.isDebugEnabled()) {
          log.debug("{}#{} updated at {}: {}", repository, pr.number(), pr.updatedAt(),
              found.stream().map(c -> c.kind() + "/" + c.field()).toList());
        }
      }
      changesOf.add(found);
      upserts.add(pr);
    }
    if (!upserts.isEmpty()) {
      List<PullRequestChange> changes = new ArrayList<>();
      changesOf.forEach(changes::addAll);
      try {
        store.apply(new SyncBatch(repository, upserts, changes));
        tally.changes(changes);
        upserts.forEach(pr -> quarantine.stored(pr.number()));
        onUpserted.accept(repository, upserts);
      } catch (RuntimeException refused) {
        applyOneByOne(upserts, changesOf, refused);
      }
    }
    quarantine.flush();
    if (written != null) {
      written.addAll(numbers);
    }
    return newest;
  }

  /**
   * Applies a refused batch one pull request at a time and quarantines those the store still refuses, as
   * long as the store answers: when it does not, the batch's failure fails the repository. A store that
   * answers may still have refused for a passing reason (a pooled connection that had died, a statement
   * timeout), so a pull request is quarantined only when the store refuses it twice in a row.
   */
  private void applyOneByOne(List<PullRequest> upserts, List<List<PullRequestChange>> changesOf,
      RuntimeException batchFailure) {
    if (upserts.size() > 1) {
      log.debug("{}: a batch of {} was refused ({}); applying them one at a time", repository, upserts.size(),
          batchFailure.toString());
    }
    for (int i = 0; i < upserts.size(); i++) {
      PullRequest pr = upserts.get(i);
      try (MDC.MDCCloseable ignored = MDC.putCloseable(PR, Integer.toString(pr.number()))) {
        applyAlone(pr, changesOf.get(i), batchFailure);
      }
    }
  }

  /** Applies one pull request of a refused batch; quarantines it if the store refuses it twice. */
  private void applyAlone(PullRequest pr, List<PullRequestChange> changes, RuntimeException batchFailure) {
    RuntimeException refused = null;
    for (int attempt = 1; attempt <= 2; attempt++) {
      try {
        store.apply(new SyncBatch(repository, List.of(pr), changes));
        tally.changes(changes);
        quarantine.stored(pr.number());
        onUpserted.accept(repository, List.of(pr));
        return;
      } catch (RuntimeException e) {
        refused = e;
        try {
          store.ping();
        } catch (RuntimeException unreachable) {
          batchFailure.addSuppressed(e);
          throw batchFailure;
        }
      }
    }
    quarantine.refused(pr.number(), pr.updatedAt(), "store refused it: " + refused);
  }

  /**
   * The page's pull requests with each number once (see the class comment): the copy with the later trusted
   * {@code updated_at}, the first of equal ones.
   */
  static List<PullRequest> oncePerNumber(List<PullRequest> fetched, Instant trustedUntil) {
    Map<Integer, Integer> firstIndex = new HashMap<>(fetched.size() * 2);
    List<PullRequest> kept = null;
    for (int i = 0; i < fetched.size(); i++) {
      PullRequest pr = fetched.get(i);
      Integer at = firstIndex.putIfAbsent(pr.number(), kept == null ? i : kept.size());
      if (at == null) {
        if (kept != null) {
          kept.add(pr);
        }
        continue;
      }
      if (kept == null) {
        kept = new ArrayList<>(fetched.subList(0, i));
      }
      PullRequest other = kept.get(at);
      if (trusted(pr.updatedAt(), trustedUntil).isAfter(trusted(other.updatedAt(), trustedUntil))) {
        kept.set(at, pr);
      }
    }
    return kept == null ? fetched : kept;
  }

  /** An {@code updated_at} as far as it is trusted: one past the bound counts as older than any other. */
  private static Instant trusted(Instant updatedAt, Instant trustedUntil) {
    return updatedAt.isAfter(trustedUntil) ? Instant.MIN : updatedAt;
  }

  private static Instant max(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }
}
