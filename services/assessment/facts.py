"""Compact facts: the smallest part of each event that the counting rules of DOMAIN.md need.

A fact keeps both clocks (`occurred_on` as a date ordinal, `recorded_at` in epoch microseconds), its event id,
evidence and the event it supersedes. Payload fields are a tuple in the order of `FIELDS[kind]`, so a student's
record stays well under a kilobyte once packed. Events no metric reads (offers, reviews, plans) are not kept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from shared.contracts.base import EVIDENCE_STRENGTH, Evidence
from shared.contracts.envelope import Envelope

Value = int | str | bytes | bool | float | tuple[int, ...] | None
FieldCodec = tuple[Callable[[Any], Value], Callable[[Any], Value]]


def _uuid(value: Any) -> Value:
    if value is None:
        return None
    return value.bytes if isinstance(value, UUID) else UUID(str(value)).bytes


def _date(value: Any) -> Value:
    if value is None:
        return None
    return (value if isinstance(value, date) else date.fromisoformat(str(value))).toordinal()


def _cents(value: Any) -> Value:
    return None if value is None else int((Decimal(str(value)) * 100).to_integral_value())


def _text(value: Any) -> Value:
    return None if value is None else str(getattr(value, "value", value))


def _bool(value: Any) -> Value:
    return None if value is None else bool(value)


def _int(value: Any) -> Value:
    return None if value is None else int(value)


def _float(value: Any) -> Value:
    return None if value is None else float(value)


def _ints(value: Any) -> Value:
    return None if value is None else tuple(int(v) for v in value)


UUID_, DATE, CENTS, TEXT, BOOL, INT, FLOAT, INTS = _uuid, _date, _cents, _text, _bool, _int, _float, _ints

# Field "class_id" is taken from the envelope when the payload has none.
FIELDS: Mapping[str, tuple[tuple[str, Callable[[Any], Value]], ...]] = {
    # student record
    "ApplicationSubmitted": (
        ("application_id", UUID_),
        ("home_region", TEXT),
        ("poor_household", BOOL),
        ("class_id", UUID_),
    ),
    "ApplicationDecided": (("application_id", UUID_), ("decision", TEXT)),
    "StudentEnrolled": (("application_id", UUID_), ("start_on", DATE), ("class_id", UUID_)),
    "EnrollmentCancelled": (),
    "BreakStarted": (("start_on", DATE),),
    "BreakEnded": (("end_on", DATE),),
    "TransferredToClass": (("from_class_id", UUID_), ("to_class_id", UUID_), ("start_on", DATE)),
    "Restarted": (("start_on", DATE), ("class_id", UUID_)),
    "Withdrawn": (("last_day", DATE),),
    "Graduated": (("graduated_on", DATE),),
    "InternshipStarted": (("internship_id", UUID_), ("start_on", DATE)),
    "InternshipEnded": (("internship_id", UUID_), ("outcome", TEXT), ("end_on", DATE)),
    "CertificateAwarded": (("level", TEXT), ("awarded_on", DATE)),
    "Placed": (
        ("placement_id", UUID_),
        ("employer_credit_code", TEXT),
        ("employer_type", TEXT),
        ("location", TEXT),
        ("related_to_training", BOOL),
        ("monthly_wage", CENTS),
        ("start_on", DATE),
    ),
    "FurtherStudyEntered": (("start_on", DATE),),
    "RetentionChecked": (
        ("placement_id", UUID_),
        ("checkpoint_days", INT),
        ("still_employed", BOOL),
        ("same_employer", BOOL),
    ),
    "EmploymentEnded": (("placement_id", UUID_), ("last_day", DATE)),
    "HouseholdStatusUpdated": (("poor_household", BOOL),),
    "ExclusionApplied": (),
    "ExclusionRevoked": (),
    # class record
    "TrainingHoursLogged": (("log_id", UUID_), ("hours", CENTS), ("taught_by", TEXT), ("logged_by", UUID_)),
    "TrainingHoursVerified": (("log_id", UUID_), ("hours_accepted", CENTS), ("verified_by", UUID_)),
    # partnership record
    "PartnershipSigned": (("kind", TEXT), ("parent_id", UUID_), ("retention_checkpoints", INTS)),
    "PartnershipAmended": (("parent_id", UUID_), ("retention_checkpoints", INTS)),
    "MemberJoined": (("party_id", UUID_), ("party_role", TEXT), ("credit_code", TEXT)),
    "MemberLeft": (("party_id", UUID_),),
    "TargetSet": (("target_id", UUID_), ("metric", TEXT), ("comparison", TEXT), ("goal", FLOAT), ("class_id", UUID_)),
    "ClassOpened": (
        ("class_id", UUID_),
        ("seats", INT),
        ("programme_id", UUID_),
        ("cohort_year", INT),
        ("sponsor_credit_code", TEXT),
    ),
    "ClassClosed": (("class_id", UUID_),),
    "FundingRecorded": (("funding_id", UUID_), ("amount_yuan", CENTS), ("period_start", DATE), ("period_end", DATE)),
    # any stage
    "EventCorrected": (),
    "EventRetracted": (),
}
# kind -> field name -> its place in `Fact.data` (the first, should a kind name a field twice)
FIELD_INDEX: Mapping[str, Mapping[str, int]] = {
    kind: {name: index for index, (name, _) in reversed(list(enumerate(fields)))} for kind, fields in FIELDS.items()
}
KIND_CODES: tuple[str, ...] = tuple(FIELDS)  # append only: the packed form stores the index
CLASS_KINDS = frozenset({"TrainingHoursLogged", "TrainingHoursVerified"})
PARTNERSHIP_KINDS = frozenset(
    {
        "PartnershipSigned",
        "PartnershipAmended",
        "MemberJoined",
        "MemberLeft",
        "TargetSet",
        "ClassOpened",
        "ClassClosed",
        "FundingRecorded",
    }
)
SUPERSEDING_KINDS = frozenset({"EventCorrected", "EventRetracted"})
# Facts that create an entity other facts refer to by id: a retraction of the creator removes the referrers.
ENTITY_OF: Mapping[str, str] = {
    "Placed": "placement_id",
    "InternshipStarted": "internship_id",
    "TrainingHoursLogged": "log_id",
    "ApplicationSubmitted": "application_id",
}
REFERRERS: Mapping[str, tuple[str, ...]] = {
    "placement_id": ("RetentionChecked", "EmploymentEnded"),
    "internship_id": ("InternshipEnded",),
    "log_id": ("TrainingHoursVerified",),
    "application_id": ("ApplicationDecided", "StudentEnrolled"),
}
ENVELOPE_FIELDS = ("occurred_on", "evidence")


@dataclass(frozen=True, slots=True)
class Fact:
    kind: str
    event_id: bytes
    occurred_on: int
    recorded_at: int
    evidence: int
    target: bytes | None
    data: tuple[Value, ...]

    def get(self, name: str) -> Any:
        return self.data[FIELD_INDEX[self.kind][name]]

    @property
    def sort_key(self) -> tuple[int, int, bytes]:
        """DOMAIN.md: several facts of one kind order by occurred_on, then recorded_at, then id."""
        return self.occurred_on, self.recorded_at, self.event_id


def epoch_micros(moment: Any) -> int:
    return int(moment.timestamp() * 1_000_000)


# Values many facts repeat (a class, a region, a day, a party) are kept once per worker: a student's facts are held
# unpacked by the live engine, and their repeated ids and texts were a third of them. Unique ids are not pooled.
_SHARED_IDS = frozenset({"class_id", "from_class_id", "to_class_id", "programme_id", "party_id", "parent_id",
                         "logged_by", "verified_by", "employer_id"})  # fmt: skip
_POOL_LIMIT = 1 << 16
_pool: dict[tuple[type, Value], Value] = {}


def shared(value: Value) -> Value:
    """An equal value kept once (by type and value, so True never stands for 1)."""
    key = (type(value), value)
    found = _pool.get(key)
    if found is not None or value is None:
        return found
    if len(_pool) >= _POOL_LIMIT:
        _pool.clear()
    _pool[key] = value
    return value


def shared_data(kind: str, data: tuple[Value, ...]) -> tuple[Value, ...]:
    """A fact's payload with its repeated values taken from the pool."""
    schema = FIELDS.get(kind, ())
    if len(schema) != len(data):  # a correction's fields: kept as they are
        return data
    return tuple(
        shared(value) if convert in (_text, _date) or name in _SHARED_IDS else value
        for (name, convert), value in zip(schema, data, strict=True)
    )


