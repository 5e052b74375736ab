"""Every command employment handles, and its learner: the pipeline's map from a message type to its handler."""

from __future__ import annotations

from services.employment.application.commands import (
    AnswerOffer,
    CheckRetention,
    EndEmployment,
    EnterFurtherStudy,
    OfferJob,
    PlaceStudent,
    UpdateHouseholdStatus,
)
from services.employment.application.handlers.follow_ups import on_corrected, on_retracted
from services.employment.application.handlers.graduates import (
    answer_offer,
    enter_further_study,
    offer_job,
    place_student,
)
from services.employment.application.handlers.household import update_household_status
from services.employment.application.handlers.learning import learn
from services.employment.application.handlers.placements import check_retention, end_employment
from services.employment.application.unit_of_work import EmploymentUnitOfWork
from shared.application.follow_ups import follow_up_handlers
from shared.application.pipeline import Handler
from shared.contracts.envelope import Envelope

HANDLERS: dict[type, Handler[EmploymentUnitOfWork]] = {
    OfferJob: offer_job,
    AnswerOffer: answer_offer,
    PlaceStudent: place_student,
    EnterFurtherStudy: enter_further_study,
    CheckRetention: check_retention,
    EndEmployment: end_employment,
    UpdateHouseholdStatus: update_household_status,
    Envelope: learn,
    **follow_up_handlers(on_corrected, on_retracted),
}
