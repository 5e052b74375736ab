"""The operator-only import of facts from older systems (DOMAIN.md: facts migrated with their original recorded_at).

`POST /admin/import` with `X-Operator-Token`; the body is `{"facts": [{"import_id", "recorded_at", "command":
{"type": "<CommandName>", ...the route's body fields..., ...the path ids...}}]}`. The shared runner
(shared/application/importing.py) runs the facts in recorded_at order through the same handlers as the routes,
carries on past a refused one and answers each: accepted, duplicate, held or refused with its problem.
"""

# No `from __future__ import annotations`: FastAPI reads the fact model of the import route.

from typing import Annotated

from pydantic import Field

from services.recruitment.adapters.db.students import read_applicants_ahead
from services.recruitment.application.commands import AnyCommand
from shared.web.corrections import CorrectEventIn, RetractEventIn
from shared.web.importing import ImportedFactIn, import_router

# The recruitment commands are their own import shapes; corrections and retractions come as the shared ones.
Stated = Annotated[AnyCommand | CorrectEventIn | RetractEventIn, Field(discriminator="type")]


class ImportedFact(ImportedFactIn):
    """A command about a student may name them by `application_id`: a batch cannot know the `student_id` its own
    SubmitApplication will be given."""

    command: Stated = Field(
        examples=[
            {
                "type": "SignPartnership",
                "partnership_id": "0d4c8a52-8a43-4c5e-b0b6-6f5e3a1d9c10",
                "name": "Guangzhou-Bijie cooperation agreement 2019",
                "valid_from": "2019-01-01",
                "occurred_on": "2019-01-01",
            }
        ],
    )

    def to_command(self) -> object:
        if isinstance(self.command, CorrectEventIn | RetractEventIn):
            return self.command.to_command()
        return self.command


router = import_router(ImportedFact, read_ahead=read_applicants_ahead)
