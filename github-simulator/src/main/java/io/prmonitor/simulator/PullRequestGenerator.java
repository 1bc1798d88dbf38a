package io.prmonitor.simulator;

import io.prmonitor.spi.PullRequestState;
import io.prmonitor.spi.RepositoryId;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Draws the {@link World}'s repositories and pull requests from its seed: the same seed gives the same world, byte
 * for byte. Each draw takes its random source from the caller, so that one repository's content does not depend on
 * another's. Called under the world's write lock (or before it serves); not thread-safe on its own.
 */
final class PullRequestGenerator {

  private static final String[] LABEL_NAMES = {
      "bug", "enhancement", "documentation", "good first issue", "help wanted", "question", "wontfix",
      "duplicate", "dependencies", "security", "performance", "ui/ux", "backend", "needs-triage",
      "breaking change", "🚀 release"};
  private static final String[] LABEL_COLORS = {"d73a4a", "a2eeef", "0075ca", "7057ff", "008672", "d876e3",
      "ffffff", "cfd3d7", "0366d6", "b60205", "fbca04", "c5def5", "1d76db", "e4e669", "5319e7", "0e8a16"};
  private static final String[] TEAM_SLUGS = {"core-team", "reviewers", "platform", "security-team", "docs"};
  private static final String[] ASSOCIATIONS = {"CONTRIBUTOR", "MEMBER", "OWNER", "COLLABORATOR",
      "FIRST_TIME_CONTRIBUTOR", "NONE"};

  /** Label names no GitHub repository has, which a hostile server can still send. */
  private static final String[] HOSTILE_LABELS = {"", "line\nfeed", "tab\there", "\u0000nul", "zwj\u200djoined",
      "\u202ertl", "\ud83d\udc69\u200d\ud83d\udcbb", "\u65e5\u672c", "\ufdd0escape", " leading space"};

  private final long seed;
  private final List<String> userPool;

  PullRequestGenerator(long seed, List<String> userPool) {
    this.seed = seed;
    this.userPool = userPool;
  }

  /** Draws a new repository's fork owners and gives it GitHub's default labels and a few more. */
  void forksAndLabels(SimRepository repo, SplittableRandom random) {
    RepositoryId id = repo.repositoryId;
    for (int f = 0; f < 4; f++) {
      repo.forkOwners.add(userPool.get(random.nextInt(userPool.size())));
    }
    for (int l = 0; l < LABEL_NAMES.length; l++) {
      String description = l % 3 == 1 ? null : "Label " + LABEL_NAMES[l] + " of " + id.fullName();
      repo.labels.put(LABEL_NAMES[l], new SimRepository.LabelDef(labelId(repo, LABEL_NAMES[l]),
          LABEL_NAMES[l], description, LABEL_COLORS[l], l < 9));
    }
  }

