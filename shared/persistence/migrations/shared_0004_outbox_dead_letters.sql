-- An event the broker refuses for good (too large, an invalid topic) must not block every later event of its
-- service: the relay moves it here with the reason and goes on (issue 13). Operators read it with `cycle outbox`.
-- depends: shared_0003_idempotency_outcome
ALTER TABLE outbox ADD COLUMN dead_lettered_at timestamptz;

CREATE TABLE outbox_dead_letters (
    position     bigint PRIMARY KEY REFERENCES outbox (position),
    event_id     uuid NOT NULL,
    event_type   text NOT NULL,
    topic        text NOT NULL,
    reason       text NOT NULL,
    refused_at   timestamptz NOT NULL DEFAULT now()
);
