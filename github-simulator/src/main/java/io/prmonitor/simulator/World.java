package io.prmonitor.simulator;

import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestState;
import io.prmonitor.spi.RepositoryId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * The simulated state of GitHub: repositories, their pull requests, users and teams, generated
 * deterministically from a seed and changed by mutations. Readers (request handlers) hold the read lock
 * while they snapshot or serialize; mutations take the write lock, so a response never shows half a mutation.
 *
 * <p>The drawing of the world is {@link PullRequestGenerator}'s; what stays here (a little over 400 lines) is the
 * state and every method that takes its lock, kept together so that the locking can be read in one place.
 */
final class World {

  static final int OWNERS = 4;
  private static final int USER_POOL = 120;

  final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Clock clock;
  private final long seed;
  final Templates templates;
  private final List<SimRepository> repositories = new ArrayList<>();
  private final Map<RepositoryId, SimRepository> byName = new HashMap<>();
  /** Read without the lock by request handlers, hence concurrent. */
  private final Map<String, SimRepository> byLowerName = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<RepositoryId, RepositoryId> renamed = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<Long, SimRepository> byId = new HashMap<>();
  private final Map<String, byte[]> users = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, Long> userIds = new HashMap<>();
  private final List<String> userPool = new ArrayList<>();
  private Instant lastUpdated = Instant.EPOCH;
  private long revisions;
  private final Consumer<SimRepository> onChange;
  private final PullRequestGenerator generator;
  private Content content = Content.ORDINARY;
  /** Share of generated pull requests left open, in percent (drafts among them); set before generating. */
  int openPercent = 35;
  /** How long mergeability stays unknown after a push. */
  Duration mergeableDelay = Duration.ZERO;

  World(Clock clock, long seed, Templates templates, Consumer<SimRepository> onChange) {
    this.clock = clock;
    this.seed = seed;
    this.templates = templates;
    this.onChange = onChange;
    for (int i = 0; i < USER_POOL; i++) {
      userPool.add("dev-" + Integer.toString(i * 7 + 3, 36) + (i % 3 == 0 ? "-bot" : ""));
    }
    this.generator = new PullRequestGenerator(seed, userPool);
  }

  // ---------------------------------------------------------------- generation

  /** What generated pull requests hold; set before {@link #generate}. */
  void content(Content content) {
    this.content = Objects.requireNonNull(content, "null content");
  }

