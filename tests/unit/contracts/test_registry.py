from pathlib import Path

import pytest

from shared.contracts import asyncapi
from shared.contracts.base import Stage
from shared.contracts.registry import (
    EVENT_TYPES,
    UnknownEventType,
    model_for,
    parse_payload,
    topic_for,
)

DOMAIN_EVENTS = {
    "PartnershipSigned",
    "PartnershipAmended",
    "PartnershipEnded",
    "MemberJoined",
    "MemberLeft",
    "TargetSet",
    "ProgrammeRegistered",
    "ClassOpened",
    "ClassClosed",
    "FundingRecorded",
    "ApplicationSubmitted",
    "ApplicationDecided",
    "StudentEnrolled",
    "EmploymentIntentSigned",
    "EnrollmentCancelled",
    "TrainingPlanAgreed",
    "TrainingHoursLogged",
    "TrainingHoursVerified",
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
    "JobOffered",
    "OfferAccepted",
    "OfferDeclined",
    "Placed",
    "FurtherStudyEntered",
    "RetentionChecked",
    "EmploymentEnded",
    "HouseholdStatusUpdated",
    "EventCorrected",
    "EventRetracted",
    "ExclusionApplied",
    "ExclusionRevoked",
}


def test_every_event_of_the_domain_catalog_has_a_contract():
    assert set(EVENT_TYPES) >= DOMAIN_EVENTS


def test_stage_events_go_to_their_stage_topic_and_corrections_to_the_emitters():
    assert topic_for("Withdrawn", Stage.TRAINING) == "cycle.training"
    assert topic_for("ClassOpened", Stage.RECRUITMENT) == "cycle.partnership"
    assert topic_for("EventRetracted", Stage.EMPLOYMENT) == "cycle.employment"
    assert topic_for("EventRetracted", Stage.EMPLOYMENT, "t1.") == "t1.cycle.employment"


def test_an_old_application_is_upcast_to_the_latest_version():
    v1 = {
        "application_id": "6f1c5bde-3c36-4d5c-8b5c-7c1f8c0e7a10",
        "home_region": "Bijie",
        "poor_household": True,
        "prior_education": "junior_secondary",
        "channel": "school_visit",
    }
    payload = parse_payload("ApplicationSubmitted", 1, v1)
    assert payload.version == 2
    assert payload.poor_household_verified_by == "unverified"


def test_unknown_types_and_versions_are_refused():
    with pytest.raises(UnknownEventType):
        model_for("Teleported")
    with pytest.raises(UnknownEventType):
        parse_payload("Withdrawn", 7, {})


def test_the_committed_asyncapi_document_is_generated_from_the_registry():
    committed = (Path(__file__).parents[3] / "docs" / "asyncapi.yaml").read_text()
    assert committed == asyncapi.render(), "regenerate: python -m shared.contracts.asyncapi > docs/asyncapi.yaml"
