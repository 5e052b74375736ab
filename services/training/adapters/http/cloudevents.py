"""Training's facts as CloudEvents (`POST /events`, shared/web/cloudevents.py): each event type → its command."""

from __future__ import annotations

from services.training.adapters.http import imports
from shared.web.cloudevents import cloudevents_router
from shared.web.corrections import CorrectEventIn, RetractEventIn

router = cloudevents_router(
    {
        "TrainingPlanAgreed": imports.AgreePlan,
        "TrainingHoursLogged": imports.LogHours,
        "TrainingHoursVerified": imports.VerifyHours,
        "ProgressReviewHeld": imports.HoldProgressReview,
        "BreakStarted": imports.StartBreak,
        "BreakEnded": imports.EndBreak,
        "TransferredToClass": imports.TransferToClass,
        "Restarted": imports.Restart,
        "Withdrawn": imports.Withdraw,
        "InternshipStarted": imports.StartInternship,
        "InternshipEnded": imports.EndInternship,
        "CertificateAwarded": imports.AwardCertificate,
        "Graduated": imports.Graduate,
        "EventCorrected": CorrectEventIn,
        "EventRetracted": RetractEventIn,
    }
)