  void generate(int repositoryCount, int pullsPerRepository) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    for (int i = 0; i < repositoryCount; i++) {
      RepositoryId id = new RepositoryId("org-" + (i % OWNERS), "repo-" + i);
      SimRepository repo = new SimRepository(i, 500_000_000L + i, id, now.minus(Duration.ofDays(900 + i)));
      SplittableRandom random = new SplittableRandom(seed * 1_000_003L + i);
      generator.forksAndLabels(repo, random);
      repositories.add(repo);
      byName.put(id, repo);
      byLowerName.put(id.fullName().toLowerCase(java.util.Locale.ROOT), repo);
      byId.put(repo.id, repo);
      refreshTemplates(repo);
      generator.pulls(repo, random, pullsPerRepository, now, openPercent, content, () -> ++revisions);
    }
    for (SimRepository repo : repositories) {
      for (SimPullRequest pr : repo.pulls) {
        if (pr.updatedAt.isAfter(lastUpdated)) {
          lastUpdated = pr.updatedAt;
        }
      }
    }
  }


  // ---------------------------------------------------------------- templates

  void refreshTemplates(SimRepository repo) {
    RepositoryId id = repo.repositoryId;
    String owner = id.owner();
    repo.templateVersion++;
    repo.repoJson = templates.repository(repo.id, owner, userId(owner), owner.startsWith("org-"), id.name(),
        repo.fork, repo.archived, repo.defaultBranch, repo.createdAt, repo.createdAt.plus(Duration.ofDays(800)));
    repo.apiPrefix = ByteSink.utf8(templates.apiBase() + "/repos/" + id.fullName());
    repo.htmlPrefix = ByteSink.utf8(Templates.HTML_BASE + "/" + id.fullName());
    repo.labelJson.clear();
    repo.forkRepoJson.clear();
    repo.teamJson.clear();
    repo.milestoneJson = new byte[3][];
    for (int m = 0; m < 3; m++) {
      repo.milestoneJson[m] = templates.milestone(id.fullName(), m + 1, 3_000_000L + repo.index * 10L + m,
          "v" + (m + 1) + ".0", user(userPool.get(m)), m < 2, repo.createdAt.plus(Duration.ofDays(30L * m)));
    }
  }

  byte[] labelJson(SimRepository repo, String name) {
    byte[] json = repo.labelJson.get(name);
    return json != null ? json : repo.labelJson.computeIfAbsent(name, n -> {
      SimRepository.LabelDef def = repo.labels.computeIfAbsent(n,
          k -> new SimRepository.LabelDef(PullRequestGenerator.labelId(repo, k), k, null, "ededed", false));
      return templates.label(repo.repositoryId.fullName(), def);
    });
  }

  byte[] forkRepoJson(SimRepository repo, String forkOwner) {
    byte[] json = repo.forkRepoJson.get(forkOwner);
    return json != null ? json : repo.forkRepoJson.computeIfAbsent(forkOwner, owner -> templates.repository(
        700_000_000L + repo.index * 1_000L + (owner.hashCode() & 0x3FF), owner, userId(owner), false,
        repo.repositoryId.name(), true, false, repo.defaultBranch, repo.createdAt.plus(Duration.ofDays(10)),
        repo.createdAt.plus(Duration.ofDays(20))));
  }

  byte[] teamJson(SimRepository repo, String slug) {
    return repo.teamJson.computeIfAbsent(slug,
        s -> templates.team(repo.repositoryId.owner(), s, 4_000_000L + (s.hashCode() & 0xFFFFF)));
  }

  /** Serialized user; request handlers call this under the read lock only, hence the concurrent map. */
  byte[] user(String login) {
    byte[] json = users.get(login);
    return json != null ? json
        : users.computeIfAbsent(login, l -> templates.user(l, userId(l), l.startsWith("org-")));
  }

  long userId(String login) {
    synchronized (userIds) {
      return userIds.computeIfAbsent(login, l -> 10_000L + (l.hashCode() & 0x7FFFFFFL));
    }
  }

  // ---------------------------------------------------------------- lookup

  List<RepositoryId> repositoryIds() {
    lock.readLock().lock();
    try {
      return repositories.stream().map(r -> r.repositoryId).toList();
    } finally {
      lock.readLock().unlock();
    }
  }

  List<SimRepository> repositories() {
    return Collections.unmodifiableList(repositories);
  }

  /** The repository currently named so; null if none (a renamed one answers through {@link #renamedTo}). */
  SimRepository find(String owner, String name) {
    // GitHub resolves names case-insensitively
    return byLowerName.get((owner + '/' + name).toLowerCase(java.util.Locale.ROOT));
  }

  SimRepository findById(long id) {
    return byId.get(id);
  }

  /** The current name of a repository formerly named so, or null. */
  RepositoryId renamedTo(String owner, String name) {
    for (Map.Entry<RepositoryId, RepositoryId> e : renamed.entrySet()) {
      if (e.getKey().owner().equalsIgnoreCase(owner) && e.getKey().name().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  private SimRepository require(RepositoryId id) {
    Objects.requireNonNull(id, "null repository");
    SimRepository repo = byName.get(id);
    if (repo == null) {
      RepositoryId current = renamed.get(id);
      repo = current == null ? null : byName.get(current);
    }
    if (repo == null) {
      throw new IllegalArgumentException("unknown repository: " + id);
    }
    return repo;
  }

  int indexOf(RepositoryId id) {
    lock.readLock().lock();
    try {
      return require(id).index;
    } finally {
      lock.readLock().unlock();
    }
  }

  private SimPullRequest require(SimRepository repo, int number) {
    SimPullRequest pr = repo.pull(number);
    if (pr == null) {
      throw new IllegalArgumentException("unknown pull request: " + repo.repositoryId + "#" + number);
    }
    return pr;
  }

  // ---------------------------------------------------------------- truth

  List<PullRequest> truth(RepositoryId id) {
    lock.readLock().lock();
    try {
      SimRepository repo = require(id);
      List<PullRequest> result = new ArrayList<>(repo.pulls.size());
      for (SimPullRequest pr : repo.pulls) {
        result.add(snapshot(pr));
      }
      return result;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** What a client should hold of each pull request's enrichment ({@link Activity#truth}), by number. */
  Map<Integer, io.prmonitor.spi.PullRequestEnrichment> enrichmentTruth(RepositoryId id) {
    lock.readLock().lock();
    try {
      SimRepository repo = require(id);
      Map<Integer, io.prmonitor.spi.PullRequestEnrichment> result = new LinkedHashMap<>();
      for (SimPullRequest pr : repo.pulls) {
        result.put(pr.number, Activity.truth(pr));
      }
      return result;
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Changes what a pull request's list item does not show (CI, mergeability): its {@code updated_at},
   * its list item and the repository's list pages stay as they are, as on GitHub.
   */
  void mutateQuietly(RepositoryId id, int number, Consumer<SimPullRequest> change) {
    lock.writeLock().lock();
    try {
      change.accept(require(require(id), number));
    } finally {
      lock.writeLock().unlock();
    }
  }

  Instant now() {
    return clock.instant();
  }

  static PullRequest snapshot(SimPullRequest pr) {
    List<String> reviewers = new ArrayList<>(pr.reviewers);
    for (String team : pr.teams) {
      reviewers.add("team:" + team);
    }
    return new PullRequest(pr.id, pr.number, pr.title, pr.body(), pr.state, pr.draft, pr.author, pr.headSha,
        pr.headRef, pr.baseRef, pr.labels, pr.assignees, reviewers, pr.createdAt, pr.updatedAt, pr.closedAt,
        pr.mergedAt);
  }

  // ---------------------------------------------------------------- mutations

  /** A change to one pull request; returns false when it changed nothing (then updated_at stays). */
  interface Change {
    boolean apply(SimPullRequest pr);
  }

  /** Told of every pull request opened or changed, under the write lock, after {@code updated_at} moved. */
  interface MutationListener {
    /** @param before the pull request as it was, or null when it was just opened */
    void mutated(SimRepository repo, SimPullRequest pr, WebhookPayload.Before before);
  }

  /** Set once by the simulator; null until then. */
  volatile MutationListener mutationListener;

  void mutate(RepositoryId id, int number, Change change) {
    SimRepository repo;
    lock.writeLock().lock();
    try {
      repo = require(id);
      SimPullRequest pr = require(repo, number);
      MutationListener listener = mutationListener;
      WebhookPayload.Before before = listener == null ? null : WebhookPayload.Before.of(pr);
      if (!change.apply(pr)) {
        return;
      }
      touch(repo, pr);
      if (listener != null) {
        listener.mutated(repo, pr, before);
      }
    } finally {
      lock.writeLock().unlock();
    }
    onChange.accept(repo);
  }

  private void touch(SimRepository repo, SimPullRequest pr) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    // GitHub timestamps have second precision, so strictly increasing means at least a second apart
    lastUpdated = now.isAfter(lastUpdated) ? now : lastUpdated.plusSeconds(1);
    pr.updatedAt = lastUpdated;
    pr.revision = ++revisions;
    repo.version++;
  }

  /** The instant the mutation being applied will stamp; valid only inside {@link Change#apply}. */
  Instant pendingTimestamp() {
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    return now.isAfter(lastUpdated) ? now : lastUpdated.plusSeconds(1);
  }

  int open(RepositoryId id) {
    SimRepository repo;
    int number;
    lock.writeLock().lock();
    try {
      repo = require(id);
      number = repo.pulls.size() + 1;
      SplittableRandom random = new SplittableRandom(seed * 31 + repo.index * 1_000_003L + number);
      SimPullRequest pr = new SimPullRequest(number, PullRequestGenerator.pullId(repo, number), pendingTimestamp());
      generator.fill(repo, pr, random);
      pr.reviewers.clear();
      pr.teams.clear();
      pr.assignees.clear();
      pr.state = PullRequestState.OPEN;
      pr.reviewCount = 0;
      pr.comments = 0;
      pr.reviewComments = 0;
      pr.ciSha = pr.headSha;
      repo.pulls.add(pr);
      touch(repo, pr);
      MutationListener listener = mutationListener;
      if (listener != null) {
        listener.mutated(repo, pr, null);
      }
    } finally {
      lock.writeLock().unlock();
    }
    onChange.accept(repo);
    return number;
  }

  /** Sets a pull request's {@code updated_at} without moving the world's clock of last updates. */
  void stamp(RepositoryId id, int number, Instant updatedAt) {
    revise(id, number, pr -> pr.updatedAt = updatedAt);
  }

  /** Serves a pull request's list item broken (or intact again for null); its data and updated_at stay. */
  void corrupt(RepositoryId id, int number, Corruption corruption) {
    revise(id, number, pr -> pr.corruption = corruption);
  }

  /**
   * Changes how a pull request is served without a mutation: a new revision (so its page's ETag changes), but
   * {@code updated_at} and the world's clock of last updates stay, and no webhook is sent.
   */
  private void revise(RepositoryId id, int number, Consumer<SimPullRequest> change) {
    changeRepository(id, repo -> {
      SimPullRequest pr = require(repo, number);
      change.accept(pr);
      pr.revision = ++revisions;
      repo.version++;
    });
  }

  /** Applies {@code change} to a repository under the write lock, then tells the page cache. */
  private void changeRepository(RepositoryId id, Consumer<SimRepository> change) {
    SimRepository repo;
    lock.writeLock().lock();
    try {
      repo = require(id);
      change.accept(repo);
    } finally {
      lock.writeLock().unlock();
    }
    onChange.accept(repo);
  }

  void rename(RepositoryId id, String newName) {
    changeRepository(id, repo -> {
      RepositoryId old = repo.repositoryId;
      RepositoryId target = new RepositoryId(old.owner(), newName);
      if (byName.containsKey(target)) {
        throw new IllegalArgumentException("repository already exists: " + target);
      }
      byName.remove(old);
      byName.put(target, repo);
      byLowerName.remove(old.fullName().toLowerCase(java.util.Locale.ROOT));
      byLowerName.put(target.fullName().toLowerCase(java.util.Locale.ROOT), repo);
      renamed.replaceAll((k, v) -> v.equals(old) ? target : v);
      renamed.put(old, target);
      renamed.remove(target);
      repo.repositoryId = target;
      repo.version++;
      refreshTemplates(repo);
    });
  }

  void setRepositoryFlags(RepositoryId id, Boolean archived, Boolean fork) {
    changeRepository(id, repo -> {
      if (archived != null) {
        repo.archived = archived;
      }
      if (fork != null) {
        repo.fork = fork;
      }
      repo.version++;
      refreshTemplates(repo);
    });
  }

  String randomUser(long salt) {
    return userPool.get((int) Math.floorMod(seed * 17 + salt, (long) userPool.size()));
  }

  Map<String, List<RepositoryId>> owners() {
    Map<String, List<RepositoryId>> owners = new LinkedHashMap<>();
    for (SimRepository repo : repositories) {
      owners.computeIfAbsent(repo.repositoryId.owner(), o -> new ArrayList<>()).add(repo.repositoryId);
    }
    return owners;
  }
}
