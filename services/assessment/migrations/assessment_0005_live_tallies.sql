-- Live figures as their tallies (issue 12, BENCHMARKS.md (4)): a worker writes each changed scope's tally, one row
-- a metric version, every few hundred milliseconds. figures_latest, a row a figure, is written by the slower flush
-- that also publishes FiguresChanged; rankings and exports read it. live_progress is how far the tallies count, as
-- progress is for figures_latest: while it is ahead on a scope's partition, the API renders the live answer from
-- the scope's tallies, else it reads the rows.
-- depends: assessment_0004_query_indexes

CREATE TABLE live_tallies (
    generation text NOT NULL,
    scope      text NOT NULL,
    version    integer NOT NULL,
    as_of      date NOT NULL,
    tally      bytea NOT NULL,
    -- When the worker read the tally from its engine: a flush that read it earlier but commits later (the live
    -- flush and the figures flush run side by side) leaves the newer one standing.
    read_at    timestamptz NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (generation, scope, version)
);

CREATE TABLE live_progress (LIKE progress INCLUDING ALL);
