-- Every pass reads the open pull requests of each repository again (their CI state and mergeability move
-- without moving updated_at). H2 has no partial index: this one holds every row, keyed by state.
CREATE INDEX IF NOT EXISTS prmonitor_pull_requests_open_ix ON prmonitor_pull_requests (owner, name, state)