  /**
   * Generates {@code count} pull requests of {@code repo}, numbered from 1, created over 300 days before
   * {@code now} with distinct {@code updated_at}; {@code openPercent} of them open (a tenth of all drafts).
   */
  void pulls(SimRepository repo, SplittableRandom random, int count, Instant now, int openPercent, Content content,
      LongSupplier nextRevision) {
    Instant start = now.minus(Duration.ofDays(400));
    long span = Duration.ofDays(300).toSeconds();
    long step = Math.max(4, span / Math.max(1, count));
    Instant[] updated = new Instant[count];
    for (int k = 1; k <= count; k++) {
      Instant created = start.plusSeconds((k - 1) * step + random.nextLong(step / 2));
      SimPullRequest pr = new SimPullRequest(k, pullId(repo, k), created);
      fill(repo, pr, random);
      long maxAge = Duration.between(created, now.minus(Duration.ofDays(1))).toSeconds();
      updated[k - 1] = created.plusSeconds(random.nextLong(Math.max(1, Math.min(maxAge, 90L * 86_400))));
      repo.pulls.add(pr);
    }
    // updated_at must be distinct within a repository: clients use it as a cursor
    Integer[] order = new Integer[count];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> updated[a].compareTo(updated[b]));
    Instant previous = Instant.EPOCH;
    for (Integer k : order) {
      Instant u = updated[k].isAfter(previous) ? updated[k] : previous.plusSeconds(1);
      previous = u;
      SimPullRequest pr = repo.pulls.get(k);
      pr.updatedAt = u;
      int roll = random.nextInt(100);
      // 35% open by default, the rest closed and merged 25:40, a tenth of all drafts: scaled to openPercent
      int mergedBelow = 100 - openPercent;
      if (roll < mergedBelow * 25 / 65) {
        pr.state = PullRequestState.CLOSED;
        pr.closedAt = u;
      } else if (roll < mergedBelow) {
        pr.state = PullRequestState.MERGED;
        pr.closedAt = u;
        pr.mergedAt = u;
        pr.mergeCommitSha = Texts.sha(random);
        pr.mergedBy = userPool.get(random.nextInt(userPool.size()));
        pr.draft = false;
      } else if (roll < mergedBelow + openPercent * 10 / 35) {
        pr.draft = true;
      }
      applyContent(repo, pr, content);
      pr.revision = nextRevision.getAsLong();
      // a stream of its own, so that the rest of the generated world does not depend on it
      Activity.generate(pr, new SplittableRandom(seed ^ (pr.id * 0x9E3779B97F4A7C15L)), userPool);
    }
    repo.version++;
  }

  /** Gives a generated pull request the traits {@code content} asks for, drawn from a source of its own. */
  private void applyContent(SimRepository repo, SimPullRequest pr, Content content) {
    if (content.equals(Content.ORDINARY)) {
      return;
    }
    SplittableRandom random = new SplittableRandom(seed * 7_919L + repo.index * 1_000_003L + pr.number);
    if (content.bodyChars() > 0 && pr.bodyGenerated) {
      pr.generatedBodyChars = content.bodyChars();
    }
    if (random.nextDouble() < content.longTitles()) {
      pr.title = HostileTexts.longTitle(random, 257 + random.nextInt(944));
    }
    if (random.nextDouble() >= content.hostile()) {
      return;
    }
    int traits = 1 + random.nextInt(3);
    for (int t = 0; t < traits; t++) {
      switch (random.nextInt(10)) {
        case 0 -> pr.title = HostileTexts.text(random);
        case 1 -> {
          pr.title = "";
          pr.bodyGenerated = false;
          pr.body = random.nextBoolean() ? "" : null;
        }
        case 2 -> {
          pr.bodyGenerated = false;
          HostileTexts.Script[] scripts = HostileTexts.Script.values();
          pr.body = HostileTexts.body(random, scripts[random.nextInt(scripts.length)], Content.GITHUB_BODY_LIMIT);
        }
        case 3 -> {
          pr.bodyGenerated = false;
          pr.body = HostileTexts.text(random) + "\n\n" + HostileTexts.text(random);
        }
        case 4 -> {
          pr.headRef = "feature/" + HostileTexts.longTitle(random, 200 + random.nextInt(800));
          pr.baseRef = HostileTexts.text(random);
        }
        case 5 -> {
          pr.author = null;
          pr.milestone = -1;
          pr.bodyGenerated = false;
          pr.body = null;
        }
        case 6 -> {
          int labels = 200 + random.nextInt(100);
          for (int i = 0; i < labels; i++) {
            addDistinct(pr.labels, "label-" + i);
          }
          for (String odd : HOSTILE_LABELS) {
            addDistinct(pr.labels, odd);
          }
          int assignees = 100 + random.nextInt(50);
          for (int i = 0; i < assignees; i++) {
            addDistinct(pr.assignees, "many-" + i);
          }
        }
        case 7 -> {
          if (pr.closedAt != null) {
            pr.closedAt = pr.createdAt.minus(Duration.ofDays(1 + random.nextInt(30)));
            if (pr.mergedAt != null) {
              pr.mergedAt = pr.closedAt.minusSeconds(1);
            }
          }
        }
        case 8 -> {
          pr.repeat = 1;
          repo.repeats = true;
        }
        default -> {
          pr.repeat = 2;
          repo.repeats = true;
        }
      }
    }
  }

  /** Draws a pull request's title, people, branches, labels and sizes. */
  void fill(SimRepository repo, SimPullRequest pr, SplittableRandom random) {
    pr.title = Texts.title(random, pr.number);
    pr.bodyGenerated = random.nextInt(100) >= 20;
    pr.bodySeed = random.nextLong();
    int who = random.nextInt(100);
    pr.author = who < 3 ? null : userPool.get(random.nextInt(userPool.size()));
    pr.authorAssociation = ASSOCIATIONS[random.nextInt(ASSOCIATIONS.length)];
    int head = random.nextInt(100);
    if (head < 2) {
      pr.headKind = SimPullRequest.HeadKind.DELETED_FORK;
      pr.forkOwner = random.nextBoolean() ? null : repo.forkOwners.get(random.nextInt(repo.forkOwners.size()));
    } else if (head < 30) {
      pr.headKind = SimPullRequest.HeadKind.FORK;
      pr.forkOwner = repo.forkOwners.get(random.nextInt(repo.forkOwners.size()));
    }
    pr.headRef = Texts.branch(random, pr.number);
    pr.headSha = Texts.sha(random);
    pr.baseRef = random.nextInt(10) == 0 ? "develop" : repo.defaultBranch;
    pr.baseSha = Texts.sha(random);
    pr.locked = random.nextInt(50) == 0;
    int labelCount = random.nextInt(6);
    for (int i = 0; i < labelCount; i++) {
      addDistinct(pr.labels, LABEL_NAMES[random.nextInt(LABEL_NAMES.length)]);
    }
    int assigneeCount = random.nextInt(4);
    for (int i = 0; i < assigneeCount; i++) {
      addDistinct(pr.assignees, userPool.get(random.nextInt(userPool.size())));
    }
    int reviewerCount = random.nextInt(4);
    for (int i = 0; i < reviewerCount; i++) {
      addDistinct(pr.reviewers, userPool.get(random.nextInt(userPool.size())));
    }
    if (random.nextInt(4) == 0) {
      pr.teams.add(TEAM_SLUGS[random.nextInt(TEAM_SLUGS.length)]);
    }
    pr.milestone = random.nextInt(3) == 0 ? -1 : random.nextInt(3);
    pr.commits = 1 + random.nextInt(30);
    pr.additions = random.nextInt(2_000);
    pr.deletions = random.nextInt(800);
    pr.changedFiles = 1 + random.nextInt(40);
    pr.comments = random.nextInt(25);
    pr.reviewComments = random.nextInt(15);
    pr.reviewCount = random.nextInt(4);
  }

  private static <T> void addDistinct(List<T> list, T value) {
    if (!list.contains(value)) {
      list.add(value);
    }
  }

  static long pullId(SimRepository repo, int number) {
    return 1_000_000_000L + repo.index * 10_000_000L + number;
  }

  static long labelId(SimRepository repo, String name) {
    return 200_000_000L + repo.index * 1_000L + (name.hashCode() & 0x3FF);
  }
}
