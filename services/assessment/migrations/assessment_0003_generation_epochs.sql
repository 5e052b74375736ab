-- Claims are fenced by the consumer group's generation from now on (issue 13); the wall-clock epochs written
-- before would outrank every generation, so they are cleared.
-- depends: assessment_0002_partition_owners

UPDATE partition_owners SET epoch = 0;
