"""Which facts a client may record (issue 10), decided on the events a handler produced, in the pipeline.

An operator may record anything. A party's client may record only:
- the event types of its role (`WRITES`); a government, association, research institute or overseas member
  records nothing, it reads;
- about a partnership its party belongs to, in the client's role, on the fact's business date (MemberJoined and
  MemberLeft, kept by `learn` in every service's own table);
- with the party fields of the payload (`logged_by`, `verified_by`, the envelope's acting party) its own, hours
  taught by its own kind of staff, and jobs at its own credit code — a school records jobs only at employers that
  are no member of the partnership (graduates' follow-ups);
- corrections and retractions only of facts its own party recorded (the audit trail says who).

Anything else raises `Forbidden` (403) and the pipeline rolls the whole transaction back. A held fact is checked
for its type and partnership when it is accepted; it is released later without a caller. When the handler refuses
a command instead (409, 404, 422), `screen` runs first: a client whose role records nothing, or whose party is no
member of the partnership the command's subject belongs to (its partnership, student, fact, or the service's
own `subjects`: application, class, hours log, offer, placement …), hears 403, not what the refusal would have
told it about the subject.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from shared.application.access import AccessPort, HeldIntent, Membership, Policy
from shared.contracts.base import TaughtBy
from shared.contracts.corrections import EventCorrected, EventRetracted
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import MemberJoined, MemberLeft
from shared.errors import Forbidden
from shared.security.identity import Actor, Role

FOLLOW_UPS = frozenset({"EventCorrected", "EventRetracted"})
_LEARNERS = frozenset(
    {
        "ProgressReviewHeld",
        "BreakStarted",
        "BreakEnded",
        "TransferredToClass",
        "Restarted",
        "Withdrawn",
        "InternshipStarted",
        "InternshipEnded",
        "CertificateAwarded",
        "Graduated",
    }
)
_FOLLOWING_GRADUATES = frozenset({"OfferAccepted", "OfferDeclined", "RetentionChecked", "EmploymentEnded"})
_JOBS = frozenset({"JobOffered", "Placed"})
WRITES: dict[Role, frozenset[str]] = {
    Role.SCHOOL: frozenset(
        {
            "ApplicationSubmitted",
            "ApplicationDecided",
            "StudentEnrolled",
            "EnrollmentCancelled",
            "EmploymentIntentSigned",
            "ExclusionApplied",
            "ExclusionRevoked",
            "TrainingPlanAgreed",
            "TrainingHoursLogged",
            "TrainingHoursVerified",
            "FurtherStudyEntered",
            "HouseholdStatusUpdated",
            *_LEARNERS,
            *_JOBS,
            *_FOLLOWING_GRADUATES,
            *FOLLOW_UPS,
        }
    ),
    Role.ENTERPRISE: frozenset(
        {"TrainingHoursLogged", "TrainingHoursVerified", *_JOBS, *_FOLLOWING_GRADUATES, *FOLLOW_UPS}
    ),
}
_OWN_STAFF = {Role.SCHOOL: TaughtBy.SCHOOL, Role.ENTERPRISE: TaughtBy.ENTERPRISE}
_ACTING_PARTY = frozenset({"TrainingPlanAgreed", "TrainingHoursLogged", "TrainingHoursVerified", "ProgressReviewHeld"})


def _refuse(actor: Actor, detail: str) -> Forbidden:
    return Forbidden(f"client {actor.client_id} ({actor.role}) may not record this: {detail}")


def may_write(actor: Actor, event_type: str) -> bool:
    return actor.is_operator or event_type in WRITES.get(actor.role, frozenset())


class EventPolicy(Policy):
    async def authorize(
        self, actor: Actor, events: Sequence[Envelope], held: HeldIntent | None, access: AccessPort
    ) -> None:
        if actor.is_operator:
            return
        if held is not None:
            await self._member(actor, held.event_type, held.partnership_id, held.occurred_on, access)
        for event in events:
            membership = await self._member(actor, event.type, event.partnership_id, event.occurred_on, access)
            _check_parties(actor, event)
            await _check_employer(actor, event, membership, access)
            if event.type in FOLLOW_UPS:
                await _check_recorder(actor, event, access)

    async def _member(
        self, actor: Actor, event_type: str, partnership_id: UUID, on: date, access: AccessPort
    ) -> Membership:
        if not may_write(actor, event_type):
            raise _refuse(actor, f"a {actor.role} records no {event_type}")
        assert actor.party_id is not None  # every client but an operator's belongs to a party
        membership = await access.membership(partnership_id, actor.party_id, on)
        if membership is None or membership.role != actor.role.party_role:
            raise _refuse(actor, f"its party is no {actor.role} of partnership {partnership_id} on {on}")
        return membership

    async def screen(self, actor: Actor, command: object, on: date, access: AccessPort) -> None:
        if actor.is_operator:
            return
        if not WRITES.get(actor.role):
            raise _refuse(actor, f"a {actor.role} records no facts")
        assert actor.party_id is not None  # every client but an operator's belongs to a party
        concerned = await _partnerships_concerned(command, access)
        day = getattr(command, "occurred_on", None)
        for partnership_id in concerned:
            membership = await access.membership(partnership_id, actor.party_id, day if isinstance(day, date) else on)
            if membership is not None and membership.role == actor.role.party_role:
                return
        if concerned:
            raise _refuse(actor, f"its party is no {actor.role} of the partnership this command is about")

    async def learn(self, events: Sequence[Envelope], access: AccessPort) -> None:
        for event in events:
            data = event.data
            if isinstance(data, MemberJoined):
                member = Membership(data.party_id, data.party_role, data.credit_code, data.locality)
                await access.joined(event.id, event.partnership_id, member, event.occurred_on)
            elif isinstance(data, MemberLeft):
                await access.left(event.id, event.partnership_id, data.party_id, event.occurred_on)
            elif isinstance(data, EventRetracted) and event.supersedes is not None:
                await access.forget(event.supersedes)


async def _partnerships_concerned(command: object, access: AccessPort) -> frozenset[UUID]:
    """The partnerships of the command's subject as far as this service knows them: the one it names, or those of
    the first of its ids (student, fact, application, class, log, offer, placement …) the service knows; empty for
    a subject it knows nothing of (a refusal then reveals nothing)."""
    ids = {field: value for field, value in getattr(command, "__dict__", {}).items() if isinstance(value, UUID)}
    if "partnership_id" in ids:
        return frozenset({ids["partnership_id"]})
    for field, subject_id in ids.items():
        found = await access.partnerships_of(field, subject_id)
        if found:
            return found
    return frozenset()


def _check_parties(actor: Actor, event: Envelope) -> None:
    if event.type in _ACTING_PARTY and event.party_id not in (None, actor.party_id):
        raise _refuse(actor, f"{event.type} names party {event.party_id}, not the client's own")
    for field in ("logged_by", "verified_by"):
        named = getattr(event.data, field, None)
        if named is not None and named != actor.party_id:
            raise _refuse(actor, f"{field} is party {named}, not the client's own")
    taught_by = getattr(event.data, "taught_by", None)
    if event.type == "TrainingHoursLogged" and taught_by != _OWN_STAFF[actor.role]:
        raise _refuse(actor, f"a {actor.role} logs the hours its own staff teach, not {taught_by}'s")


async def _check_employer(actor: Actor, event: Envelope, membership: Membership, access: AccessPort) -> None:
    if event.type not in _JOBS:
        return
    code = getattr(event.data, "employer_credit_code", None)
    if actor.role is Role.ENTERPRISE and code != membership.credit_code:
        raise _refuse(actor, "an enterprise records jobs at its own unified social credit code only")
    if actor.role is Role.SCHOOL and code is not None:
        member = await access.member_with_credit_code(event.partnership_id, code, event.occurred_on)
        if member is not None:
            raise _refuse(actor, "the employer is a member of the partnership and records its own jobs")


async def _check_recorder(actor: Actor, event: Envelope, access: AccessPort) -> None:
    assert event.supersedes is not None  # a correction or retraction always names its target
    recorder = await access.recorder(event.supersedes)
    if recorder is None or recorder.party_id != actor.party_id:
        kind = "corrects" if isinstance(event.data, EventCorrected) else "retracts"
        raise _refuse(actor, f"a party {kind} only facts its own clients recorded")
