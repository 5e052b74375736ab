"""Which party's system records each fact of a scenario (issue 10), so a run exercises the services' scopes: a
student's school records its applications, enrolments and learners' facts, the teaching party its hours, the
verifying school or enterprise its verifications, a member employer its own offers, placements, checks and endings
(a school those of employers outside the partnership), and whoever recorded a fact its correction or retraction.

Only while the party is a member of the fact's partnership on the fact's date and still is (a party that has left
may no longer write); otherwise the fact is the operator's, like everything the programme office sets up
(parties, agreements, members, classes, targets, funding, closures). Facts absent from the map are the operator's.
"""

from __future__ import annotations

from datetime import date

from simulation import facts as f
from simulation.scenario import (
    EventCorrected,
    EventRetracted,
    HoursLogged,
    HoursVerified,
    Partnership,
    Scenario,
    SchoolClass,
)

SCHOOL, ENTERPRISE = "school", "enterprise"
_FOLLOWING = (f.OfferAccepted, f.OfferDeclined, f.RetentionChecked, f.EmploymentEnded)


class _Acting:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.classes = {c.key: c for c in scenario.classes}
        self.partnerships = {p.key: p for p in scenario.partnerships}
        self.by_fact: dict[str, str] = {}

    def member(self, party: str, partnership: Partnership, on: date, role: str) -> bool:
        """A member in `role` on `on` that has not left since (the policy checks the day, the stay checks now)."""
        if self.scenario.parties[party].role != role:
            return False
        return any(m.party == party and m.joined_on <= on and m.left_on is None for m in partnership.members)

    def was_member(self, party: str, partnership: Partnership, on: date) -> bool:
        return any(
            m.party == party and m.joined_on <= on and (m.left_on is None or m.left_on > on)
            for m in partnership.members
        )

    def give(self, key: str, party: str | None, partnership: Partnership, on: date, role: str) -> None:
        if party is not None and self.member(party, partnership, on, role):
            self.by_fact[key] = party

    def follow_up(self, fact: EventCorrected | EventRetracted, partnership: Partnership) -> None:
        recorder = self.by_fact.get(fact.target)
        if recorder is not None:
            self.give(fact.key, recorder, partnership, fact.occurred_on, self.scenario.parties[recorder].role)

    def classes_facts(self) -> None:
        for klass in self.scenario.classes:
            self.give(f"{klass.key}.plan", klass.school, self.partnerships[klass.partnership], klass.opened_on, SCHOOL)
        for fact in self.scenario.class_facts:  # keyed "<class key>.h…", as the driver groups them
            partnership = self.partnerships[self.classes[fact.key.rsplit(".h", 1)[0]].partnership]
            if isinstance(fact, HoursLogged):
                self.give(fact.key, fact.logged_by, partnership, fact.occurred_on, fact.taught_by)
            elif isinstance(fact, HoursVerified):
                role = self.scenario.parties[fact.verified_by].role
                if role in (SCHOOL, ENTERPRISE):  # a government's verification has no client: the operator's
                    self.give(fact.key, fact.verified_by, partnership, fact.occurred_on, role)
            else:
                self.follow_up(fact, partnership)

    def students_facts(self) -> None:
        for student in self.scenario.students:
            klass: SchoolClass | None = None
            for fact in student.facts:
                klass = self._class_after(fact, klass)
                if klass is None:
                    continue
                self._student_fact(fact, klass)

    def _class_after(self, fact: f.StudentFact, klass: SchoolClass | None) -> SchoolClass | None:
        match fact:
            case f.ApplicationSubmitted() | f.StudentEnrolled() | f.Restarted():
                return self.classes[fact.class_key]
            case f.TransferredToClass():
                return self.classes[fact.to_class]
        return klass

    def _student_fact(self, fact: f.StudentFact, klass: SchoolClass) -> None:
        partnership = self.partnerships[klass.partnership]
        key, on = fact.key, fact.occurred_on
        if isinstance(fact, EventCorrected | EventRetracted):
            self.follow_up(fact, partnership)
        elif isinstance(fact, f.JobOffered | f.Placed):
            employer = fact.employer
            if self.was_member(employer, partnership, on):
                self.give(key, employer, partnership, on, ENTERPRISE)
            else:
                self.give(key, klass.school, partnership, on, SCHOOL)
        elif isinstance(fact, _FOLLOWING):
            subject = fact.placement if isinstance(fact, f.RetentionChecked | f.EmploymentEnded) else fact.offer
            recorder = self.by_fact.get(subject)
            if recorder is not None:
                self.give(key, recorder, partnership, on, self.scenario.parties[recorder].role)
        else:
            self.give(key, klass.school, partnership, on, SCHOOL)


def acting_parties(scenario: Scenario) -> dict[str, str]:
    """Fact key -> the key of the party whose own client records it; the operator's for every other fact."""
    acting = _Acting(scenario)
    acting.classes_facts()
    acting.students_facts()
    return acting.by_fact
