"""Records: the facts of one student, one class or one partnership, applied idempotently by event id.

Each record lives under a key that starts with its partnership id, so it stays on the partition of its
partnership (the stage topics are keyed by partnership id). Packed with msgpack: a list of tuples, no names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from uuid import UUID

import msgpack

from services.assessment.facts import (
    CLASS_KINDS,
    KIND_CODES,
    PARTNERSHIP_KINDS,
    SUPERSEDING_KINDS,
    Fact,
    fact_of,
    shared,
    shared_data,
)
from shared.contracts.envelope import Envelope

_PACK_VERSION = 1


class RecordKind(StrEnum):
    STUDENT = "s"
    CLASS = "c"
    PARTNERSHIP = "p"


@dataclass(frozen=True, slots=True)
class RecordKey:
    partnership_id: UUID
    kind: RecordKind
    entity_id: UUID

    def encode(self) -> bytes:
        return self.partnership_id.bytes + self.kind.encode() + self.entity_id.bytes

    @classmethod
    def decode(cls, raw: bytes) -> RecordKey:
        return cls(UUID(bytes=raw[:16]), RecordKind(raw[16:17].decode()), UUID(bytes=raw[17:33]))

    @classmethod
    def of_partnership(cls, partnership_id: UUID) -> RecordKey:
        return cls(partnership_id, RecordKind.PARTNERSHIP, partnership_id)


class Applied(StrEnum):
    NEW = "new"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"  # same id, other content: the first delivery counts


@dataclass(slots=True)
class Record:
    key: RecordKey
    facts: list[Fact] = field(default_factory=list)

    def find(self, event_id: bytes) -> Fact | None:
        for fact in self.facts:
            if fact.event_id == event_id:
                return fact
        return None

    def apply(self, fact: Fact) -> Applied:
        seen = self.find(fact.event_id)
        if seen is None:
            self.facts.append(fact)
            return Applied.NEW
        return Applied.DUPLICATE if seen == fact else Applied.CONFLICT

    def superseding(self) -> list[Fact]:
        return [fact for fact in self.facts if fact.kind in SUPERSEDING_KINDS]

    def pack(self) -> bytes:
        rows = [
            [KIND_CODES.index(f.kind), f.event_id, f.occurred_on, f.recorded_at, f.evidence, f.target, list(f.data)]
            for f in self.facts
        ]
        packed: bytes = msgpack.packb([_PACK_VERSION, rows], use_bin_type=True)
        return packed

    @classmethod
    def unpack(cls, key: RecordKey, raw: bytes | None) -> Record:
        if not raw:
            return cls(key)
        _version, rows = msgpack.unpackb(raw, raw=False)
        facts = []
        for code, eid, occurred, recorded, evidence, target, data in rows:
            kind = KIND_CODES[code]
            values = shared_data(kind, tuple(_tupled(v) for v in data))  # type: ignore[misc]
            facts.append(Fact(kind, eid, shared(occurred), recorded, evidence, target, values))  # type: ignore[arg-type]
        return cls(key, facts)


def _tupled(value: object) -> object:
    if isinstance(value, list):
        return tuple(_tupled(v) for v in value)
    return value


def route(envelope: Envelope, fact: Fact, class_holds: Record | None = None) -> RecordKey:
    """The record an event's fact belongs to.

    Student facts go to the student; class-level hours to the class; partnership-stage facts to the partnership.
    A correction or retraction without a student goes to the class record when that record holds its target,
    else to the partnership record, whose superseding facts apply to every record of the partnership.
    """
    partnership = envelope.partnership_id
    if envelope.student_id is not None:
        return RecordKey(partnership, RecordKind.STUDENT, envelope.student_id)
    if fact.kind in PARTNERSHIP_KINDS:
        return RecordKey.of_partnership(partnership)
    if envelope.class_id is not None and fact.kind in CLASS_KINDS:
        return RecordKey(partnership, RecordKind.CLASS, envelope.class_id)
    if (
        fact.kind in SUPERSEDING_KINDS
        and envelope.class_id is not None
        and class_holds is not None
        and fact.target is not None
        and class_holds.find(fact.target) is not None
    ):
        return class_holds.key
    if fact.kind == "ApplicationSubmitted" or fact.kind == "ApplicationDecided":
        application = UUID(bytes=fact.data[0]) if isinstance(fact.data[0], bytes) else partnership
        return RecordKey(partnership, RecordKind.STUDENT, application)
    return RecordKey.of_partnership(partnership)


def place(envelope: Envelope, load: Callable[[RecordKey], Record]) -> tuple[Record, Applied] | None:
    """Apply an event to the record it belongs to; None when no metric reads its type. The caller saves."""
    fact = fact_of(envelope)
    if fact is None:
        return None
    class_record = None
    if fact.kind in SUPERSEDING_KINDS and envelope.student_id is None and envelope.class_id is not None:
        class_record = load(RecordKey(envelope.partnership_id, RecordKind.CLASS, envelope.class_id))
    key = route(envelope, fact, class_record)
    record = class_record if class_record is not None and class_record.key == key else load(key)
    return record, record.apply(fact)
