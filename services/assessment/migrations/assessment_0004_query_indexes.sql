-- Indexes for the read side (issue 12, BENCHMARKS.md (5)): an as-of answer finds a partnership's students in every
-- partnership by the student id inside the record key; a roll-up as of D finds the partnerships below a parent from
-- every parent each partnership record has named (`parents`, written with the record; NULL: not yet read, and the
-- queries then read every partnership record as before); a ranking walks the metric's values in order.
-- depends: assessment_0003_generation_epochs

ALTER TABLE records ADD COLUMN parents uuid[];
-- Record writes committed per partition, counted in the flush that writes them: an as-of answer kept while the
-- sum is unchanged is the answer the records give.
ALTER TABLE partition_owners ADD COLUMN written bigint NOT NULL DEFAULT 0;
CREATE INDEX records_by_student ON records (generation, substring(key from 18 for 16)) WHERE kind = 's';
-- fastupdate off: a pending list would be read through at every probe of the tree until a vacuum empties it.
CREATE INDEX records_by_parent ON records USING gin (parents) WITH (fastupdate = off) WHERE kind = 'p';
CREATE INDEX records_parents_unread ON records (generation) WHERE kind = 'p' AND parents IS NULL;

DROP INDEX figures_for_ranking;
CREATE INDEX figures_ranked ON figures_latest (generation, version, metric, value DESC NULLS LAST, scope)
    WHERE dimension = 'total';
