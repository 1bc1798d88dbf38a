package io.prmonitor.simulator;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Serves the REST resources besides the pull list: a repository, a pull request, its reviews, a commit's check
 * runs and combined status, an owner's and an installation's repositories, {@code /rate_limit}, and GitHub App
 * installation tokens. Each reads the {@link World} under its read lock. Thread-safe.
 */
final class ResourceRoutes {

  private final World world;
  private final Payloads payloads;
  private final RateLimits rateLimits;
  private final AppTokens appTokens;
  private final String baseUrl;

  ResourceRoutes(World world, Payloads payloads, RateLimits rateLimits, AppTokens appTokens, String baseUrl) {
    this.world = world;
    this.payloads = payloads;
    this.rateLimits = rateLimits;
    this.appTokens = appTokens;
    this.baseUrl = baseUrl;
  }

  Reply repository(SimRepository repo) {
    world.lock.readLock().lock();
    try {
      return Reply.withContentEtag(repo.repoJson);
    } finally {
      world.lock.readLock().unlock();
    }
  }

  Reply pull(SimRepository repo, int number) {
    return pullResource(repo, number, 32_000, payloads::full);
  }

  Reply reviews(SimRepository repo, int number) {
    return pullResource(repo, number, 4_000, payloads::reviews);
  }

  /** Writes one pull request's part of the REST API. */
  private interface PullWriter {
    void write(ByteSink out, SimRepository repo, SimPullRequest pr);
  }

  /** A resource of one pull request, written under the read lock; 404 for an unknown number. */
  private Reply pullResource(SimRepository repo, int number, int capacity, PullWriter writer) {
    world.lock.readLock().lock();
    try {
      SimPullRequest pr = repo.pull(number);
      if (pr == null) {
        return Reply.error(404, "Not Found");
      }
      ByteSink out = new ByteSink(capacity);
      writer.write(out, repo, pr);
      return Reply.withContentEtag(out.toByteArray());
    } finally {
      world.lock.readLock().unlock();
    }
  }

  /** The pull request whose head or CI commit a ref names (a SHA or a head branch), or null. */
  private static SimPullRequest commitOwner(SimRepository repo, String ref) {
    SimPullRequest found = null;
    boolean sha = ref.matches("[0-9a-f]{40}");
    for (SimPullRequest pr : repo.pulls) {
      if (sha ? pr.headSha.equals(ref) || ref.equals(pr.ciSha) : pr.headRef.equals(ref)) {
        found = pr;
      }
    }
    return found;
  }

  Reply checkRuns(SimRepository repo, String ref) {
    world.lock.readLock().lock();
    try {
      SimPullRequest pr = commitOwner(repo, ref);
      if (pr == null && !ref.matches("[0-9a-f]{40}")) {
        return Reply.noCommit(ref,
            "https://docs.github.com/rest/checks/runs#list-check-runs-for-a-git-reference");
      }
      String sha = ref.matches("[0-9a-f]{40}") ? ref : pr.headSha;
      ByteSink out = new ByteSink(4_000);
      payloads.checkRuns(out, repo, sha, pr == null ? List.of() : Activity.checksOn(pr, sha));
      return Reply.withContentEtag(out.toByteArray());
    } finally {
      world.lock.readLock().unlock();
    }
  }

  Reply status(SimRepository repo, String ref) {
    world.lock.readLock().lock();
    try {
      SimPullRequest owner = commitOwner(repo, ref);
      String sha = ref.matches("[0-9a-f]{40}") ? ref : owner == null ? null : owner.headSha;
      if (sha == null) {
        return Reply.noCommit(ref, "https://docs.github.com/rest/commits/statuses"
            + "#get-the-combined-status-for-a-specific-reference");
      }
      ByteSink out = new ByteSink(8_000);
      payloads.combinedStatus(out, repo, ref, sha, owner == null ? List.of() : Activity.checksOn(owner, sha));
      return Reply.withContentEtag(out.toByteArray());
    } finally {
      world.lock.readLock().unlock();
    }
  }

