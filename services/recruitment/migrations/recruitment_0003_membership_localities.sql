-- Memberships recorded before shared_0006_membership_localities have no locality, so a government did not read
-- the partnerships of those members (issue 10). MemberJoined carries the party's locality, and a party's locality
-- never changes once the party is registered, so recruitment fills them from its own `parties` table. The other
-- services learned their rows from the topics: `cycle memberships backfill` fills theirs from the MemberJoined.
-- depends: recruitment_0002_students shared_0006_membership_localities

UPDATE party_memberships m SET locality = p.locality FROM parties p
WHERE m.party_id = p.party_id AND m.locality IS NULL;
