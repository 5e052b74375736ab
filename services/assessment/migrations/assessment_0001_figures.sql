-- Assessment's read side: records mirrored from the worker's tables, the latest figures, frozen snapshots.
-- Every row carries the generation (a rebuild writes a new one beside the live one).
-- depends: shared_0002_idempotency

CREATE TABLE generations (
    generation   text PRIMARY KEY,
    created_at   timestamptz NOT NULL DEFAULT now(),
    active       boolean NOT NULL DEFAULT false,
    caught_up_at timestamptz
);
CREATE UNIQUE INDEX one_active_generation ON generations (active) WHERE active;

CREATE TABLE records (
    generation     text NOT NULL,
    key            bytea NOT NULL,
    partnership_id uuid NOT NULL,
    kind           char(1) NOT NULL,
    body           bytea NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (generation, key)
);
CREATE INDEX records_by_partnership ON records (generation, partnership_id);

CREATE TABLE figures_latest (
    generation  text NOT NULL,
    scope       text NOT NULL,
    version     integer NOT NULL,
    dimension   text NOT NULL,
    bucket      text NOT NULL,
    metric      text NOT NULL,
    numerator   numeric,
    denominator numeric,
    value       numeric,
    final       boolean NOT NULL,
    as_of       date NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (generation, scope, version, dimension, bucket, metric)
);
CREATE INDEX figures_for_ranking ON figures_latest (generation, version, metric, dimension);

CREATE TABLE progress (
    generation  text NOT NULL,
    topic       text NOT NULL,
    partition   integer NOT NULL,
    next_offset bigint NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (generation, topic, partition)
);

CREATE TABLE target_states (
    generation     text NOT NULL,
    target_id      uuid NOT NULL,
    partnership_id uuid NOT NULL,
    met            boolean,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (generation, target_id)
);

-- Frozen: a row is written once and never updated (DOMAIN.md: "what did we report on date X").
CREATE TABLE snapshots (
    period_kind text NOT NULL CHECK (period_kind IN ('monthly', 'yearly')),
    period      text NOT NULL,
    scope       text NOT NULL,
    version     integer NOT NULL,
    dimension   text NOT NULL,
    bucket      text NOT NULL,
    metric      text NOT NULL,
    numerator   numeric,
    denominator numeric,
    value       numeric,
    final       boolean NOT NULL,
    as_of       date NOT NULL,
    generation  text NOT NULL,
    frozen_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (period_kind, period, scope, version, dimension, bucket, metric)
);
