package io.prmonitor.spi;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * One detected change of one pull request, as appended to the store's outbox and handed to
 * {@link ChangeListener}s.
 *
 * <p>{@link #before()} and {@link #after()} hold the field's value before and after the change as text:
 * a title, body, branch name or SHA as is; a state as the {@link PullRequestState} name; a draft flag as
 * {@code true}/{@code false}; a set (labels, assignees, requested reviewers) as its sorted elements
 * joined by {@code '\n'} (GitHub names cannot contain a line break), which {@link #beforeSet()},
 * {@link #afterSet()}, {@link #added()} and {@link #removed()} split again. {@code before} is null for
 * {@link ChangeKind#OPENED}; either may be null where the field itself was (a missing body).
 *
 * <p>The {@link #key()} is deterministic: the same change observed again (after a crash, by another
 * worker) has the same key, so consumers can deduplicate on it. It is built by {@link #keyOf}.
 *
 * @param key the idempotency key, see {@link #keyOf}
 * @param repository the pull request's repository
 * @param number the pull request's number
 * @param kind what changed
 * @param field the tracked field that changed: {@code title}, {@code body}, {@code base}, {@code head_sha},
 *     {@code labels}, {@code draft}, {@code requested_reviewers}, {@code assignees} or {@code state}; from
 *     enrichment ({@link PullRequestEnrichment}): {@code reviews}, {@code review_decision}, {@code checks},
 *     {@code mergeable} or {@code comments}
 * @param before the value before, or null
 * @param after the value after, or null
 * @param updatedAt the pull request's {@code updated_at} in the observation that showed the change
 */
public record PullRequestChange(
    String key,
    RepositoryId repository,
    int number,
    ChangeKind kind,
    String field,
    String before,
    String after,
    Instant updatedAt) {

  /** The separator of set elements in {@link #before()} and {@link #after()}. */
  public static final char SET_SEPARATOR = '\n';

  public PullRequestChange {
    Objects.requireNonNull(key, "null key");
    Objects.requireNonNull(repository, "null repository");
    Objects.requireNonNull(kind, "null kind");
    Objects.requireNonNull(field, "null field");
    Objects.requireNonNull(updatedAt, "null updatedAt");
    if (number <= 0) {
      throw new IllegalArgumentException("pull request number must be positive: " + number);
    }
  }

  /** Creates a change whose key is {@link #keyOf} its identifying parts. */
  public static PullRequestChange of(RepositoryId repository, int number, ChangeKind kind, String field,
      String before, String after, Instant updatedAt) {
    return new PullRequestChange(keyOf(repository, number, kind, field, before, after, updatedAt), repository,
        number, kind, field, before, after, updatedAt);
  }

  /**
   * The idempotency key of a change: {@code owner/name#number@updatedAtMillis/KIND/field/digest}, where
   * {@code owner/name} is the repository's {@linkplain RepositoryId#canonicalFullName() canonical} (lower
   * case) name, so that every spelling of a repository gives one key, and the digest is eight hex digits of
   * the before and after values. The same change observed again (the
   * same stored snapshot compared with the same fetched one, after a crash or by another worker) gets the
   * same key. The digest keeps apart two changes of one field within one second: GitHub's timestamps
   * have one-second resolution, so two observations of a pull request can share an {@code updated_at}.
   */
  public static String keyOf(RepositoryId repository, int number, ChangeKind kind, String field, String before,
      String after, Instant updatedAt) {
    int digest = 31 * Objects.hashCode(before) + Objects.hashCode(after);
    return repository.canonicalFullName() + '#' + number + '@' + updatedAt.toEpochMilli() + '/' + kind + '/' + field
        + '/' + String.format("%08x", digest);
  }

  /**
   * Creates a change detected on a pull request's enrichment, whose key is {@link #keyOf(RepositoryId, int,
   * ChangeKind, String, String, String, Instant, long)} its parts and the enrichment's new revision.
   */
  public static PullRequestChange of(RepositoryId repository, int number, ChangeKind kind, String field,
      String before, String after, Instant updatedAt, long revision) {
    return new PullRequestChange(keyOf(repository, number, kind, field, before, after, updatedAt, revision),
        repository, number, kind, field, before, after, updatedAt);
  }

  /**
   * The idempotency key of a change detected on enrichment:
   * {@code owner/name#number@updatedAtMillis/KIND/field/r<revision>/digest}. CI state can flip back and
   * forth while {@code updated_at} stands still; the revision of the stored enrichment the change produced
   * ({@link PullRequestEnrichment#revision()}) keeps those flips apart, and is the same when the same stored
   * enrichment is compared with the same observation again.
   */
  public static String keyOf(RepositoryId repository, int number, ChangeKind kind, String field, String before,
      String after, Instant updatedAt, long revision) {
    int digest = 31 * Objects.hashCode(before) + Objects.hashCode(after);
    return repository.fullName() + '#' + number + '@' + updatedAt.toEpochMilli() + '/' + kind + '/' + field
        + "/r" + revision + '/' + String.format("%08x", digest);
  }

  /** Encodes a set of names the way {@link #before()} and {@link #after()} hold sets. */
  public static String joinSet(Iterable<String> sortedNames) {
    return String.join(String.valueOf(SET_SEPARATOR), sortedNames);
  }

  /** {@link #before()} read as a set; empty when null or blank. */
  public Set<String> beforeSet() {
    return splitSet(before);
  }

  /** {@link #after()} read as a set; empty when null or blank. */
  public Set<String> afterSet() {
    return splitSet(after);
  }

  /** The elements in {@link #afterSet()} but not in {@link #beforeSet()}. */
  public Set<String> added() {
    Set<String> added = afterSet();
    added.removeAll(beforeSet());
    return added;
  }

  /** The elements in {@link #beforeSet()} but not in {@link #afterSet()}. */
  public Set<String> removed() {
    Set<String> removed = beforeSet();
    removed.removeAll(afterSet());
    return removed;
  }

  private static Set<String> splitSet(String value) {
    Set<String> set = new LinkedHashSet<>();
    if (value != null && !value.isEmpty()) {
      set.addAll(Arrays.asList(value.split(String.valueOf(SET_SEPARATOR))));
    }
    return set;
  }
}
