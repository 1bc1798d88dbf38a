package io.prmonitor.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * What a store remembers about a repository between passes.
 *
 * @param repository the repository
 * @param cursor the listing cursor of the last completed pass, or {@link ListingCursor#NONE} if no pass
 *     has completed yet (the next pass is then the repository's baseline)
 * @param lastCompletedAt when the last pass over this repository completed, or null if none has
 */
public record RepositoryState(RepositoryId repository, ListingCursor cursor, Instant lastCompletedAt) {

  public RepositoryState {
    Objects.requireNonNull(repository, "null repository");
    Objects.requireNonNull(cursor, "null cursor");
  }

  /** The state of a repository no pass has completed for. */
  public static RepositoryState initial(RepositoryId repository) {
    return new RepositoryState(repository, ListingCursor.NONE, null);
  }

  /** Whether no pass has completed for this repository, so the next one is its baseline. */
  public boolean isBaseline() {
    return lastCompletedAt == null;
  }
}
