package io.prmonitor.spi;

import java.util.List;
import java.util.Objects;

/**
 * A bounded unit of synchronization for one repository: pull request snapshots to insert or replace
 * and the changes detected on them, which a {@link PullRequestStore} applies in one transaction.
 *
 * @param repository the repository every snapshot and change belongs to
 * @param upserts snapshots to insert, or to replace the stored snapshot with the same number
 * @param changes changes to append to the outbox, in detection order
 * @param enrichments enrichments to insert, or to replace the stored enrichment of the same number with
 */
public record SyncBatch(RepositoryId repository, List<PullRequest> upserts, List<PullRequestChange> changes,
    List<PullRequestEnrichment> enrichments) {

  public SyncBatch {
    Objects.requireNonNull(repository, "null repository");
    upserts = List.copyOf(upserts);
    changes = List.copyOf(changes);
    enrichments = List.copyOf(enrichments);
    for (PullRequestChange change : changes) {
      if (!change.repository().equals(repository)) {
        throw new IllegalArgumentException(
            "change " + change.key() + " does not belong to batch repository " + repository);
      }
    }
  }

  /** A batch of snapshots and changes without enrichment. */
  public SyncBatch(RepositoryId repository, List<PullRequest> upserts, List<PullRequestChange> changes) {
    this(repository, upserts, changes, List.of());
  }

  /** Whether the batch has nothing to write. */
  public boolean isEmpty() {
    return upserts.isEmpty() && changes.isEmpty() && enrichments.isEmpty();
  }
}
