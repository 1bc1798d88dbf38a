-- prmonitor schema, version 3 (issue 13): the store takes every value GitHub can send. Runs unchanged on
-- H2 2.x and PostgreSQL 12+. The type changes come first: H2 commits each DDL statement on its own, and
-- the data changes after them then commit together with the version record (none is idempotent but the
-- version record makes it run once).
--
-- 1. Text without invented limits. Titles, branch names, SHAs, logins and entity tags are whatever the
--    API sends (GitHub's web form stops titles at 256 characters, its API has served longer ones).
--    VARCHAR without a length is unbounded on both databases (PostgreSQL: the same as TEXT; H2: up to
--    1,000,000,000 characters, kept in the row like the bodies always were, not as a LOB).
--    Owner and name keep GitHub's real limits (39 and 100).
ALTER TABLE prmonitor_pull_requests ALTER COLUMN title SET DATA TYPE VARCHAR
;
ALTER TABLE prmonitor_pull_requests ALTER COLUMN author SET DATA TYPE VARCHAR
;
ALTER TABLE prmonitor_pull_requests ALTER COLUMN head_sha SET DATA TYPE VARCHAR
;
ALTER TABLE prmonitor_pull_requests ALTER COLUMN head_ref SET DATA TYPE VARCHAR
;
ALTER TABLE prmonitor_pull_requests ALTER COLUMN base_ref SET DATA TYPE VARCHAR
;
ALTER TABLE prmonitor_repositories ALTER COLUMN cursor_etag SET DATA TYPE VARCHAR
;
-- 2. Quarantine: pull requests the reader or the store refused, retried on every pass until stored.
CREATE TABLE IF NOT EXISTS prmonitor_quarantine (
  owner       VARCHAR(39)  NOT NULL,
  name        VARCHAR(100) NOT NULL,
  number      INTEGER      NOT NULL,
  updated_at  TIMESTAMP(6) WITH TIME ZONE,
  reason      VARCHAR      NOT NULL,
  since       TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  attempts    INTEGER      NOT NULL,
  CONSTRAINT prmonitor_quarantine_pk PRIMARY KEY (owner, name, number)
)
;
-- 3. Repositories are identified case-insensitively (GitHub's rule): the key columns of the pull request
--    and repository tables hold the lower-case name. Where an older version stored one repository under
--    two spellings, the newest snapshot of each pull request is kept, and the surviving repository row
--    forgets its cursor so that its next pass reads every page once (it stays out of baseline mode).
DELETE FROM prmonitor_pull_requests p WHERE EXISTS (SELECT 1 FROM prmonitor_pull_requests q
  WHERE LOWER(q.owner) = LOWER(p.owner) AND LOWER(q.name) = LOWER(p.name) AND q.number = p.number
    AND (q.owner <> p.owner OR q.name <> p.name)
    AND (q.updated_at > p.updated_at
      OR (q.updated_at = p.updated_at AND q.owner || '/' || q.name < p.owner || '/' || p.name)))
;
UPDATE prmonitor_pull_requests SET owner = LOWER(owner), name = LOWER(name)
WHERE owner <> LOWER(owner) OR name <> LOWER(name)
;
UPDATE prmonitor_repositories r SET cursor_updated_at = NULL, cursor_etag = NULL
WHERE EXISTS (SELECT 1 FROM prmonitor_repositories q WHERE LOWER(q.owner) = LOWER(r.owner)
  AND LOWER(q.name) = LOWER(r.name) AND (q.owner <> r.owner OR q.name <> r.name))
;
DELETE FROM prmonitor_repositories r WHERE EXISTS (SELECT 1 FROM prmonitor_repositories q
  WHERE LOWER(q.owner) = LOWER(r.owner) AND LOWER(q.name) = LOWER(r.name)
    AND q.owner || '/' || q.name < r.owner || '/' || r.name)
;
UPDATE prmonitor_repositories SET owner = LOWER(owner), name = LOWER(name)
WHERE owner <> LOWER(owner) OR name <> LOWER(name)
;
-- 4. Text is stored through an escape (JdbcPullRequestStore's class comment): U+0000, unpaired surrogates
--    and the escape character U+FDD0 itself are written as U+FDD0 followed by four hex digits. Text an older
--    version stored cannot hold the first two (they failed or became '?'); the escape character, a Unicode
--    noncharacter, is escaped here so that every stored value reads back as it was.
UPDATE prmonitor_pull_requests SET
  title = REPLACE(title, U&'\FDD0', U&'\FDD0' || 'FDD0'),
  body = REPLACE(body, U&'\FDD0', U&'\FDD0' || 'FDD0'),
  author = REPLACE(author, U&'\FDD0', U&'\FDD0' || 'FDD0'),
  head_sha = REPLACE(head_sha, U&'\FDD0', U&'\FDD0' || 'FDD0'),
  head_ref = REPLACE(head_ref, U&'\FDD0', U&'\FDD0' || 'FDD0'),
  base_ref = REPLACE(base_ref, U&'\FDD0', U&'\FDD0' || 'FDD0'),
  labels = REPLACE(labels, U&'\FDD0', U&'\FDD0' || 'FDD0'),
  assignees = REPLACE(assignees, U&'\FDD0', U&'\FDD0' || 'FDD0'),
  requested_reviewers = REPLACE(requested_reviewers, U&'\FDD0', U&'\FDD0' || 'FDD0')
WHERE POSITION(U&'\FDD0' IN title || COALESCE(body, '') || COALESCE(author, '') || head_sha || head_ref
  || base_ref || labels || assignees || requested_reviewers) > 0
;
UPDATE prmonitor_outbox SET
  before_value = REPLACE(before_value, U&'\FDD0', U&'\FDD0' || 'FDD0'),
  after_value = REPLACE(after_value, U&'\FDD0', U&'\FDD0' || 'FDD0')
WHERE POSITION(U&'\FDD0' IN COALESCE(before_value, '') || COALESCE(after_value, '')) > 0
