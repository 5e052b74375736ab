"""A call as the operator import states it: the same command, with the fact's original recorded_at.

`POST /admin/import` takes `{"facts": [{"import_id", "recorded_at", "command": {"type", ...body, ...path ids}}]}`
in every stage service (docs/architecture.md); it answers each fact with the status and answer its route would
have given. So the driver can post a whole history with the day each fact was first recorded, one fact at a time,
in the same causal order as live commands, and as-of figures at past dates see exactly what was known then.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from uuid import UUID

from simulation.calls import EMPLOYMENT, RECRUITMENT, TRAINING, Call
from simulation.clients import Refused, Traffic
from simulation.ids import Ids, Recorded

_ID = r"([0-9a-f-]{36})"
# (service, path, command type, the path ids' names in order)
_COMMANDS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (RECRUITMENT, "/partnerships", "SignPartnership", ()),
    (RECRUITMENT, f"/partnerships/{_ID}/members", "AdmitMember", ("partnership_id",)),
    (RECRUITMENT, f"/partnerships/{_ID}/members/{_ID}/leaving", "RemoveMember", ("partnership_id", "party_id")),
    (RECRUITMENT, f"/partnerships/{_ID}/programmes", "RegisterProgramme", ("partnership_id",)),
    (RECRUITMENT, f"/partnerships/{_ID}/amendments", "AmendPartnership", ("partnership_id",)),
    (RECRUITMENT, f"/partnerships/{_ID}/targets", "SetTarget", ("partnership_id",)),
    (RECRUITMENT, f"/partnerships/{_ID}/funding", "RecordFunding", ("partnership_id",)),
    (RECRUITMENT, f"/partnerships/{_ID}/ending", "EndPartnership", ("partnership_id",)),
    (RECRUITMENT, "/classes", "OpenClass", ()),
    (RECRUITMENT, f"/classes/{_ID}/closure", "CloseClass", ("class_id",)),
    (RECRUITMENT, "/applications", "SubmitApplication", ()),
    (RECRUITMENT, f"/applications/{_ID}/decisions", "DecideApplication", ("application_id",)),
    (RECRUITMENT, f"/applications/{_ID}/enrolment", "EnrolStudent", ("application_id",)),
    (RECRUITMENT, f"/students/{_ID}/employment-intent", "SignEmploymentIntent", ("student_id",)),
    (RECRUITMENT, f"/students/{_ID}/cancellation", "CancelEnrolment", ("student_id",)),
    (RECRUITMENT, f"/students/{_ID}/exclusions", "ApplyExclusion", ("student_id",)),
    (RECRUITMENT, f"/students/{_ID}/exclusions/revocation", "RevokeExclusion", ("student_id",)),
    (TRAINING, f"/classes/{_ID}/plans", "AgreePlan", ("class_id",)),
    (TRAINING, f"/classes/{_ID}/hours-logs", "LogHours", ("class_id",)),
    (TRAINING, f"/hours-logs/{_ID}/verifications", "VerifyHours", ("log_id",)),
    (TRAINING, f"/students/{_ID}/progress-reviews", "HoldProgressReview", ("student_id",)),
    (TRAINING, f"/students/{_ID}/breaks", "StartBreak", ("student_id",)),
    (TRAINING, f"/students/{_ID}/breaks/current/end", "EndBreak", ("student_id",)),
    (TRAINING, f"/students/{_ID}/transfers", "TransferToClass", ("student_id",)),
    (TRAINING, f"/students/{_ID}/restarts", "Restart", ("student_id",)),
    (TRAINING, f"/students/{_ID}/withdrawal", "Withdraw", ("student_id",)),
    (TRAINING, f"/students/{_ID}/graduation", "Graduate", ("student_id",)),
    (TRAINING, f"/students/{_ID}/internships", "StartInternship", ("student_id",)),
    (TRAINING, f"/students/{_ID}/internships/{_ID}/end", "EndInternship", ("student_id", "internship_id")),
    (TRAINING, f"/students/{_ID}/certificates", "AwardCertificate", ("student_id",)),
    (EMPLOYMENT, f"/students/{_ID}/offers", "OfferJob", ("student_id",)),
    (EMPLOYMENT, f"/offers/{_ID}/answer", "AnswerOffer", ("offer_id",)),
    (EMPLOYMENT, f"/students/{_ID}/placements", "PlaceStudent", ("student_id",)),
    (EMPLOYMENT, f"/students/{_ID}/further-study", "EnterFurtherStudy", ("student_id",)),
    (EMPLOYMENT, f"/placements/{_ID}/retention-checks", "CheckRetention", ("placement_id",)),
    (EMPLOYMENT, f"/placements/{_ID}/end", "EndEmployment", ("placement_id",)),
    (EMPLOYMENT, f"/students/{_ID}/household-status", "UpdateHouseholdStatus", ("student_id",)),
    *(
        (service, f"/events/{_ID}/{kind}", command, ("event_id",))
        for service in (RECRUITMENT, TRAINING, EMPLOYMENT)
        for kind, command in (("corrections", "CorrectEvent"), ("retractions", "RetractEvent"))
    ),
)
_PATTERNS = [(service, re.compile(path + "$"), command, names) for service, path, command, names in _COMMANDS]


def command_of(call: Call) -> dict[str, Any]:
    """The import shape of the command a call's route builds: its body, its path ids and its type."""
    for service, pattern, command, names in _PATTERNS:
        found = pattern.match(call.path) if service == call.service else None
        if found:
            return {"type": command, **call.body, **dict(zip(names, found.groups(), strict=True))}
    raise ValueError(f"no import command for {call.service} {call.path}")


def imported(call: Call, recorded_at: datetime, ids: Ids) -> Call:
    fact = {"import_id": ids.idempotency_key(call.fact_key), "recorded_at": recorded_at.isoformat()}
    return Call(call.service, "/admin/import", {"facts": [{**fact, "command": command_of(call)}]}, call.fact_key)


def settle(call: Call, body: dict[str, Any], ids: Ids, traffic: Traffic) -> dict[str, Any]:
    """The one fact's result as its route would have answered: a refusal raises, an event id and a learned id are
    kept for the facts that follow (corrections name their target's event)."""
    [result] = body["results"]
    if result["outcome"] == "refused":
        raise Refused(call, result["status"], result.get("problem"))
    if result["outcome"] == "held":
        traffic.held += 1
    answer: dict[str, Any] = result.get("answer") or {}
    if answer.get("event_id"):
        ids.events[call.fact_key] = Recorded(call.service, UUID(answer["event_id"]))
    if call.learn:
        field_name, key = call.learn
        ids.learned[key] = UUID(answer[field_name])
    return answer
