package io.prmonitor.simulator;

import io.prmonitor.spi.PullRequestState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The compact, mutable model of one simulated pull request: the fields a payload is spliced from, a few hundred
 * bytes instead of the ~21 KB it serializes to. Guarded by the world's lock.
 */
final class SimPullRequest {

  /** How the head branch's repository relates to the base repository. */
  enum HeadKind {
    SAME_REPOSITORY,
    FORK,
    /** The fork was deleted: {@code head.repo} is null, and {@code head.user} too when the owner is gone. */
    DELETED_FORK
  }

  final int number;
  final long id;
  final Instant createdAt;

  String title;
  /** Explicit body; only meaningful when {@link #bodyGenerated} is false. */
  String body;
  /** Whether the body is derived from {@link #bodySeed} (saves memory for the untouched majority). */
  boolean bodyGenerated;
  long bodySeed;
  /** When positive, a generated body is this many characters of CJK text ({@link Content#bodyChars()}). */
  int generatedBodyChars;
  /** How the list repeats this pull request: 0 not, 1 next to itself, 2 also a page further down. */
  byte repeat;

  PullRequestState state = PullRequestState.OPEN;
  boolean draft;
  boolean locked;
  /** Null for a deleted ("ghost") user. */
  String author;
  String authorAssociation = "CONTRIBUTOR";
  HeadKind headKind = HeadKind.SAME_REPOSITORY;
  /** Owner of the head fork; null when the fork's owner was deleted. */
  String forkOwner;
  String headRef;
  String headSha;
  String baseRef;
  String baseSha;
  final List<String> labels = new ArrayList<>(2);
  final List<String> assignees = new ArrayList<>(1);
  final List<String> reviewers = new ArrayList<>(1);
  final List<String> teams = new ArrayList<>(0);
  /** Index into the repository's milestones, or -1 for none. */
  int milestone = -1;

  Instant updatedAt;
  Instant closedAt;
  Instant mergedAt;
  String mergeCommitSha;
  String mergedBy;

  int commits;
  int additions;
  int deletions;
  int changedFiles;
  int comments;
  int reviewComments;
  int reviewCount;

  /** Submitted reviews in submission order; a dismissal replaces the review with a dismissed copy. */
  final List<SimReview> reviewList = new ArrayList<>(0);
  /** Check runs and commit statuses on the commit {@link #ciSha}; the head has none when that is not it. */
  final List<SimCheck> checks = new ArrayList<>(0);
  /** The commit {@link #checks} belong to. */
  String ciSha;
  /** Whether the head conflicts with the base, once computed. */
  boolean conflicting;
  /** Until when GitHub is still computing mergeability (after a push); null when it is known. */
  Instant mergeableAt;

  /** One submitted review. */
  record SimReview(long id, String login, io.prmonitor.spi.ReviewState state, Instant submittedAt) {}

  /**
   * A check run ({@code checkRun}: status {@code queued}, {@code in_progress} or {@code completed}, and a
   * conclusion once completed) or a commit status ({@code state}: {@code pending}, {@code success},
   * {@code failure} or {@code error}), by name or context.
   */
  record SimCheck(boolean checkRun, long id, String name, String status, String conclusion) {}

  /** A list item's deflated form and what it was built from; immutable, so racing builders are harmless. */
  record CompressedItem(long revision, long templateVersion, byte[] deflated) {}

  /** The cached deflated list item ({@link GzipMode#CACHED_DEFLATE}), or null. */
  volatile CompressedItem compressed;

  /** Non-null while the list item is served broken on purpose. */
  Corruption corruption;

  /** Changes on every mutation; identifies the serialized content together with the repository's name. */
  long revision;

  SimPullRequest(int number, long id, Instant createdAt) {
    this.number = number;
    this.id = id;
    this.createdAt = createdAt;
  }

  String body() {
    if (!bodyGenerated) {
      return body;
    }
    return generatedBodyChars > 0 ? HostileTexts.cjkBody(bodySeed, generatedBodyChars) : Texts.body(bodySeed);
  }
}
