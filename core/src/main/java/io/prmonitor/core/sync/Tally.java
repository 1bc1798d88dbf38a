package io.prmonitor.core.sync;

import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestPage;
import io.prmonitor.spi.RepositoryId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Counts one repository's work. Confined to the thread synchronizing it. */
final class Tally {
  private final RepositoryId repository;
  private final Clock clock;
  private final Instant startedAt;
  private final Map<ChangeKind, Integer> changes = new EnumMap<>(ChangeKind.class);
  final Map<Integer, String> quarantined = new TreeMap<>();
  int seen;
  int skipped;
  int requests;
  int notModified;

  Tally(RepositoryId repository, Clock clock) {
    this.repository = repository;
    this.clock = clock;
    this.startedAt = clock.instant();
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

  RepositoryOutcome outcome(RepositoryOutcome.Status status, RepositoryOutcome.Reason reason) {
    return new RepositoryOutcome(repository, status, reason, seen, skipped, changes, requests, notModified,
        Duration.between(startedAt, clock.instant()), null, quarantined);
  }

  RepositoryOutcome failed(RuntimeException e) {
    return new RepositoryOutcome(repository, RepositoryOutcome.Status.FAILED,
        RepositoryOutcome.Reason.error(e.getClass().getSimpleName() + ": " + e.getMessage()), seen, skipped, changes, requests, notModified,
        Duration.between(startedAt, clock.instant()), e.getClass().getSimpleName(), quarantined);
  }
}
