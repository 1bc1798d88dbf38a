-- PostgreSQL indexes of schema version 1 (after V1__baseline.sql). Plans: jdbc-store/SCHEMA.md.

-- pendingChanges: delivered_at IS NULL AND seq > ? ORDER BY seq LIMIT ?. Holds only pending entries, in
-- sequence order, so the query reads exactly the rows it returns however many delivered ones are retained.
CREATE INDEX IF NOT EXISTS prmonitor_outbox_pending_idx ON prmonitor_outbox (seq) WHERE delivered_at IS NULL
;
-- purgeDelivered: delivered_at < ?.
CREATE INDEX IF NOT EXISTS prmonitor_outbox_delivered_idx ON prmonitor_outbox (delivered_at)
  WHERE delivered_at IS NOT NULL
