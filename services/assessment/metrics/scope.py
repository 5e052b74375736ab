"""`figures(records, as_of, version)`: every figure of a partnership or a roll-up, from records alone."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from uuid import UUID

from services.assessment.metrics.catalog import VERSIONS, MetricVersion
from services.assessment.metrics.clock import AsOf
from services.assessment.metrics.context import PartnershipContext, context_of, parent_history
from services.assessment.metrics.contribution import (
    Contribution,
    class_contribution,
    partnership_contribution,
    student_contribution,
)
from services.assessment.metrics.figures import Figure, render
from services.assessment.metrics.resolve import resolve
from services.assessment.metrics.tally import Tally
from services.assessment.records import Record, RecordKey, RecordKind

# Student id -> each partnership's record of that student. Training keys a transfer into another partnership, and
# every later fact, by the new partnership (DOMAIN.md moves the student there), so one student may have two records.
Everywhere = dict[UUID, dict[RecordKey, Record]]


@dataclass(slots=True)
class PartnershipRecords:
    partnership_id: UUID
    partnership: Record
    classes: dict[UUID, Record]
    students: dict[UUID, Record]
    everywhere: Everywhere = field(default_factory=dict)  # shared by every partnership grouped together

    def keep(self, record: Record) -> None:
        if record.key.kind is RecordKind.PARTNERSHIP:
            self.partnership = record
        elif record.key.kind is RecordKind.CLASS:
            self.classes[record.key.entity_id] = record
        else:
            self.students[record.key.entity_id] = record
            self.everywhere.setdefault(record.key.entity_id, {})[record.key] = record


def group(records: Iterable[Record], everywhere: Everywhere | None = None) -> dict[UUID, PartnershipRecords]:
    shared: Everywhere = {} if everywhere is None else everywhere
    grouped: dict[UUID, PartnershipRecords] = {}
    for record in records:
        pid = record.key.partnership_id
        if pid not in grouped:
            grouped[pid] = PartnershipRecords(pid, Record(RecordKey.of_partnership(pid)), {}, {}, shared)
        grouped[pid].keep(record)
    return grouped


def partnership_context(records: PartnershipRecords, as_of: AsOf, version: MetricVersion) -> PartnershipContext:
    return context_of(resolve(records.partnership.facts, as_of), version)


@dataclass(slots=True)
class Shares:
    """Every unit's share of a partnership's figures, kept so a change can be subtracted and re-added."""

    ctx: PartnershipContext
    partnership: Contribution
    classes: dict[bytes, Contribution]
    students: dict[UUID, Contribution]

    def tally(self) -> Tally:
        tally = Tally()
        tally.add_all((self.partnership, *self.classes.values(), *self.students.values()))
        return tally


def class_share(records: PartnershipRecords, ctx: PartnershipContext, class_id: bytes, as_of: AsOf) -> Contribution:
    record = records.classes.get(UUID(bytes=class_id))
    hours = resolve(record.facts, as_of, records.partnership.superseding()) if record else []
    return class_contribution(class_id, ctx.classes.get(class_id), hours)


def student_share(
    records: PartnershipRecords, ctx: PartnershipContext, student: Record, as_of: AsOf, version: MetricVersion
) -> Contribution:
    """The student's share here, read from every partnership's record of them; it counts where their latest period
    started (a record holding no such fact keeps the student's applications only)."""
    others = [r for key, r in records.everywhere.get(student.key.entity_id, {}).items() if key != student.key]
    if not others:
        facts = resolve(student.facts, as_of, records.partnership.superseding())
        return student_contribution(facts, ctx, as_of.day, version)
    pooled = [*student.facts, *(f for other in others for f in other.facts)]
    facts = resolve(pooled, as_of, records.partnership.superseding())
    own = frozenset(f.event_id for f in student.facts)
    return student_contribution(facts, ctx, as_of.day, version, own)


def _class_ids(records: PartnershipRecords, ctx: PartnershipContext) -> set[bytes]:
    return set(ctx.classes) | {c.bytes for c in records.classes}


def partnership_shares(records: PartnershipRecords, as_of: AsOf, version: MetricVersion) -> Shares:
    ctx = partnership_context(records, as_of, version)
    return Shares(
        ctx,
        partnership_contribution(ctx),
        {class_id: class_share(records, ctx, class_id, as_of) for class_id in _class_ids(records, ctx)},
        {sid: student_share(records, ctx, r, as_of, version) for sid, r in records.students.items()},
    )


@dataclass(frozen=True, slots=True)
class Part:
    """The `index`-th of `count` parts of a scope's units: every `count`-th student of each partnership from the
    `index`-th, and in the first part the partnerships' and classes' own shares. A tally pools by addition, so the
    tallies of the parts add up to the scope's (queries computed in several processes, computing.py)."""

    index: int = 0
    count: int = 1

    def students(self, records: PartnershipRecords) -> Iterable[Record]:
        return itertools.islice(records.students.values(), self.index, None, self.count)


WHOLE = Part()


def add_part(tally: Tally, records: PartnershipRecords, as_of: AsOf, version: MetricVersion, part: Part) -> None:
    """Add the shares of the partnership's units in `part` to `tally`."""
    ctx = partnership_context(records, as_of, version)
    units = [student_share(records, ctx, r, as_of, version) for r in part.students(records)]
    if part.index == 0:
        units.append(partnership_contribution(ctx))
        units += [class_share(records, ctx, class_id, as_of) for class_id in _class_ids(records, ctx)]
    tally.add_all(units)


def partnership_tally(
    records: PartnershipRecords, as_of: AsOf, version: MetricVersion
) -> tuple[Tally, PartnershipContext]:
    shares = partnership_shares(records, as_of, version)
    return shares.tally(), shares.ctx


def figures(
    records: Iterable[Record], as_of: AsOf, version: int = 1, only: Collection[UUID] | None = None
) -> list[Figure]:
    """Every figure of each partnership whose records are given, or of those `only` (DOMAIN.md, "Metrics")."""
    found: list[Figure] = []
    for pid, grouped in group(records).items():
        if only is not None and pid not in only:
            continue
        tally, _ = partnership_tally(grouped, as_of, VERSIONS[version])
        found += render(tally, f"partnership:{pid}", version, as_of.business_date)
    return found


def parent_on(records: PartnershipRecords, as_of: AsOf) -> UUID | None:
    history = [(day, parent) for day, parent in parent_history(resolve(records.partnership.facts, as_of))]
    return history[-1][1] if history else None


def descendants(grouped: Mapping[UUID, PartnershipRecords], parent_id: UUID, as_of: AsOf) -> list[UUID]:
    """Every partnership below `parent_id` on D, at any depth (DOMAIN.md, roll-ups)."""
    return below(children_on(grouped, as_of), parent_id)


def children_on(grouped: Mapping[UUID, PartnershipRecords], as_of: AsOf) -> dict[UUID, list[UUID]]:
    """Each parent's partnerships on D, one level down."""
    children: dict[UUID, list[UUID]] = defaultdict(list)
    for pid, records in grouped.items():
        parent = parent_on(records, as_of)
        if parent is not None:
            children[parent].append(pid)
    return children


def below(children: Mapping[UUID, list[UUID]], parent_id: UUID) -> list[UUID]:
    """Every partnership below `parent_id` at any depth, from `children_on`."""
    found: list[UUID] = []
    pending, seen = list(children.get(parent_id, [])), {parent_id}
    while pending:
        child = pending.pop()
        if child not in seen:
            seen.add(child)
            found.append(child)
            pending += children.get(child, [])
    return found


def rollup_figures(records: Iterable[Record], parent_id: UUID, as_of: AsOf, version: int = 1) -> list[Figure]:
    """DOMAIN.md roll-ups: pooled students, classes and funding of every partnership below the parent on D, at any
    depth, plus the parent's own; each with its whole history; ended partnerships stay in. A roll-up with no member
    yet answers empty cells."""
    pooled = rollup_tally(records, parent_id, as_of, version)
    return render(pooled, f"rollup:{parent_id}", version, as_of.business_date)


def rollup_tally(
    records: Iterable[Record] | Mapping[UUID, PartnershipRecords],
    parent_id: UUID,
    as_of: AsOf,
    version: int = 1,
    part: Part = WHOLE,
) -> Tally:
    """The pooled tally `rollup_figures` renders (of `part` of its units); `records` grouped already, or not."""
    grouped = records if isinstance(records, Mapping) else group(records)
    pooled = Tally()
    for pid in [parent_id, *descendants(grouped, parent_id, as_of)]:
        if pid in grouped:
            add_part(pooled, grouped[pid], as_of, VERSIONS[version], part)
    return pooled
