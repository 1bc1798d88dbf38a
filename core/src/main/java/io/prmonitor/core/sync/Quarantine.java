package io.prmonitor.core.sync;

import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.QuarantinedPullRequest;
import io.prmonitor.spi.RepositoryId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quarantine of one repository during one pass: what the store held at its start, what this pass
 * refused, and what it stored since. Records are written page by page. Confined to the thread
 * synchronizing the repository.
 */
final class Quarantine {

  private static final Logger log = LoggerFactory.getLogger(Quarantine.class);

  private final PullRequestStore store;
  private final RepositoryId repository;
  private final Map<Integer, QuarantinedPullRequest> previous = new HashMap<>();
  private final Map<Integer, QuarantinedPullRequest> refused = new TreeMap<>();
  private final Set<Integer> seen = new HashSet<>();
  private final Tally tally;
  private final Instant now;
  private final List<QuarantinedPullRequest> toRecord = new ArrayList<>();
  private final Set<Integer> toClear = new HashSet<>();

  Quarantine(PullRequestStore store, RepositoryId repository, List<QuarantinedPullRequest> stored, Tally tally,
      Instant now) {
    this.store = store;
    this.repository = repository;
    stored.forEach(entry -> previous.put(entry.number(), entry));
    this.tally = tally;
    this.now = now;
  }

  void seen(int number) {
    seen.add(number);
  }

  void refused(int number, Instant updatedAt, String reason) {
    seen.add(number);
    QuarantinedPullRequest before = previous.get(number);
    QuarantinedPullRequest entry = before == null
        ? new QuarantinedPullRequest(number, updatedAt, reason, now, 1)
        : new QuarantinedPullRequest(number, updatedAt, reason, before.since(), before.attempts() + 1);
    if (refused.put(number, entry) != null) {
      return;
    }
    if (before == null || !before.reason().equals(reason)) {
      log.warn("quarantined {}#{}: {}; it is retried on every pass until it is stored", repository, number,
          reason);
    } else {
      log.debug("{}#{} still quarantined (attempt {}): {}", repository, number, entry.attempts(), reason);
    }
    tally.quarantined.put(number, reason);
    toRecord.add(entry);
    toClear.remove(number);
  }

  void stored(int number) {
    if (previous.containsKey(number) && !refused.containsKey(number)) {
      toClear.add(number);
    }
  }

  /** Writes this page's records. */
  void flush() {
    if (!toRecord.isEmpty()) {
      store.quarantine(repository, toRecord);
      toRecord.clear();
    }
    if (!toClear.isEmpty()) {
      store.clearQuarantine(repository, toClear);
      toClear.forEach(number -> {
        previous.remove(number);
        log.info("{}#{} left the quarantine: stored", repository, number);
      });
      toClear.clear();
    }
  }

  /**
   * Ends the pass: with the whole list read, a record whose pull request the list no longer shows is
   * cleared (GitHub deleted it); otherwise such records are kept and keep holding the cursor.
   */
  void finish(boolean wholeListRead) {
    if (wholeListRead) {
      List<Integer> gone = previous.keySet().stream().filter(n -> !seen.contains(n)).toList();
      if (!gone.isEmpty()) {
        store.clearQuarantine(repository, gone);
        gone.forEach(previous::remove);
        log.info("{}: quarantined pull requests {} are no longer listed; their records are cleared",
            repository, gone);
      }
    }
  }

  /** The earliest {@code updated_at} of a pull request still quarantined, or null if none has one. */
  Instant heldBackTo() {
    Instant earliest = null;
    for (QuarantinedPullRequest entry : stillHeld()) {
      if (entry.updatedAt() != null && (earliest == null || entry.updatedAt().isBefore(earliest))) {
        earliest = entry.updatedAt();
      }
    }
    return earliest;
  }

  /** Whether a pull request still quarantined has no known {@code updated_at}. */
  boolean holdsUnknownTime() {
    return stillHeld().stream().anyMatch(entry -> entry.updatedAt() == null);
  }

  private List<QuarantinedPullRequest> stillHeld() {
    List<QuarantinedPullRequest> held = new ArrayList<>(refused.values());
    previous.forEach((number, entry) -> {
      if (!refused.containsKey(number)) {
        held.add(entry);
      }
    });
    return held;
  }
}
