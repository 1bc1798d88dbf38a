-- H2 indexes of schema version 1 (after V1__baseline.sql). H2 has no partial indexes, so one index on
-- (delivered_at, seq) serves both outbox queries: pendingChanges (delivered_at IS NULL AND seq > ?
-- ORDER BY seq) reads only pending entries, and purgeDelivered (delivered_at < ?) reads a range.
CREATE INDEX IF NOT EXISTS prmonitor_outbox_delivery_idx ON prmonitor_outbox (delivered_at, seq)
