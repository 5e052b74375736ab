"""Records of a three-level roll-up of students with whole stories (classes, hours, funding, placements and wages),
and of a student moved between two partnerships: what a split computation must add up exactly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from bench.figure_store import fold
from bench.workload import BUSINESS_DATE, Workload
from services.assessment.metrics.catalog import VERSIONS
from services.assessment.metrics.clock import AsOf
from services.assessment.metrics.figures import Figure, render
from services.assessment.metrics.scope import descendants, figures, group, partnership_tally
from services.assessment.metrics.tally import Tally
from services.assessment.records import Record
from tests.unit.assessment.builders import records_of
from tests.unit.assessment.test_transfers_across_partnerships import moved

DAYS = (date(2024, 9, 1), BUSINESS_DATE)


@dataclass(frozen=True)
class Programme:
    records: list[Record]
    parent: UUID
    member: UUID  # under the parent, with a member of its own
    below: UUID  # the member's member
    moved_from: UUID  # a partnership a student moved out of
    moved_to: UUID

    @property
    def levels(self) -> tuple[UUID, UUID, UUID]:
        return self.parent, self.member, self.below


def programme(students: tuple[int, int, int] = (2, 7, 4)) -> Programme:
    """`students`: of the parent, its member and the member's member."""
    workload = Workload(seed=12)
    parent, events = workload.partnership(1)
    member, own = workload.partnership(2, parent.partnership_id)
    below, deeper = workload.partnership(1, member.partnership_id)
    events += own + deeper
    for partnership, count in zip((parent, member, below), students, strict=True):
        events += [e for _ in range(count) for e in workload.student(partnership)]
    first, second, _ = moved()
    records = list(fold(events).values()) + records_of(first.events + second.events)
    ids = (parent.partnership_id, member.partnership_id, below.partnership_id)
    return Programme(records, *ids, first.partnership_id, second.partnership_id)


def partnership_figures(records: list[Record], pid: UUID, as_of: AsOf) -> list[Figure]:
    return [f for version in VERSIONS for f in figures(records, as_of, version, only={pid})]


def merged_rollup_figures(records: list[Record], parent: UUID, as_of: AsOf) -> list[Figure]:
    """A roll-up the way the live engine pools one: each member's whole tally, merged."""
    grouped, found = group(records), []
    for version in VERSIONS:
        pooled = Tally()
        for pid in [parent, *descendants(grouped, parent, as_of)]:
            if pid in grouped:
                pooled.merge(partnership_tally(grouped[pid], as_of, VERSIONS[version])[0])
        found += render(pooled, f"rollup:{parent}", version, as_of.business_date)
    return found
