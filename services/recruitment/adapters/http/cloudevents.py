"""Recruitment's facts as CloudEvents (`POST /events`, shared/web/cloudevents.py): each event type → its command.

An application's personal data (name, national ID, household registration) travels in `data` beside the
event's fields; it is sealed here like the route's and never leaves this service."""

from __future__ import annotations

from services.recruitment.adapters.db.students import read_applicants_ahead
from services.recruitment.application.commands import partnerships, students
from shared.web.cloudevents import cloudevents_router
from shared.web.corrections import CorrectEventIn, RetractEventIn

router = cloudevents_router(
    {
        "PartnershipSigned": partnerships.SignPartnership,
        "PartnershipAmended": partnerships.AmendPartnership,
        "PartnershipEnded": partnerships.EndPartnership,
        "MemberJoined": partnerships.AdmitMember,
        "MemberLeft": partnerships.RemoveMember,
        "TargetSet": partnerships.SetTarget,
        "ProgrammeRegistered": partnerships.RegisterProgramme,
        "ClassOpened": partnerships.OpenClass,
        "ClassClosed": partnerships.CloseClass,
        "FundingRecorded": partnerships.RecordFunding,
        "ApplicationSubmitted": students.SubmitApplication,
        "ApplicationDecided": students.DecideApplication,
        "StudentEnrolled": students.EnrolStudent,
        "EnrollmentCancelled": students.CancelEnrolment,
        "EmploymentIntentSigned": students.SignEmploymentIntent,
        "ExclusionApplied": students.ApplyExclusion,
        "ExclusionRevoked": students.RevokeExclusion,
        "EventCorrected": CorrectEventIn,
        "EventRetracted": RetractEventIn,
    },
    read_ahead=read_applicants_ahead,
)
