package io.prmonitor.simulator;

import io.prmonitor.spi.PullRequestState;
import io.prmonitor.spi.RepositoryId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One simulated repository: its pull requests in number order, lazily sorted views of them, and the byte
 * templates its payloads are spliced from. Guarded by the world's lock; templates are rebuilt on rename.
 */
final class SimRepository {

  /** A label defined in the repository; a null description is as common on GitHub as a set one. */
  record LabelDef(long id, String name, String description, String color, boolean isDefault) {}

  final int index;
  final long id;
  final Instant createdAt;
  RepositoryId repositoryId;
  boolean archived;
  boolean fork;
  String defaultBranch = "main";
  /** Pull requests by number - 1 (numbers are dense, as on GitHub where issues share the sequence). */
  final List<SimPullRequest> pulls = new ArrayList<>();
  /** Filled lazily by request handlers under the read lock, hence concurrent (as the template maps). */
  final Map<String, LabelDef> labels = new ConcurrentHashMap<>();
  final List<String> forkOwners = new ArrayList<>();
  /** Bumped on every change of this repository's content; sorted views and templates key on it. */
  long version;
  /** Bumped whenever the templates are rebuilt (rename, flags): every payload of the repository changes. */
  long templateVersion;

  // templates, rebuilt by Templates.refresh on creation and rename
  byte[] repoJson;
  byte[] apiPrefix;
  byte[] htmlPrefix;
  byte[][] milestoneJson;
  final Map<String, byte[]> labelJson = new ConcurrentHashMap<>();
  final Map<String, byte[]> forkRepoJson = new ConcurrentHashMap<>();
  final Map<String, byte[]> teamJson = new ConcurrentHashMap<>();

  private final Map<String, SimPullRequest[]> views = new HashMap<>();
  /** Whether some pull request is listed twice ({@link SimPullRequest#repeat}). */
  boolean repeats;
  private long viewsVersion = -1;

  SimRepository(int index, long id, RepositoryId repositoryId, Instant createdAt) {
    this.index = index;
    this.id = id;
    this.repositoryId = repositoryId;
    this.createdAt = createdAt;
  }

  SimPullRequest pull(int number) {
    return number >= 1 && number <= pulls.size() ? pulls.get(number - 1) : null;
  }

  /**
   * The pull requests matching {@code state} in the order GitHub lists them. Views are cached per
   * version, so readers holding the world's read lock may race to build one; both build the same array.
   */
  SimPullRequest[] view(String state, String sort, boolean ascending) {
    String key = state + '|' + sort + '|' + ascending;
    synchronized (views) {
      if (viewsVersion != version) {
        views.clear();
        viewsVersion = version;
      }
      SimPullRequest[] cached = views.get(key);
      if (cached != null) {
        return cached;
      }
    }
    SimPullRequest[] built = pulls.stream().filter(pr -> matches(pr, state)).toArray(SimPullRequest[]::new);
    Comparator<SimPullRequest> order = switch (sort) {
      case "updated" -> Comparator.comparing((SimPullRequest pr) -> pr.updatedAt);
      case "popularity" -> Comparator.comparingInt((SimPullRequest pr) -> pr.comments);
      case "long-running" -> Comparator.comparing((SimPullRequest pr) -> pr.createdAt);
      default -> Comparator.comparing((SimPullRequest pr) -> pr.createdAt);
    };
    order = order.thenComparingInt(pr -> pr.number);
    Arrays.sort(built, ascending ? order : order.reversed());
    if (repeats) {
      built = withRepeats(built);
    }
    synchronized (views) {
      if (viewsVersion == version) {
        views.put(key, built);
      }
    }
    return built;
  }

  /**
   * The list with the pull requests {@link Content#hostile()} repeats: next to themselves, or also a page
   * (100 places) further down, as a list that shifts under a reader can show them.
   */
  private static SimPullRequest[] withRepeats(SimPullRequest[] sorted) {
    List<SimPullRequest> list = new ArrayList<>(sorted.length + 16);
    for (SimPullRequest pr : sorted) {
      list.add(pr);
      if (pr.repeat == 1) {
        list.add(pr);
      }
    }
    for (int i = list.size() - 1; i >= 0; i--) {
      if (list.get(i).repeat == 2) {
        list.add(Math.min(list.size(), i + 100), list.get(i));
      }
    }
    return list.toArray(SimPullRequest[]::new);
  }

  private static boolean matches(SimPullRequest pr, String state) {
    return switch (state) {
      case "open" -> pr.state == PullRequestState.OPEN;
      case "closed" -> pr.state != PullRequestState.OPEN;
      default -> true;
    };
  }
}