  Reply ownerRepositories(ApiRequest request, String owner) {
    world.lock.readLock().lock();
    try {
      List<SimRepository> owned = world.repositories().stream()
          .filter(r -> r.repositoryId.owner().equalsIgnoreCase(owner)).toList();
      if (owned.isEmpty()) {
        return Reply.error(404, "Not Found");
      }
      return repositoryPage(request, owned, false);
    } finally {
      world.lock.readLock().unlock();
    }
  }

  Reply installationRepositories(ApiRequest request) {
    world.lock.readLock().lock();
    try {
      return repositoryPage(request, world.repositories(), true);
    } finally {
      world.lock.readLock().unlock();
    }
  }

  private Reply repositoryPage(ApiRequest request, List<SimRepository> repos, boolean installation) {
    int perPage = request.perPage();
    int page = request.page();
    int lastPage = Math.max(1, (repos.size() + perPage - 1) / perPage);
    int from = Math.min(repos.size(), (page - 1) * perPage);
    int to = Math.min(repos.size(), from + perPage);
    ByteSink out = new ByteSink((to - from) * 6_000 + 128);
    if (installation) {
      out.ascii("{\"total_count\":").num(repos.size()).ascii(",\"repository_selection\":\"all\",\"repositories\":");
    }
    out.ch('[');
    for (int i = from; i < to; i++) {
      if (i > from) {
        out.ch(',');
      }
      out.raw(repos.get(i).repoJson);
    }
    out.ch(']');
    if (installation) {
      out.ch('}');
    }
    Reply reply = Reply.withContentEtag(out.toByteArray());
    reply.link = request.link(baseUrl, null, page, lastPage);
    return reply;
  }

  Reply rateLimit(ApiRequest request) {
    RateLimits.Snapshot core = rateLimits.snapshot(request.token() == null ? "" : request.token());
    ByteSink out = new ByteSink(1024);
    out.ascii("{\"resources\":{\"core\":");
    limit(out, core, "core");
    out.ascii(",\"search\":{\"limit\":30,\"remaining\":30,\"reset\":").num(core.resetEpochSeconds())
        .ascii(",\"used\":0,\"resource\":\"search\"}");
    out.ascii(",\"graphql\":{\"limit\":5000,\"remaining\":5000,\"reset\":").num(core.resetEpochSeconds())
        .ascii(",\"used\":0,\"resource\":\"graphql\"}");
    out.ascii("},\"rate\":");
    limit(out, core, "core");
    out.ch('}');
    return new Reply(200, out.toByteArray());
  }

  private static void limit(ByteSink out, RateLimits.Snapshot s, String resource) {
    out.ascii("{\"limit\":").num(s.limit()).ascii(",\"remaining\":").num(s.remaining())
        .ascii(",\"reset\":").num(s.resetEpochSeconds()).ascii(",\"used\":").num(s.used())
        .ascii(",\"resource\":\"").ascii(resource).ascii("\"}");
  }

  Reply accessToken(ApiRequest request, String installation) {
    if (appTokens == null || !installation.equals(Long.toString(appTokens.installationId()))) {
      return Reply.error(404, "Not Found");
    }
    String jwt = request.token();
    if (jwt == null) {
      return Reply.error(401, "A JSON web token could not be decoded");
    }
    try {
      Map.Entry<String, Instant> issued = appTokens.exchange(jwt);
      ByteSink out = new ByteSink(256);
      out.ascii("{\"token\":").str(issued.getKey()).ascii(",\"expires_at\":").time(issued.getValue())
          .ascii(",\"permissions\":{\"metadata\":\"read\",\"pull_requests\":\"read\",\"statuses\":\"read\"}"
              + ",\"repository_selection\":\"all\"}");
      return new Reply(201, out.toByteArray());
    } catch (AppTokens.RejectedJwtException e) {
      return Reply.error(401, e.getMessage());
    }
  }
}
