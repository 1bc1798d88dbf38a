package io.prmonitor.github.rest;

import io.prmonitor.github.PullRequestDetails;
import io.prmonitor.github.http.Answer;
import io.prmonitor.github.http.BodyReader;
import io.prmonitor.github.http.Call;
import io.prmonitor.github.http.RequestExecutor;
import io.prmonitor.github.json.GitHubJson;
import io.prmonitor.github.json.PullRequestDetailsReader;
import io.prmonitor.spi.ChecksState;
import io.prmonitor.spi.EnrichmentTarget;
import io.prmonitor.spi.GitHubClientListener;
import io.prmonitor.spi.Mergeability;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.RateLimitExceededException;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.ReviewDecision;
import io.prmonitor.spi.ReviewState;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Enrichment through REST, per pull request: {@code GET /pulls/{n}} (mergeability, comments) and, unless only
 * CI is asked for, {@code /pulls/{n}/reviews}, then {@code /commits/{sha}/check-runs} and
 * {@code /commits/{sha}/status}, each conditional on the entity tag kept with the stored enrichment (a
 * {@code 304} is free); what the REST budget cannot pay above the caller's reserve is deferred. Thread-safe.
 */
public final class RestEnricher {

  public static final String PULL_ENDPOINT = "/repos/{owner}/{repo}/pulls/{number}";
  static final String REVIEWS_ENDPOINT = "/repos/{owner}/{repo}/pulls/{number}/reviews";
  static final String CHECK_RUNS_ENDPOINT = "/repos/{owner}/{repo}/commits/{ref}/check-runs";
  static final String STATUS_ENDPOINT = "/repos/{owner}/{repo}/commits/{ref}/status";

  private final RequestExecutor executor;
  private final String base;
  private final GitHubClientListener listener;
  private final BodyReader<PullRequestDetails> detailsReader;
  private final RestEnrichment reader;

  public RestEnricher(RequestExecutor executor, String base, GitHubClientListener listener, GitHubJson json) {
    this.executor = executor;
    this.base = base;
    this.listener = listener;
    this.detailsReader = new PullRequestDetailsReader(json)::read;
    this.reader = new RestEnrichment(json);
  }

  /** Reads {@code targets} into {@code tally}, deferring what the budget cannot pay. */
  public void enrich(RepositoryId repository, List<EnrichmentTarget> targets, EnrichmentTally tally) {
    for (int i = 0; i < targets.size(); i++) {
      EnrichmentTarget target = targets.get(i);
      int available = executor.availableBudget();
      // a pull request takes up to four requests; what the list synchronization needs stays unspent
      if (available < tally.restReserve + 4) {
        tally.defer(targets.subList(i, targets.size()), "REST budget: " + Math.max(0, available)
            + " requests left above the reserve, " + tally.restReserve + " kept for the list synchronization");
        return;
      }
      try {
        PullRequestEnrichment read = enrichOne(repository, target, tally);
        if (read != null) {
          tally.read(List.of(read));
        }
      } catch (RateLimitExceededException e) {
        tally.deferRateLimited(targets.subList(i, targets.size()), e);
        return;
      }
    }
  }

  private PullRequestEnrichment enrichOne(RepositoryId repository, EnrichmentTarget target, EnrichmentTally tally) {
    PullRequestEnrichment stored = target.stored();
    RestEnrichment.Tags tags = RestEnrichment.Tags.parse(stored == null ? null : stored.etags());
    Map<String, String> etags = new LinkedHashMap<>(tags.etags());
    Map<String, ChecksState> partial = new LinkedHashMap<>(tags.partial());
    String prefix = base + "/repos/" + repository.owner() + "/" + repository.name();

    Answer<PullRequestDetails> pull = conditional(new Call(PULL_ENDPOINT, URI.create(prefix + "/pulls/"
        + target.number()), stored == null ? null : etags.get("pull"), repository, true), detailsReader, tally);
    if (pull.status() == 404) {
      return null;
    }
    Mergeability mergeable;
    int comments;
    if (pull.status() == 304) {
      mergeable = stored.mergeable();
      comments = stored.comments();
    } else {
      Boolean flag = pull.value().mergeable();
      mergeable = flag == null ? Mergeability.UNKNOWN : flag ? Mergeability.MERGEABLE : Mergeability.CONFLICTING;
      comments = pull.value().comments() + pull.value().reviewComments();
      etags.put("pull", pull.etag());
    }

    ReviewDecision decision;
    Map<String, ReviewState> latest;
    if (target.checksOnly()) {
      decision = stored.reviewDecision();
      latest = stored.latestReviews();
    } else {
      Answer<List<RestEnrichment.Review>> reviews = conditional(new Call(REVIEWS_ENDPOINT, URI.create(prefix
          + "/pulls/" + target.number() + "/reviews?per_page=100"), stored == null ? null : etags.get("reviews"),
          repository, true), reader::reviews, tally);
      if (reviews.status() == 404) {
        return null;
      }
      if (reviews.status() == 304) {
        decision = stored.reviewDecision();
        latest = stored.latestReviews();
      } else {
        decision = RestEnrichment.decision(reviews.value());
        latest = RestEnrichment.latest(reviews.value());
        etags.put("reviews", reviews.etag());
      }
    }

    ChecksState checks = ChecksState.NONE;
    for (String part : new String[] {"runs", "status"}) {
      boolean runs = part.equals("runs");
      String suffix = runs ? "/check-runs?per_page=100" : "/status";
      Answer<ChecksState> answer = conditional(new Call(runs ? CHECK_RUNS_ENDPOINT : STATUS_ENDPOINT,
          URI.create(prefix + "/commits/" + target.headSha() + suffix), etags.get(part), repository, true),
          runs ? reader::checkRuns : reader::statuses, tally);
      ChecksState state;
      if (answer.status() == 404 || answer.status() == 422) {
        state = ChecksState.NONE;
      } else if (answer.status() == 304 && partial.containsKey(part)) {
        state = partial.get(part);
      } else if (answer.value() != null) {
        state = answer.value();
        etags.put(part, answer.etag());
        partial.put(part, state);
      } else {
        state = ChecksState.NONE;
      }
      checks = RestEnrichment.worst(checks, state);
    }
    return new PullRequestEnrichment(target.number(), 0, target.headSha(), decision, latest, checks, mergeable,
        comments, new RestEnrichment.Tags(etags, partial).text());
  }

  /** A conditional GET whose 304 (free) and 404 are answers; counts it. */
  private <T> Answer<T> conditional(Call call, BodyReader<T> reader, EnrichmentTally tally) {
    Answer<T> answer = executor.execute(call, reader);
    tally.requests += answer.requests();
    if (answer.status() == 304) {
      tally.notModified++;
    }
    if (call.ifNoneMatch() != null) {
      listener.onCacheLookup(answer.status() == 304);
    }
    return answer;
  }
}
