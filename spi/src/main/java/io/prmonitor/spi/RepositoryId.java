package io.prmonitor.spi;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A GitHub repository named by its owner and name, as in {@code octocat/Hello-World}.
 *
 * <p>Both parts are validated against GitHub's naming rules, so a value of this type can be put into
 * a URL path without escaping. GitHub compares names case-insensitively, and so does this type:
 * {@code acme/Repo} equals {@code ACME/repo} ({@link #equals}, {@link #hashCode} and {@link #compareTo}
 * use {@link #canonicalName()}), while {@link #owner()}, {@link #name()} and {@link #toString()} keep the
 * spelling it was given, for display. Stores key repositories by the canonical name, and change keys
 * are built from it, so two spellings of one repository are one repository with one key per change.
 */
public record RepositoryId(String owner, String name) implements Comparable<RepositoryId> {

  /** GitHub logins and organization names: alphanumerics and single hyphens, at most 39 characters. */
  private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}");
  /** Repository names: letters, digits, '.', '-', '_', at most 100 characters, not "." or "..". */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  /**
   * @throws IllegalArgumentException naming the bad value if {@code owner} or {@code name} is not a
   *     valid GitHub owner or repository name
   */
  public RepositoryId {
    Objects.requireNonNull(owner, "null owner");
    Objects.requireNonNull(name, "null name");
    if (!OWNER.matcher(owner).matches()) {
      throw new IllegalArgumentException("invalid repository owner: '" + owner + "'");
    }
    if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException("invalid repository name: '" + name + "'");
    }
  }

  /**
   * Parses {@code owner/name}.
   *
   * @throws IllegalArgumentException naming the bad value if it is not of that form
   */
  public static RepositoryId parse(String fullName) {
    Objects.requireNonNull(fullName, "null repository");
    int slash = fullName.indexOf('/');
    if (slash <= 0 || slash != fullName.lastIndexOf('/') || slash == fullName.length() - 1) {
      throw new IllegalArgumentException("invalid repository '" + fullName + "': expected owner/name");
    }
    try {
      return new RepositoryId(fullName.substring(0, slash), fullName.substring(slash + 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid repository '" + fullName + "': " + e.getMessage(), e);
    }
  }

  /** Returns {@code owner/name}, spelled as given. */
  public String fullName() {
    return owner + '/' + name;
  }

  /** The owner in lower case: the part of the identity GitHub compares (names are ASCII). */
  public String canonicalOwner() {
    return owner.toLowerCase(Locale.ROOT);
  }

  /** The name in lower case: the part of the identity GitHub compares (names are ASCII). */
  public String canonicalName() {
    return name.toLowerCase(Locale.ROOT);
  }

  /** {@code owner/name} in lower case: the repository's identity, whatever its spelling. */
  public String canonicalFullName() {
    return canonicalOwner() + '/' + canonicalName();
  }

  /** Whether {@code other} names the same repository, in any spelling. */
  @Override
  public boolean equals(Object other) {
    return other instanceof RepositoryId that && owner.equalsIgnoreCase(that.owner)
        && name.equalsIgnoreCase(that.name);
  }

  @Override
  public int hashCode() {
    return canonicalFullName().hashCode();
  }

  /** Orders by {@link #canonicalFullName()}, consistently with {@link #equals}. */
  @Override
  public int compareTo(RepositoryId other) {
    return canonicalFullName().compareTo(other.canonicalFullName());
  }

  /** Returns {@code owner/name}. */
  @Override
  public String toString() {
    return fullName();
  }
}
