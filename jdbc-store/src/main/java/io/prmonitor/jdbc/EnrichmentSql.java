package io.prmonitor.jdbc;

import io.prmonitor.spi.ChecksState;
import io.prmonitor.spi.Mergeability;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.ReviewDecision;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The SQL of the enrichment table ({@code prmonitor_enrichments}, schema version 5), per dialect. */
final class EnrichmentSql {

  static final String COLUMNS =
      "number, revision, head_sha, review_decision, latest_reviews, checks, mergeable, comments, etags";

  private static final String H2_UPSERT = """
      MERGE INTO prmonitor_enrichments (owner, name, number, revision, head_sha, review_decision, latest_reviews,
        checks, mergeable, comments, etags)
      KEY (owner, name, number)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """;

  private static final String POSTGRESQL_UPSERT = """
      INSERT INTO prmonitor_enrichments (owner, name, number, revision, head_sha, review_decision, latest_reviews,
        checks, mergeable, comments, etags)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (owner, name, number) DO UPDATE SET
        revision = EXCLUDED.revision, head_sha = EXCLUDED.head_sha, review_decision = EXCLUDED.review_decision,
        latest_reviews = EXCLUDED.latest_reviews, checks = EXCLUDED.checks, mergeable = EXCLUDED.mergeable,
        comments = EXCLUDED.comments, etags = EXCLUDED.etags
      """;

  static final String SELECT_BY_NUMBERS = "SELECT " + COLUMNS
      + " FROM prmonitor_enrichments WHERE owner = ? AND name = ? AND number = ANY(?)";

  private EnrichmentSql() {
  }

  /** Inserts or replaces one enrichment, parameters bound by {@link #bind}. */
  static String upsert(SqlDialect dialect) {
    return dialect == SqlDialect.H2 ? H2_UPSERT : POSTGRESQL_UPSERT;
  }

  static void bind(PreparedStatement upsert, RepositoryId repository, PullRequestEnrichment enrichment)
      throws SQLException {
    int i = 0;
    upsert.setString(++i, repository.canonicalOwner());
    upsert.setString(++i, repository.canonicalName());
    upsert.setInt(++i, enrichment.number());
    upsert.setLong(++i, enrichment.revision());
    upsert.setString(++i, SqlValues.encodeText(enrichment.headSha()));
    upsert.setString(++i, enrichment.reviewDecision() == null ? null : enrichment.reviewDecision().name());
    upsert.setString(++i, SqlValues.encodeText(enrichment.latestReviewsText()));
    upsert.setString(++i, enrichment.checks().name());
    upsert.setString(++i, enrichment.mergeable().name());
    upsert.setInt(++i, enrichment.comments());
    upsert.setString(++i, SqlValues.encodeText(enrichment.etags()));
  }

  static PullRequestEnrichment read(ResultSet rs) throws SQLException {
    String decision = rs.getString("review_decision");
    return new PullRequestEnrichment(
        rs.getInt("number"),
        rs.getLong("revision"),
        SqlValues.decodeText(rs.getString("head_sha")),
        decision == null ? null : ReviewDecision.valueOf(decision),
        PullRequestEnrichment.parseLatestReviews(SqlValues.decodeText(rs.getString("latest_reviews"))),
        ChecksState.valueOf(rs.getString("checks")),
        Mergeability.valueOf(rs.getString("mergeable")),
        rs.getInt("comments"),
        SqlValues.decodeText(rs.getString("etags")));
  }
}
