-- An idempotency key remembers the outcome (held or applied), not an HTTP status: learners and the import use
-- the same pipeline as the routes.
-- depends: shared_0002_idempotency
ALTER TABLE idempotency_keys ADD COLUMN held boolean NOT NULL DEFAULT false;
UPDATE idempotency_keys SET held = (status_code = 202);
ALTER TABLE idempotency_keys DROP COLUMN status_code;
