-- Every pass reads the open pull requests of each repository again (their CI state and mergeability move
-- without moving updated_at): a partial index holds only those, a tenth of the rows or less.
CREATE INDEX IF NOT EXISTS prmonitor_pull_requests_open_ix ON prmonitor_pull_requests (owner, name, number)
  WHERE state = 'OPEN'
