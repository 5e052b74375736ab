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

- naming only ids of partnerships its party belongs to: every partnership-bound id of the fact (its student,
  class, the classes a transfer moves between, the partnership a learner's move leaves, an hours log, offer,
  placement, the fact it follows up …) must be of one the party belongs to in its role on the fact's date. So a
  transfer between partnerships is recorded by a school of both (its two sides change two partnerships' figures)
  or an operator, never pulled in or pushed out by one side alone.

Anything else raises `Forbidden` (403) and the pipeline rolls the whole transaction back. A held fact is checked
for its type and partnership when it is accepted; it is released later without a caller. When the handler refuses
a command instead (409, 404, 422), `screen` runs first: a client whose role records nothing, or whose party is no
member of the partnership of every id the command names that the service places (its partnership, student, fact,
or the service's own `subjects`: application, class, hours log, offer, placement …), hears 403, not what the
refusal would have told it about the subject. A party whose command names an id the service does not know hears
that same 403 instead of a 404, so it cannot tell another partnership's id from none; an operator hears the 404.
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
from shared.errors import DomainError, Forbidden, NotFound
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
# Ids that belong to one partnership (a student or a fact: to each it was recorded in), by the subject that
# places them (shared/security/access.py, the services' `subjects`); party ids belong to no partnership.
_BOUND = frozenset(
    {
        *("partnership_id", "student_id", "event_id", "class_id", "application_id", "programme_id", "target_id"),
        *("funding_id", "log_id", "internship_id", "certificate_id", "offer_id", "placement_id", "study_id"),
    }
)
_NAMED_AS = {"from_class_id": "class_id", "to_class_id": "class_id", "supersedes": "event_id"}


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
        if not events and held is None:  # a party's registration: the programme office's, stating no fact
            raise _refuse(actor, "it states no fact of a partnership; operators register parties")
        if held is not None:
            await self._member(actor, held.event_type, held.partnership_id, held.occurred_on, access)
        for event in events:
            membership = await self._member(actor, event.type, event.partnership_id, event.occurred_on, access)
            await _check_subjects(actor, _ids_of_fact(event), event.occurred_on, access)
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

    async def screen(
        self, actor: Actor, command: object, on: date, access: AccessPort, refusal: DomainError | None = None
    ) -> None:
        if actor.is_operator:
            return
        if not WRITES.get(actor.role):
            raise _refuse(actor, f"a {actor.role} records no facts")
        day = getattr(command, "occurred_on", None)
        unknown_refused = isinstance(refusal, NotFound)
        await _check_subjects(actor, _named_ids(command), day if isinstance(day, date) else on, access, unknown_refused)

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


def _named_ids(about: object) -> list[tuple[str, str, UUID]]:
    """(field, subject, id) of each partnership-bound id `about` (a command or an event's data) names."""
    fields = getattr(about, "__dict__", {}).items()
    named = ((field, _NAMED_AS.get(field, field), value) for field, value in fields if isinstance(value, UUID))
    return [(field, subject, value) for field, subject, value in named if subject in _BOUND]


def _ids_of_fact(event: Envelope) -> list[tuple[str, str, UUID]]:
    """The fact's own id too: a service may place it before it is stored (the partnership a learner's move left)."""
    return [("id", "event_id", event.id), *_named_ids(event), *_named_ids(event.data)]


async def _check_subjects(
    actor: Actor, named: list[tuple[str, str, UUID]], on: date, access: AccessPort, unknown_refused: bool = False
) -> None:
    """Each id placed in partnerships must be of one the party belongs to, in its role, on `on`; `unknown_refused`:
    an id placed nowhere is refused too (the handler said it names nothing)."""
    assert actor.party_id is not None  # every client but an operator's belongs to a party
    standing: dict[UUID, bool] = {}
    for field, subject, subject_id in named:
        found = (
            frozenset({subject_id})
            if subject == "partnership_id"
            else await access.partnerships_of(subject, subject_id)
        )
        if not found and not unknown_refused:
            continue
        for partnership_id in found - standing.keys():
            membership = await access.membership(partnership_id, actor.party_id, on)
            standing[partnership_id] = membership is not None and membership.role == actor.role.party_role
        if not any(standing[p] for p in found):
            raise _refuse(actor, f"its party is no {actor.role} of the partnership of {field} {subject_id} on {on}")


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
