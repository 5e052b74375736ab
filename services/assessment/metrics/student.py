"""Where a student stands on business date D (DOMAIN.md, "Who counts, where and when")."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.assessment.facts import Fact


@dataclass(frozen=True, slots=True)
class Application:
    event_id: bytes  # of its ApplicationSubmitted
    application_id: bytes
    class_id: bytes | None
    home_region: str | None
    poor: bool | None
    decision: str | None  # admitted or rejected; None while undecided (waitlisted is undecided)


@dataclass(frozen=True, slots=True)
class StudentView:
    enrolled: bool  # started by D and not cancelled
    class_id: bytes | None
    first_start: int | None
    status: str  # "none", "in_training", "withdrawn" or "graduated"
    on_break: bool
    quick_withdrawal: bool  # withdrew inside the qualifying period
    excluded: bool
    poor: bool | None
    home_region: str | None
    graduated_on: int | None
    period_event: bytes | None = None  # the fact that started the latest period: its record is where they count

    @property
    def active(self) -> bool:
        return self.status == "in_training" and not self.on_break


@dataclass(slots=True)
class StudentFacts:
    """A student's resolved facts by kind, grouped in one pass: a contribution reads a dozen kinds, each of which
    was a scan of every fact (issue 12: as-of answers compute thousands)."""

    kinds: dict[str, list[Fact]] = field(default_factory=dict)

    @classmethod
    def of(cls, facts: list[Fact]) -> StudentFacts:
        kinds: dict[str, list[Fact]] = {}
        for fact in facts:
            kinds.setdefault(fact.kind, []).append(fact)
        return cls(kinds)

    def of_kind(self, kind: str) -> list[Fact]:
        """In the order the facts were given; not to be changed."""
        return self.kinds.get(kind, _NONE)

    def ordered(self, kind: str) -> list[Fact]:
        """DOMAIN.md: several facts of one kind order by occurred_on, then recorded_at, then id."""
        return sorted(self.kinds.get(kind, _NONE), key=_sort_key)


_NONE: list[Fact] = []


def _sort_key(fact: Fact) -> tuple[int, int, bytes]:
    return fact.sort_key


def applications(facts: StudentFacts) -> list[Application]:
    decisions: dict[bytes, str] = {}
    for fact in facts.ordered("ApplicationDecided"):
        decisions[fact.get("application_id")] = fact.get("decision")
    found = []
    for fact in facts.ordered("ApplicationSubmitted"):
        decision = decisions.get(fact.get("application_id"))
        found.append(
            Application(
                event_id=fact.event_id,
                application_id=fact.get("application_id"),
                class_id=fact.get("class_id"),
                home_region=fact.get("home_region"),
                poor=_household_status(facts, fact.get("poor_household"), fact.occurred_on),
                decision=decision if decision in ("admitted", "rejected") else None,
            )
        )
    return found


def _household_status(facts: StudentFacts, flag: bool | None, on_day: int) -> bool | None:
    """The application flag, overridden by the latest household update dated on or before `on_day`."""
    for fact in facts.ordered("HouseholdStatusUpdated"):
        if fact.occurred_on <= on_day:
            flag = fact.get("poor_household")
    return flag


def _breaks(facts: StudentFacts) -> list[tuple[int, int | None]]:
    """(first day, last day or None) of each break: a break runs from its start to the day before it ends."""
    ends = sorted(f.get("end_on") for f in facts.of_kind("BreakEnded"))
    spans: list[tuple[int, int | None]] = []
    for start in sorted(f.get("start_on") for f in facts.of_kind("BreakStarted")):
        end = next((e for e in ends if e > start), None)
        if end is not None:
            ends.remove(end)
        spans.append((start, None if end is None else end - 1))
    return spans


def _break_days(spans: list[tuple[int, int | None]], first: int, last: int) -> int:
    days = 0
    for start, end in spans:
        low, high = max(start, first), min(last if end is None else end, last)
        days += max(0, high - low + 1)
    return days


def student_view(
    facts: StudentFacts, day: int, qualifying_days: int, known: list[Application] | None = None
) -> StudentView:
    """`facts` are resolved (see `resolve`) for the same as-of; `known`: their `applications`, when already read."""
    starts: list[tuple[int, int, bytes | None, bool, bytes]] = []
    enrolments = facts.ordered("StudentEnrolled")
    for fact in enrolments:
        starts.append((fact.get("start_on"), 0, fact.get("class_id"), False, fact.event_id))
    for fact in facts.ordered("TransferredToClass"):
        starts.append((fact.get("start_on"), 1, fact.get("to_class_id"), False, fact.event_id))
    for fact in facts.ordered("Restarted"):
        starts.append((fact.get("start_on"), 2, fact.get("class_id"), True, fact.event_id))
    started = sorted(s for s in starts if s[0] <= day)
    cancelled = "EnrollmentCancelled" in facts.kinds
    exclusions = facts.of_kind("ExclusionApplied") + facts.of_kind("ExclusionRevoked")
    latest_exclusion = max(exclusions, key=_sort_key, default=None)
    excluded = latest_exclusion is not None and latest_exclusion.kind == "ExclusionApplied"
    known_applications = {a.application_id: a for a in (applications(facts) if known is None else known)}
    if not enrolments or not started or cancelled:
        return StudentView(False, None, None, "none", False, False, excluded, None, None, None)

    first_start = started[0][0]
    class_id: bytes | None = None
    for _, _, to_class, _, _ in started:
        class_id = to_class or class_id
    timeline: list[tuple[int, int, str, int, bool]] = [(d, 1, "start", 0, restart) for d, _, _, restart, _ in started]
    timeline += [
        (f.get("last_day") + 1, 0, "withdraw", f.get("last_day"), False)
        for f in facts.of_kind("Withdrawn")
        if f.get("last_day") + 1 <= day
    ]
    timeline += [
        (f.get("graduated_on"), 2, "graduate", 0, False)
        for f in facts.of_kind("Graduated")
        if f.get("graduated_on") <= day
    ]
    status, in_restart, last_day, restarted_when_left, graduated_on = "in_training", False, 0, False, None
    for when, _, event, left_on, restart in sorted(timeline):
        if when < first_start:
            continue
        if event == "start":
            status, in_restart = "in_training", in_restart or restart
        elif event == "withdraw":
            status, last_day, restarted_when_left = "withdrawn", left_on, in_restart
        else:
            status, graduated_on = "graduated", when
    spans = _breaks(facts)
    on_break = status == "in_training" and any(s <= day and (e is None or e >= day) for s, e in spans)
    quick = False
    if status == "withdrawn" and not restarted_when_left:
        days_in_learning = last_day - first_start + 1 - _break_days(spans, first_start, last_day)
        quick = days_in_learning < qualifying_days
    application = known_applications.get(enrolments[0].get("application_id"))
    if application is None and known_applications:
        application = list(known_applications.values())[-1]
    flag = None
    if application is not None:
        submitted = next(
            f for f in facts.of_kind("ApplicationSubmitted") if f.get("application_id") == application.application_id
        )
        flag = submitted.get("poor_household")
    return StudentView(
        enrolled=True,
        class_id=class_id,
        first_start=first_start,
        status=status,
        on_break=on_break,
        quick_withdrawal=quick,
        excluded=excluded,
        poor=_household_status(facts, flag, first_start),
        home_region=application.home_region if application else None,
        graduated_on=graduated_on if status == "graduated" else None,
        period_event=started[-1][4],
    )
