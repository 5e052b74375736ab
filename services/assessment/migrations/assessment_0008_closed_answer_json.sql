-- A closed answer's figures also as the JSON array the API answers them with when no filter is asked (issue 12:
-- unpacking and writing them took most of a closed-day answer's time). Answers kept before it have none: their
-- JSON is written from `figures`, as for a filtered question.
-- depends: assessment_0007_closed_answers

ALTER TABLE closed_answers ADD COLUMN figures_json bytea;
