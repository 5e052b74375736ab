-- As-of answers whose cutoff has passed (issue 12, BENCHMARKS.md (5)): the figures the records give as of a closed
-- day (or an instant before today), kept for every API process once computed. Only a fact recorded before an
-- answer's cutoff can change it, and a worker that mirrors one (an import, a held fact released, a straggler
-- read after midnight) deletes every answer it could change, with the records, in one transaction.
-- late_facts counts those deletions: an answer computed from records read before one is not kept.
-- depends: assessment_0006_figure_writes

CREATE TABLE closed_answers (
    generation text NOT NULL,
    question   text NOT NULL,
    cutoff     bigint NOT NULL,  -- epoch microseconds: the answer counts facts recorded before it
    figures    bytea NOT NULL,
    PRIMARY KEY (generation, question)
);
CREATE INDEX closed_answers_by_cutoff ON closed_answers (generation, cutoff);

CREATE TABLE late_facts (
    generation text PRIMARY KEY,
    seen       bigint NOT NULL
);
