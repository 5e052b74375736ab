-- Which party belongs to which partnership, when, in which role (issue 10): every service keeps it from the
-- MemberJoined / MemberLeft it records or learns, so its pipeline can authorize a fact in the fact's transaction.
-- A row is one stay: from joined_on until left_on (the first day the party is no longer a member).
-- depends: shared_0004_outbox_dead_letters

CREATE TABLE party_memberships (
    joined_event    uuid PRIMARY KEY,
    partnership_id  uuid NOT NULL,
    party_id        uuid NOT NULL,
    party_role      text NOT NULL,
    credit_code     text,
    joined_on       date NOT NULL,
    left_on         date,
    left_event      uuid
);

CREATE INDEX party_memberships_of ON party_memberships (partnership_id, party_id, joined_on);
CREATE INDEX party_memberships_code ON party_memberships (partnership_id, credit_code);
CREATE INDEX party_memberships_left ON party_memberships (left_event) WHERE left_event IS NOT NULL;
