package io.prmonitor.core.webhook;

import io.prmonitor.spi.RepositoryId;
import java.util.Set;

/**
 * Where a per-pull-request re-read of review and CI state plugs in: a {@code pull_request_review},
 * {@code issue_comment}, {@code check_run}, {@code check_suite} or {@code status} event changes state that the
 * pull request list does not hold, so the precise answer to it is to re-read those pull requests' reviews and
 * checks (issue 17's enrichment), not the list.
 *
 * <p>With enrichment on ({@code ProcessorConfig.enrichment}) the monitor plugs in its enricher. With it off,
 * {@link #NONE} handles nothing, and such events re-read the repository's list instead (one conditional
 * request, a free {@code 304} when the list did not change), which catches what the list shows (a review
 * request, {@code updated_at}) and nothing of review or CI state.
 */
public interface EnrichmentHook {

  /** Handles nothing: every event falls back to a re-read of the list. */
  EnrichmentHook NONE = (repository, numbers) -> false;

  /**
   * Re-reads the review and CI state of these pull requests and records what changed.
   *
   * @param numbers the pull requests the events named; empty when they named none (a commit status)
   * @return true if handled; false to have the repository's list re-read instead
   */
  boolean refresh(RepositoryId repository, Set<Integer> numbers);
}
