"""Intents, named in the imperative. HTTP bodies (`*In`) are the parts a caller sends; the path supplies the ids."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from services.recruitment.application.commands.partnerships import (
    AdmitMember,
    AmendPartnership,
    CloseClass,
    EndPartnership,
    OpenClass,
    RecordFunding,
    RegisterParty,
    RegisterProgramme,
    RemoveMember,
    SetTarget,
    SignPartnership,
)
from services.recruitment.application.commands.students import (
    ApplyExclusion,
    CancelEnrolment,
    DecideApplication,
    EnrolStudent,
    RevokeExclusion,
    SignEmploymentIntent,
    SubmitApplication,
)

AnyCommand = Annotated[
    RegisterParty
    | SignPartnership
    | AmendPartnership
    | EndPartnership
    | AdmitMember
    | RemoveMember
    | SetTarget
    | RegisterProgramme
    | OpenClass
    | CloseClass
    | RecordFunding
    | SubmitApplication
    | DecideApplication
    | EnrolStudent
    | CancelEnrolment
    | SignEmploymentIntent
    | ApplyExclusion
    | RevokeExclusion,
    Field(discriminator="type"),
]

__all__ = [
    "AnyCommand",
    "AdmitMember",
    "AmendPartnership",
    "CloseClass",
    "EndPartnership",
    "OpenClass",
    "RecordFunding",
    "RegisterParty",
    "RegisterProgramme",
    "RemoveMember",
    "SetTarget",
    "SignPartnership",
    "ApplyExclusion",
    "CancelEnrolment",
    "DecideApplication",
    "EnrolStudent",
    "RevokeExclusion",
    "SignEmploymentIntent",
    "SubmitApplication",
]
