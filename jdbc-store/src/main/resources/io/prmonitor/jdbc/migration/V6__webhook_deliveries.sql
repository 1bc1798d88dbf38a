-- prmonitor schema, version 6: the webhook deliveries already taken up (issue 19), keyed by GitHub's
-- X-GitHub-Delivery id, so that a redelivered or duplicated delivery is acted on once across restarts and
-- across the workers sharing the store. Runs unchanged on H2 2.x and PostgreSQL 12+; idempotent.
CREATE TABLE IF NOT EXISTS prmonitor_webhook_deliveries (
  delivery_id VARCHAR(100) NOT NULL,
  received_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  CONSTRAINT prmonitor_webhook_deliveries_pk PRIMARY KEY (delivery_id)
)
;
-- purgeDeliveries deletes by age
CREATE INDEX IF NOT EXISTS prmonitor_webhook_deliveries_received ON prmonitor_webhook_deliveries (received_at)
