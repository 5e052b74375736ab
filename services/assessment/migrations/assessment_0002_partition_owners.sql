-- Fencing: a worker writes the read side only for partitions it owns at its latest claim. A worker that lost a
-- partition in a rebalance cannot overwrite, with an older state, what the new owner wrote.
-- depends: assessment_0001_figures

CREATE TABLE partition_owners (
    generation text NOT NULL,
    partition  integer NOT NULL,
    owner      text NOT NULL,
    epoch      bigint NOT NULL,
    claimed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (generation, partition)
);
