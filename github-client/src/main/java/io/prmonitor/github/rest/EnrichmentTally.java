package io.prmonitor.github.rest;

import io.prmonitor.spi.EnrichmentResult;
import io.prmonitor.spi.EnrichmentTarget;
import io.prmonitor.spi.GitHubException;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.RateLimitExceededException;
import java.util.ArrayList;
import java.util.List;

/**
 * What one enrichment call did, through GraphQL and REST together: the pull requests read, those deferred
 * and the first reason, the requests, {@code 304}s, queries and points spent. Confined to the calling thread.
 */
public final class EnrichmentTally {

  final int restReserve;
  private final List<PullRequestEnrichment> read = new ArrayList<>();
  private final List<Integer> deferred = new ArrayList<>();
  private String deferredReason;
  private GitHubException failure;
  int requests;
  int notModified;
  private int queries;
  private int points;

  /** @param restReserve REST requests kept unspent for the list synchronization */
  public EnrichmentTally(int restReserve) {
    this.restReserve = restReserve;
  }

  /** Defers {@code rest}; the first reason given is the one reported. */
  public void defer(List<EnrichmentTarget> rest, String reason) {
    for (EnrichmentTarget target : rest) {
      deferred.add(target.number());
    }
    if (!rest.isEmpty() && deferredReason == null) {
      deferredReason = reason;
    }
  }

  /** Defers {@code rest} because the credential's budget or a secondary limit refused a request. */
  public void deferRateLimited(List<EnrichmentTarget> rest, RateLimitExceededException refusal) {
    defer(rest, "rate limit budget exhausted until " + refusal.resetAt());
  }

  /**
   * Defers {@code rest} because reading them failed (GraphQL answered an error for their repository, or their
   * batch failed after the retries): the next pass reads them, and the reason names the error. The first
   * failure is kept for a caller that must throw it.
   */
  public void fail(List<EnrichmentTarget> rest, GitHubException error) {
    defer(rest, error.getMessage());
    if (failure == null) {
      failure = error;
    }
  }

  /** The first failure {@link #fail} recorded, or null when none was. */
  public GitHubException failure() {
    return failure;
  }

  /** Adds pull requests read. */
  public void read(Iterable<PullRequestEnrichment> enrichments) {
    enrichments.forEach(read::add);
  }

  /** Counts one GraphQL query. */
  public void query() {
    queries++;
  }

  /** Counts GraphQL points spent. */
  public void points(int spent) {
    points += spent;
  }

  /** The call's result. */
  public EnrichmentResult result() {
    return new EnrichmentResult(read, deferred, deferredReason, requests, notModified, queries, points);
  }
}
