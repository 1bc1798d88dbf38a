package io.prmonitor.spi;

import java.util.Objects;

/**
 * One pull request whose enrichment a pass reads, as the processor hands it to
 * {@link GitHubClient#enrich}.
 *
 * @param number the pull request's number, positive
 * @param headSha its head commit as listed, never null (REST reads that commit's CI)
 * @param checksOnly whether only the CI state and mergeability are to be read (an open pull request whose
 *     {@code updated_at} did not move: reviews and comments move it, CI does not); the rest is then taken from
 *     {@code stored}
 * @param stored the stored enrichment, or null; {@code checksOnly} requires one
 */
public record EnrichmentTarget(int number, String headSha, boolean checksOnly, PullRequestEnrichment stored) {

  public EnrichmentTarget {
    if (number <= 0) {
      throw new IllegalArgumentException("pull request number must be positive: " + number);
    }
    Objects.requireNonNull(headSha, "null headSha");
    if (checksOnly && stored == null) {
      throw new IllegalArgumentException("a checks-only read of #" + number + " needs the stored enrichment");
    }
  }
}
