-- A held command no longer carries its recorded_at (the pipeline's context does; received_at keeps it), so the
-- held facts stored before replay unchanged when their graduation arrives.
-- depends: employment_0001_schema
UPDATE held_facts SET command = command - 'recorded_at';
