-- prmonitor schema, version 2: what several monitors sharing one store need (issue 9). Runs unchanged on
-- H2 2.x and PostgreSQL 12+; idempotent like version 1.
--
-- Repository leases use the lease_owner / lease_expires_at columns version 1 already has. The claim query
-- (RepositoryLeases.claimDue) filters a fleet's repositories by name and orders the due ones by
-- last_completed_at; the table holds one row per repository (thousands at most), so a sequential scan
-- of it per claim is cheaper than keeping another index up to date on every completed pass.

-- The rate-limit board (SharedRateLimits): the most pessimistic current status of each credential the
-- fleet's clients observed, keyed by the credential's non-secret label.
CREATE TABLE IF NOT EXISTS prmonitor_rate_limits (
  credential VARCHAR(300) NOT NULL,
  rate_limit INTEGER      NOT NULL,
  remaining  INTEGER      NOT NULL,
  reset_at   TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  CONSTRAINT prmonitor_rate_limits_pk PRIMARY KEY (credential)
)
