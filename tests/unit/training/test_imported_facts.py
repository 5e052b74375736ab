"""The operator import's fact shape: `command.type` names the command, the path ids travel in the command."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

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
