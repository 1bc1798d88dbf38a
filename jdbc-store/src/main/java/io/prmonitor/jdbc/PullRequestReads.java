package io.prmonitor.jdbc;

import io.prmonitor.spi.ListingCursor;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.PullRequestState;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryState;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The reads of a repository's synchronised state: its cursor and last completed pass, its pull request
 * snapshots (by number, all, open) and their enrichments. Thread-safe.
 */
final class PullRequestReads {

  private static final String PULL_REQUEST_COLUMNS = "number, id, title, body, state, draft, author, head_sha, "
      + "head_ref, base_ref, labels, assignees, requested_reviewers, created_at, updated_at, closed_at, merged_at";
  private static final String SELECT_ALL_PULL_REQUESTS = "SELECT " + PULL_REQUEST_COLUMNS
      + " FROM prmonitor_pull_requests WHERE owner = :owner AND name = :name ORDER BY number";
  private static final String SELECT_OPEN_PULL_REQUESTS = "SELECT " + PULL_REQUEST_COLUMNS
      + " FROM prmonitor_pull_requests WHERE owner = :owner AND name = :name AND state = 'OPEN' ORDER BY number";
  private static final String SELECT_PULL_REQUESTS_BY_NUMBERS = "SELECT " + PULL_REQUEST_COLUMNS
      + " FROM prmonitor_pull_requests WHERE owner = ? AND name = ? AND number = ANY(?)";

  private final JdbcTransactions transactions;

  PullRequestReads(JdbcTransactions transactions) {
    this.transactions = transactions;
  }

  RepositoryState repositoryState(RepositoryId repository) {
    Objects.requireNonNull(repository, "null repository");
    return transactions.read("read repository state", repository, handle -> handle.createQuery("""
            SELECT cursor_updated_at, cursor_etag, last_completed_at FROM prmonitor_repositories
            WHERE owner = :owner AND name = :name""")
        .bind("owner", repository.canonicalOwner())
        .bind("name", repository.canonicalName())
        .map((rs, ctx) -> new RepositoryState(repository,
            new ListingCursor(SqlValues.instant(rs, "cursor_updated_at"), rs.getString("cursor_etag")),
            SqlValues.instant(rs, "last_completed_at")))
        .findOne()
        .orElseGet(() -> RepositoryState.initial(repository)));
  }

  Map<Integer, PullRequest> pullRequests(RepositoryId repository, Collection<Integer> numbers) {
    return byNumbers("read pull requests", repository, numbers, SELECT_PULL_REQUESTS_BY_NUMBERS,
        PullRequestReads::pullRequest, PullRequest::number);
  }

  Map<Integer, PullRequestEnrichment> enrichments(RepositoryId repository, Collection<Integer> numbers) {
    return byNumbers("read enrichments", repository, numbers, EnrichmentSql.SELECT_BY_NUMBERS, EnrichmentSql::read,
        PullRequestEnrichment::number);
  }

  List<PullRequest> openPullRequests(RepositoryId repository) {
    Objects.requireNonNull(repository, "null repository");
    return pullRequestsOf("read open pull requests", repository, SELECT_OPEN_PULL_REQUESTS);
  }

  List<PullRequest> allPullRequests(RepositoryId repository) {
    Objects.requireNonNull(repository, "null repository");
    return pullRequestsOf("read all pull requests", repository, SELECT_ALL_PULL_REQUESTS);
  }

  boolean hasPullRequests(RepositoryId repository) {
    Objects.requireNonNull(repository, "null repository");
    return transactions.read("check for pull requests", repository, handle -> handle.createQuery(
            "SELECT 1 FROM prmonitor_pull_requests WHERE owner = :owner AND name = :name LIMIT 1")
        .bind("owner", repository.canonicalOwner())
        .bind("name", repository.canonicalName())
        .mapTo(Integer.class)
        .findOne()
        .isPresent());
  }

  /** A repository's pull requests by one of the two queries above, ordered by number. */
  private List<PullRequest> pullRequestsOf(String operation, RepositoryId repository, String query) {
    return transactions.read(operation, repository, handle -> handle.createQuery(query)
        .bind("owner", repository.canonicalOwner())
        .bind("name", repository.canonicalName())
        .map((rs, ctx) -> pullRequest(rs))
        .list());
  }

  /**
   * The rows of a repository with the given numbers, by number. The query takes owner, name and an array of
   * numbers: one statement text for any number of numbers (an array parameter, not an IN list of that
   * size), so the driver parses and plans it once per connection.
   */
  private <T> Map<Integer, T> byNumbers(String operation, RepositoryId repository, Collection<Integer> numbers,
      String query, RowReader<T> reader, Function<T, Integer> numberOf) {
    Objects.requireNonNull(repository, "null repository");
    Objects.requireNonNull(numbers, "null numbers");
    if (numbers.isEmpty()) {
      return Map.of();
    }
    List<List<Integer>> chunks = SqlValues.distinctChunks(numbers);
    return transactions.read(operation, repository, handle -> {
      Connection connection = handle.getConnection();
      Map<Integer, T> found = new HashMap<>();
      try (PreparedStatement statement = connection.prepareStatement(query)) {
        statement.setQueryTimeout(transactions.queryTimeoutSeconds());
        for (List<Integer> chunk : chunks) {
          statement.setString(1, repository.canonicalOwner());
          statement.setString(2, repository.canonicalName());
          Array numbersArray = connection.createArrayOf("INTEGER", chunk.toArray());
          statement.setArray(3, numbersArray);
          try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
              T row = reader.read(rs);
              found.put(numberOf.apply(row), row);
            }
          } finally {
            numbersArray.free();
          }
        }
      }
      return found;
    });
  }

  @FunctionalInterface
  private interface RowReader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private static PullRequest pullRequest(ResultSet rs) throws SQLException {
    return new PullRequest(
        rs.getLong("id"),
        rs.getInt("number"),
        SqlValues.decodeText(rs.getString("title")),
        SqlValues.decodeText(rs.getString("body")),
        PullRequestState.valueOf(rs.getString("state")),
        rs.getBoolean("draft"),
        SqlValues.decodeText(rs.getString("author")),
        SqlValues.decodeText(rs.getString("head_sha")),
        SqlValues.decodeText(rs.getString("head_ref")),
        SqlValues.decodeText(rs.getString("base_ref")),
        SqlValues.splitSet(rs.getString("labels")),
        SqlValues.splitSet(rs.getString("assignees")),
        SqlValues.splitSet(rs.getString("requested_reviewers")),
        SqlValues.instant(rs, "created_at"),
        SqlValues.instant(rs, "updated_at"),
        SqlValues.instant(rs, "closed_at"),
        SqlValues.instant(rs, "merged_at"));
  }
}
