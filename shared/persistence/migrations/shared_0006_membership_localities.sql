-- Where each member is (MemberJoined.locality), so that a government reads the partnerships of its region
-- (issue 10); rows learned before this migration have none and count only for their own party.
-- depends: shared_0005_party_memberships

ALTER TABLE party_memberships ADD COLUMN locality text;

CREATE INDEX party_memberships_current_party ON party_memberships (party_id) WHERE left_on IS NULL;
CREATE INDEX party_memberships_current_locality ON party_memberships (locality) WHERE left_on IS NULL;
