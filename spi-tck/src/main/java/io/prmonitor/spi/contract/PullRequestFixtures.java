package io.prmonitor.spi.contract;

import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestState;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.SyncBatch;
import java.time.Instant;
import java.util.List;

/**
 * Builders of {@link PullRequest}, {@link PullRequestChange} and {@link SyncBatch} values for tests.
 * Every value is deterministic: the same arguments give equal values. Not thread-safe (a builder is
 * meant for one test method).
 */
public final class PullRequestFixtures {

  /** The {@code createdAt} of every pull request built here unless set otherwise. */
  public static final Instant CREATED_AT = Instant.parse("2024-03-01T09:00:00Z");

  private PullRequestFixtures() {
  }

  /** A repository {@code fixture/<name>}. */
  public static RepositoryId repository(String name) {
    return new RepositoryId("fixture", name);
  }

  /** An open pull request with the given number, updated one minute after {@link #CREATED_AT}. */
  public static PullRequest pullRequest(int number) {
    return builder(number).build();
  }

  /** An open pull request with the given number and update time. */
  public static PullRequest pullRequest(int number, Instant updatedAt) {
    return builder(number).updatedAt(updatedAt).build();
  }

  /** A builder whose defaults describe an open pull request with the given number. */
  public static Builder builder(int number) {
    return new Builder(number);
  }

  /** A change with a deterministic key ({@link PullRequestChange#keyOf}). */
  public static PullRequestChange change(RepositoryId repository, int number, ChangeKind kind, String field,
      String before, String after, Instant updatedAt) {
    return PullRequestChange.of(repository, number, kind, field, before, after, updatedAt);
  }

  /** An {@link ChangeKind#EDITED} title change from {@code "before"} to {@code "after"}. */
  public static PullRequestChange titleEdit(RepositoryId repository, int number, Instant updatedAt) {
    return change(repository, number, ChangeKind.EDITED, "title", "before", "after", updatedAt);
  }

  /** A batch of snapshots and changes for one repository. */
  public static SyncBatch batch(RepositoryId repository, List<PullRequest> upserts,
      List<PullRequestChange> changes) {
    return new SyncBatch(repository, upserts, changes);
  }

  /** A fluent builder of one {@link PullRequest}; start it with {@link #builder(int)}. */
  public static final class Builder {
    private final int number;
    private long id;
    private String title;
    private String body = "Description";
    private PullRequestState state = PullRequestState.OPEN;
    private boolean draft;
    private String author = "octocat";
    private String headSha;
    private String headRef;
    private String baseRef = "main";
    private List<String> labels = List.of();
    private List<String> assignees = List.of();
    private List<String> requestedReviewers = List.of();
    private Instant createdAt = CREATED_AT;
    private Instant updatedAt = CREATED_AT.plusSeconds(60);
    private Instant closedAt;
    private Instant mergedAt;

    private Builder(int number) {
      this.number = number;
      this.id = 1_000_000L + number;
      this.title = "Pull request " + number;
      this.headSha = String.format("%040x", number);
      this.headRef = "feature-" + number;
    }

    public Builder id(long value) {
      id = value;
      return this;
    }

    public Builder title(String value) {
      title = value;
      return this;
    }

    public Builder body(String value) {
      body = value;
      return this;
    }

    public Builder state(PullRequestState value) {
      state = value;
      return this;
    }

    public Builder draft(boolean value) {
      draft = value;
      return this;
    }

    public Builder author(String value) {
      author = value;
      return this;
    }

    public Builder headSha(String value) {
      headSha = value;
      return this;
    }

    public Builder headRef(String value) {
      headRef = value;
      return this;
    }

    public Builder baseRef(String value) {
      baseRef = value;
      return this;
    }

    public Builder labels(String... values) {
      labels = List.of(values);
      return this;
    }

    public Builder assignees(String... values) {
      assignees = List.of(values);
      return this;
    }

    public Builder requestedReviewers(String... values) {
      requestedReviewers = List.of(values);
      return this;
    }

    public Builder createdAt(Instant value) {
      createdAt = value;
      return this;
    }

    public Builder updatedAt(Instant value) {
      updatedAt = value;
      return this;
    }

    public Builder closedAt(Instant value) {
      closedAt = value;
      return this;
    }

    public Builder mergedAt(Instant value) {
      mergedAt = value;
      return this;
    }

    public PullRequest build() {
      return new PullRequest(id, number, title, body, state, draft, author, headSha, headRef, baseRef, labels,
          assignees, requestedReviewers, createdAt, updatedAt, closedAt, mergedAt);
    }
  }
}
