"""Every parent a partnership record has ever named, kept beside the record so that a roll-up as of D reads only
the partnerships that may be below its parent on D rather than every partnership record (issue 12)."""

from __future__ import annotations

from uuid import UUID

from services.assessment.records import Record, RecordKey, RecordKind

_NAMING = ("PartnershipSigned", "PartnershipAmended")


def parents_named(record: Record) -> list[UUID]:
    """A superset of the parents the record has on any D: each signing's and amendment's `parent_id`, and every
    `parent_id` a correction would put in their place (a correction of another field names none)."""
    found: set[UUID] = set()
    for fact in record.facts:
        if fact.kind in _NAMING and fact.get("parent_id"):
            found.add(UUID(bytes=fact.get("parent_id")))
        elif fact.kind == "EventCorrected" and fact.data:
            found.update(_corrected_parents(fact.data[0]))
    return sorted(found)


def _corrected_parents(fields: object) -> set[UUID]:
    found: set[UUID] = set()
    for name, raw in fields if isinstance(fields, tuple) else ():
        if name == "parent_id" and raw:
            try:
                found.add(UUID(str(raw)))
            except ValueError:  # a correction no fact could take (corrected() would refuse it as well)
                continue
    return found


def parents_of(key: RecordKey, body: bytes) -> list[UUID] | None:
    """What is kept beside a record in `records.parents`: a partnership record's parents, nothing for another."""
    return parents_named(Record.unpack(key, body)) if key.kind is RecordKind.PARTNERSHIP else None
