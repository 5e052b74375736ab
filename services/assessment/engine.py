"""Live figures: per-partnership tallies updated by subtracting a student's old share and adding the new one.

Derived state only: it is rebuilt from the records table after every recovery, so it needs no changelog.
A change to a partnership or class record (classes, partners, check-points, corrections kept there) or a new
business day recomputes the partnership whole; a student's event recomputes that student only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from services.assessment.metrics.catalog import VERSIONS
from services.assessment.metrics.clock import AsOf
from services.assessment.metrics.context import PartnershipContext, parent_history
from services.assessment.metrics.figures import Figure, checkpoints_of, render
from services.assessment.metrics.resolve import resolve
from services.assessment.metrics.scope import (
    Everywhere,
    PartnershipRecords,
    Shares,
    class_share,
    partnership_shares,
    student_share,
)
from services.assessment.metrics.tally import Tally
from services.assessment.records import Record, RecordKey, RecordKind
from services.assessment.shared_parts import SharedParts

PARENT_KINDS = frozenset({"alliance", "programme"})


@dataclass(slots=True)
class _Version:
    tally: Tally
    shares: Shares
    checkpoints: tuple[int, ...] | None = None  # the tally's check-points when its figures were last rendered


@dataclass(slots=True)
class PartnershipState:
    records: PartnershipRecords
    versions: dict[int, _Version] = field(default_factory=dict)
    stale: bool = True
    whole_due: bool = True  # recounted whole since its figures were last rendered: render them all
    # Records changed since the shares were last brought up to date: recounted once each when figures are next
    # read (at the flush), however many events touched them in between.
    pending: dict[RecordKey, Record] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RollupPart:
    """A child's pooled tallies (its own and its descendants'), and the parents it had from which day."""

    child: UUID
    history: tuple[tuple[int, UUID], ...]
    tallies: dict[int, Tally]

    def belongs_to(self, parent: UUID, day: int) -> bool:
        current = [p for since, p in self.history if since <= day]
        return bool(current) and current[-1] == parent


class LiveEngine:
    def __init__(self, as_of: AsOf, versions: tuple[int, ...] = tuple(VERSIONS)) -> None:
        self.as_of = as_of
        self.versions = versions
        self.partnerships: dict[UUID, PartnershipState] = {}
        self.rollups: dict[UUID, dict[UUID, RollupPart]] = {}
        # Changed since the last flush, and partnerships changed since their tallies were last read (a live flush
        # or a flush); a roll-up's parts move only at its members' flushes, so its tally is read at the flush.
        self.dirty: set[UUID] = set()
        self.dirty_rollups: set[UUID] = set()
        self.live_dirty: set[UUID] = set()
        # Every record of each student on this worker's partitions, whatever its partnership (a student moved to
        # another partnership has two); a student's share is read from all of them.
        self.everywhere: Everywhere = {}
        self.parts = SharedParts()

    def clear(self) -> None:
        self.partnerships.clear()
        self.everywhere.clear()
        self.rollups.clear()
        self.dirty.clear()
        self.dirty_rollups.clear()
        self.live_dirty.clear()
        self.parts = SharedParts()

    def move_to(self, as_of: AsOf) -> None:
        """A new business day: windows close and check-points pass with no event."""
        if as_of == self.as_of:
            return
        self.as_of = as_of
        for pid, state in self.partnerships.items():
            state.stale = True
            self._touch(pid)
        self.dirty_rollups |= set(self.rollups)

    def _touch(self, pid: UUID) -> None:
        self.dirty.add(pid)
        self.live_dirty.add(pid)

    def _state(self, pid: UUID) -> PartnershipState:
        state = self.partnerships.get(pid)
        if state is None:
            records = PartnershipRecords(pid, Record(RecordKey.of_partnership(pid)), {}, {}, self.everywhere)
            state = PartnershipState(records)
            self.partnerships[pid] = state
        return state

    def load(self, record: Record) -> None:
        """Take a record without recomputing (used when rebuilding after recovery)."""
        state = self._state(record.key.partnership_id)
        state.records.keep(record)
        state.stale = True
        self._changed(record)

    def _changed(self, record: Record) -> None:
        """A roll-up pools its parent's own records too; an alliance or a programme answers one from its signing,
        before any member has joined (DOMAIN.md: every cell answered)."""
        pid = record.key.partnership_id
        self._touch(pid)
        if record.key.kind is RecordKind.PARTNERSHIP and any(
            f.kind == "PartnershipSigned" and f.get("kind") in PARENT_KINDS for f in record.facts
        ):
            self.rollups.setdefault(pid, {})
        if pid in self.rollups:
            self.dirty_rollups.add(pid)

    def update(self, record: Record) -> None:
        pid = record.key.partnership_id
        state = self._state(pid)
        state.records.keep(record)
        self._changed(record)
        if record.key.kind is RecordKind.PARTNERSHIP:
            state.stale = True
            return
        if not state.stale:
            state.pending[record.key] = record
        if record.key.kind is RecordKind.STUDENT:
            # The same student's share elsewhere reads this record too (it may have moved in or out).
            for key, other in self.everywhere.get(record.key.entity_id, {}).items():
                if key != record.key:
                    elsewhere = self._state(key.partnership_id)
                    self._touch(key.partnership_id)
                    if not elsewhere.stale:
                        elsewhere.pending[key] = other

    def record(self, key: RecordKey) -> Record | None:
        """The record under `key` as the engine holds it, or None when it holds none (the table may)."""
        state = self.partnerships.get(key.partnership_id)
        if state is None:
            return None
        if key.kind is RecordKind.STUDENT:
            return state.records.students.get(key.entity_id)
        if key.kind is RecordKind.CLASS:
            return state.records.classes.get(key.entity_id)
        return state.records.partnership if state.records.partnership.facts else None

    def _recount(self, state: PartnershipState, record: Record) -> None:
        for number, version in state.versions.items():
            shares = version.shares
            if record.key.kind is RecordKind.CLASS:
                unit, old = record.key.entity_id.bytes, shares.classes.get(record.key.entity_id.bytes)
                new = self.parts.share(class_share(state.records, shares.ctx, unit, self.as_of))
                shares.classes[unit] = new
            else:
                old = shares.students.get(record.key.entity_id)
                new = self.parts.share(student_share(state.records, shares.ctx, record, self.as_of, VERSIONS[number]))
                shares.students[record.key.entity_id] = new
            if old is None:
                version.tally.add(new)
            else:
                version.tally.replace(old, new)

    def _fresh(self, state: PartnershipState) -> PartnershipState:
        if state.stale:
            state.versions = {}
            for number in self.versions:
                shares = partnership_shares(state.records, self.as_of, VERSIONS[number])
                for unit in (*shares.classes.values(), *shares.students.values()):
                    self.parts.share(unit)
                state.versions[number] = _Version(shares.tally(), shares)
            state.stale, state.whole_due = False, True
        else:
            for record in state.pending.values():
                self._recount(state, record)
        state.pending.clear()
        return state

    def figures(self, pid: UUID) -> list[Figure]:
        state = self._fresh(self._state(pid))
        day = self.as_of.business_date
        return [
            figure
            for number, version in state.versions.items()
            for figure in render(version.tally, f"partnership:{pid}", number, day)
        ]

    def changed_figures(self, pid: UUID) -> tuple[list[Figure], bool]:
        """The figures of the cells moved since the last call, and whether they are all the partnership's figures:
        they are after a recount whole (a partnership record changed, a new day) or when the check-points moved
        (every cell has a figure per check-point); then a figure missing from them is gone."""
        state = self._fresh(self._state(pid))
        whole = state.whole_due or any(v.checkpoints != checkpoints_of(v.tally) for v in state.versions.values())
        state.whole_due = False
        day, figures = self.as_of.business_date, []
        for number, version in state.versions.items():
            only = None if whole else version.tally.touched
            figures += render(version.tally, f"partnership:{pid}", number, day, only)
            version.tally.touched, version.checkpoints = set(), checkpoints_of(version.tally)
        return figures, whole

    def context(self, pid: UUID, version: int) -> PartnershipContext:
        return self._fresh(self._state(pid)).versions[version].shares.ctx

    def tallies(self, pid: UUID) -> dict[int, Tally]:
        """The partnership's tally of each metric version, brought up to date (what its figures are rendered from)."""
        return {number: version.tally for number, version in self._fresh(self._state(pid)).versions.items()}

    def receive_part(self, parent: UUID, part: RollupPart) -> None:
        self.rollups.setdefault(parent, {})[part.child] = part
        self.dirty_rollups.add(parent)

    def pooled_children(self, parent: UUID) -> dict[int, Tally]:
        pooled = {number: Tally() for number in self.versions}
        for part in self.rollups.get(parent, {}).values():
            if part.belongs_to(parent, self.as_of.day):
                for number, tally in part.tallies.items():
                    pooled.setdefault(number, Tally()).merge(tally)
        return pooled

    def rollup_tallies(self, parent: UUID) -> dict[int, Tally]:
        """DOMAIN.md roll-ups: the parent's own tallies (when it has records here) pooled with its members'."""
        pooled = self.pooled_children(parent)
        if parent in self.partnerships:
            for number, version in self._fresh(self.partnerships[parent]).versions.items():
                pooled.setdefault(number, Tally()).merge(version.tally)
        return pooled

    def rollup_figures(self, parent: UUID, pooled: dict[int, Tally] | None = None) -> list[Figure]:
        """The figures of the roll-up's tallies (`pooled`, when they are at hand)."""
        day = self.as_of.business_date
        pooled = self.rollup_tallies(parent) if pooled is None else pooled
        return [figure for number, tally in pooled.items() for figure in render(tally, f"rollup:{parent}", number, day)]

    def upward_part(self, pid: UUID) -> RollupPart | None:
        """What this partnership sends to its parents: its own tallies plus its members', class split included."""
        state = self._fresh(self._state(pid))
        history = tuple(parent_history(resolve(state.records.partnership.facts, self.as_of)))
        if not history:
            return None
        tallies = {}
        children = self.pooled_children(pid)
        for number, version in state.versions.items():
            tally = Tally()
            tally.merge(version.tally)
            tally.merge(children.get(number, Tally()))
            tallies[number] = tally
        return RollupPart(pid, history, tallies)
