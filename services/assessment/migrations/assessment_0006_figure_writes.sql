-- The transaction that last wrote each scope's figures rows (issue 12, BENCHMARKS.md (5)): the flush records it
-- with the rows it writes, so an API process that keeps a live answer's body sees in one small read whether the
-- rows it was made from still stand. A transaction id (xid8) is never given twice in a cluster's life.
-- depends: assessment_0005_live_tallies

CREATE TABLE figure_writes (
    generation text NOT NULL,
    scope      text NOT NULL,
    written    bigint NOT NULL,
    PRIMARY KEY (generation, scope)
);
