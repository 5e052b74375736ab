"""Intents, named in the imperative. HTTP bodies (`*In`) are the parts a caller sends; a command adds the ids of
the route's path and a `type`, so the same model is the command's import shape (adapters/http/imports.py)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from services.recruitment.application.commands import partnerships, students

AnyCommand = Annotated[
    partnerships.RegisterParty
    | partnerships.SignPartnership
    | partnerships.AmendPartnership
    | partnerships.EndPartnership
    | partnerships.AdmitMember
    | partnerships.RemoveMember
    | partnerships.SetTarget
    | partnerships.RegisterProgramme
    | partnerships.OpenClass
    | partnerships.CloseClass
    | partnerships.RecordFunding
    | students.SubmitApplication
    | students.DecideApplication
    | students.EnrolStudent
    | students.CancelEnrolment
    | students.SignEmploymentIntent
    | students.ApplyExclusion
    | students.RevokeExclusion,
    Field(discriminator="type"),
]
