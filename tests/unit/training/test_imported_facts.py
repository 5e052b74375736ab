"""The operator import's fact shape: `command.type` names the command, the path ids travel in the command."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest
from pydantic import ValidationError

from services.training.adapters.http.imports import ImportedFact
from services.training.application import commands
from shared.application.follow_ups import RetractEvent


def fact(command: dict[str, object]) -> ImportedFact:
    return ImportedFact.model_validate(
        {"import_id": "legacy-1", "recorded_at": "2019-07-05T09:30:00+08:00", "command": command}
    )


def test_an_imported_fact_builds_the_command_its_route_would_with_the_path_ids_from_the_fact() -> None:
    student, internship = uuid4(), uuid4()
    command = fact(
        {
            "type": "EndInternship",
            "student_id": str(student),
            "internship_id": str(internship),
            "outcome": "completed",
            "end_on": "2019-06-30",
        }
    ).to_command()

    assert isinstance(command, commands.EndInternship)
    assert (command.student_id, command.internship_id, command.end_on) == (student, internship, date(2019, 6, 30))


ID = str(uuid4())
EVERY_COMMAND: list[tuple[dict[str, object], type, dict[str, object]]] = [
    (
        {
            "type": "AgreePlan",
            "class_id": ID,
            "occurred_on": "2019-03-01",
            "modules": [{"name": "Knife skills", "planned_hours": "10", "taught_by": "school"}],
        },
        commands.AgreePlan,
        {"agreed_on": date(2019, 3, 1)},
    ),
    (
        {
            "type": "LogHours",
            "class_id": ID,
            "module": "Knife skills",
            "hours": "2",
            "taught_by": "school",
            "logged_by": ID,
            "log_id": ID,
            "occurred_on": "2019-03-10",
        },
        commands.LogHours,
        {"logged_on": date(2019, 3, 10), "class_id": UUID(ID), "log_id": UUID(ID)},
    ),
    (
        {"type": "VerifyHours", "log_id": ID, "hours_accepted": "2", "verified_by": ID, "occurred_on": "2019-03-12"},
        commands.VerifyHours,
        {"verified_on": date(2019, 3, 12), "log_id": UUID(ID)},
    ),
    (
        {"type": "HoldProgressReview", "student_id": ID, "outcome": "fine", "occurred_on": "2019-04-01"},
        commands.HoldProgressReview,
        {"held_on": date(2019, 4, 1), "on_track": True},
    ),
    ({"type": "StartBreak", "student_id": ID, "start_on": "2019-04-07"}, commands.StartBreak, {"reason": ""}),
    ({"type": "EndBreak", "student_id": ID, "end_on": "2019-04-21"}, commands.EndBreak, {}),
    (
        {"type": "TransferToClass", "student_id": ID, "to_class_id": ID, "start_on": "2019-05-05"},
        commands.TransferToClass,
        {"to_class_id": UUID(ID)},
    ),
    ({"type": "Restart", "student_id": ID, "start_on": "2019-09-01"}, commands.Restart, {"class_id": None}),
    (
        {"type": "Withdraw", "student_id": ID, "last_day": "2019-05-30", "reason": "family"},
        commands.Withdraw,
        {"last_day": date(2019, 5, 30)},
    ),
    ({"type": "Graduate", "student_id": ID, "graduated_on": "2019-07-04"}, commands.Graduate, {}),
    (
        {
            "type": "StartInternship",
            "student_id": ID,
            "host_name": "Host",
            "related_to_major": True,
            "monthly_pay": "2800",
            "start_on": "2019-05-12",
        },
        commands.StartInternship,
        {"host_credit_code": None},
    ),
    (
        {"type": "AwardCertificate", "student_id": ID, "name": "Cook", "issuer": "HRSS", "awarded_on": "2019-08-01"},
        commands.AwardCertificate,
        {"level": None, "issuer_id": None},
    ),
]


@pytest.mark.parametrize(("sent", "kind", "expected"), EVERY_COMMAND, ids=lambda v: getattr(v, "__name__", ""))
def test_every_body_builds_its_command_with_its_business_date_under_the_commands_own_name(
    sent: dict[str, object], kind: type, expected: dict[str, object]
) -> None:
    command = fact(sent).to_command()

    assert type(command) is kind
    assert {name: getattr(command, name) for name in expected} == expected


def test_an_undated_imported_plan_leaves_the_date_to_the_day_it_was_recorded() -> None:
    command = fact(
        {
            "type": "AgreePlan",
            "class_id": str(uuid4()),
            "modules": [{"name": "Knife skills", "planned_hours": "10", "taught_by": "school"}],
        }
    ).to_command()

    assert isinstance(command, commands.AgreePlan)
    assert command.agreed_on is None


def test_a_retraction_is_imported_like_any_other_command() -> None:
    event_id = uuid4()
    command = fact({"type": "RetractEvent", "event_id": str(event_id), "reason": "entered twice"}).to_command()

    assert isinstance(command, RetractEvent)
    assert command.event_id == event_id


def test_a_command_without_its_path_id_or_of_an_unknown_type_is_refused() -> None:
    with pytest.raises(ValidationError, match="student_id"):
        fact({"type": "Graduate", "graduated_on": "2019-07-04"})
    with pytest.raises(ValidationError, match="does not match any of the expected tags"):
        fact({"type": "Enrol"})
