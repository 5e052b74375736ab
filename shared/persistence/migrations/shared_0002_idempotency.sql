-- Answers to commands sent with an Idempotency-Key: a repeat returns the first answer and changes nothing.
-- depends: shared_0001_messaging

CREATE TABLE idempotency_keys (
    key          text PRIMARY KEY,
    fingerprint  bytea NOT NULL,
    status_code  integer NOT NULL,
    body         jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