def fact_of(envelope: Envelope) -> Fact | None:
    """The compact fact of an event, or None when no metric reads that event type."""
    schema = FIELDS.get(envelope.type)
    if schema is None:
        return None
    payload = envelope.data_json()
    values: list[Value] = []
    for name, convert in schema:
        raw = payload.get(name)
        if raw is None and name == "class_id":
            raw = envelope.class_id
        values.append(convert(raw))
    if envelope.type == "EventCorrected":
        values = [tuple(sorted((str(k), _frozen(v)) for k, v in payload["fields"].items()))]  # type: ignore[misc]
    return Fact(
        kind=envelope.type,
        event_id=envelope.id.bytes,
        occurred_on=shared(envelope.occurred_on.toordinal()),  # type: ignore[arg-type]
        recorded_at=epoch_micros(envelope.recorded_at),
        evidence=EVIDENCE_STRENGTH[Evidence(envelope.evidence)],
        target=envelope.supersedes.bytes if envelope.supersedes else None,
        data=shared_data(envelope.type, tuple(values)),
    )


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _frozen(v)) for k, v in value.items()))
    return value


def corrected(fact: Fact, fields: tuple[tuple[str, Any], ...]) -> Fact:
    """The fact with the correction's fields applied; unknown fields are ignored (DOMAIN.md: field by field)."""
    schema = FIELDS[fact.kind]
    data = list(fact.data)
    changes: dict[str, Any] = {}
    for name, raw in fields:
        if name == "occurred_on":
            changes["occurred_on"] = _date(raw)
        elif name == "evidence":
            changes["evidence"] = EVIDENCE_STRENGTH[Evidence(raw)]
        else:
            for index, (field, convert) in enumerate(schema):
                if field == name:
                    data[index] = convert(list(raw) if isinstance(raw, tuple) else raw)
    return replace(fact, data=tuple(data), **changes)
