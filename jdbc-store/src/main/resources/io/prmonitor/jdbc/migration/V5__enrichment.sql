-- prmonitor schema, version 5: enrichment (issue 17), what the list endpoint does not show. Runs unchanged
-- on H2 2.x and PostgreSQL 12+; idempotent like version 1. Adds a table and an index; alters nothing.

-- The latest enrichment of each pull request: review decision, latest review per reviewer (login:STATE
-- entries sorted by login, joined by a line feed), CI rollup of head_sha, mergeability, comment count.
-- revision counts the stored changes; it is part of the keys of the changes found on enrichment. etags
-- holds the REST entity tags it was read from (REST enrichment), so conditional re-reads survive restarts.
CREATE TABLE IF NOT EXISTS prmonitor_enrichments (
  owner           VARCHAR(39)  NOT NULL,
  name            VARCHAR(100) NOT NULL,
  number          INTEGER      NOT NULL,
  revision        BIGINT       NOT NULL,
  head_sha        VARCHAR      NOT NULL,
  review_decision VARCHAR(32),
  latest_reviews  VARCHAR      NOT NULL,
  checks          VARCHAR(16)  NOT NULL,
  mergeable       VARCHAR(16)  NOT NULL,
  comments        INTEGER      NOT NULL,
  etags           VARCHAR,
  CONSTRAINT prmonitor_enrichments_pk PRIMARY KEY (owner, name, number)
)
