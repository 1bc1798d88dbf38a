package io.prmonitor.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** GitHub compares repository names case-insensitively, and so does {@link RepositoryId}. */
class RepositoryIdTest {

  @Test
  void equals_otherCase_isEqual_andKeepsItsSpelling() {
    RepositoryId named = RepositoryId.parse("Acme/Repo-000");
    RepositoryId discovered = RepositoryId.parse("acme/repo-000");

    assertThat(named).isEqualTo(discovered).hasSameHashCodeAs(discovered);
    assertThat(named.compareTo(discovered)).isZero();
    assertThat(named.fullName()).isEqualTo("Acme/Repo-000");
    assertThat(named.canonicalFullName()).isEqualTo("acme/repo-000");
    assertThat(Set.of(named)).contains(discovered);
    assertThat(new TreeSet<>(Set.of(named))).contains(discovered);
  }

  @Test
  void keyOf_anySpelling_isOneKey() {
    java.time.Instant at = java.time.Instant.parse("2026-01-01T00:00:00Z");
    String upper = PullRequestChange.keyOf(RepositoryId.parse("ACME/Repo"), 5, ChangeKind.EDITED, "title", "a",
        "b", at);
    String lower = PullRequestChange.keyOf(RepositoryId.parse("acme/repo"), 5, ChangeKind.EDITED, "title", "a",
        "b", at);

    assertThat(upper).isEqualTo(lower).startsWith("acme/repo#5@");
  }
}
