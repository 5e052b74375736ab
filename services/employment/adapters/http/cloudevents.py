"""Employment's facts as CloudEvents (`POST /events`, shared/web/cloudevents.py): each event type → its command."""

from __future__ import annotations

from services.employment.adapters.http import imports
from shared.web.cloudevents import cloudevents_router
from shared.web.corrections import CorrectEventIn, RetractEventIn

router = cloudevents_router(
    {
        "JobOffered": imports.OfferJob,
        "OfferAccepted": (imports.AnswerOffer, {"answer": "accepted"}),
        "OfferDeclined": (imports.AnswerOffer, {"answer": "declined"}),
        "Placed": imports.PlaceStudent,
        "FurtherStudyEntered": imports.EnterFurtherStudy,
        "RetentionChecked": imports.CheckRetention,
        "EmploymentEnded": imports.EndEmployment,
        "HouseholdStatusUpdated": imports.UpdateHouseholdStatus,
        "EventCorrected": CorrectEventIn,
        "EventRetracted": RetractEventIn,
    }
)
