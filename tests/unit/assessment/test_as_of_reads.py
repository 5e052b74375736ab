"""What the read side keeps beside records and answers (issue 12): every parent a partnership record names, and
figures written as the JSON FastAPI writes for `FiguresOut`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

from fastapi.responses import JSONResponse

from services.assessment.figure_json import figures_body
from services.assessment.lineage import parents_named
from services.assessment.metrics.clock import AsOf
from services.assessment.metrics.figures import Figure
from services.assessment.metrics.scope import figures
from services.assessment.records import RecordKind
from services.assessment.schemas import FigureOut, FiguresOut
from shared.contracts.corrections import EventCorrected
from shared.contracts.partnership import PartnershipAmended
from tests.unit.assessment.builders import Script, records_of
from tests.unit.assessment.test_answer_bodies import same_json
from tests.unit.assessment.test_rollups_and_cells import students


def test_a_partnership_record_names_every_parent_it_was_signed_amended_or_corrected_to() -> None:
    first, second, corrected_to = uuid4(), uuid4(), uuid4()
    script = Script()
    signing = script.sign(parent=first)
    script.emit(PartnershipAmended(parent_id=second, name=None), date(2025, 1, 1))
    script.emit(EventCorrected(fields={"parent_id": str(corrected_to)}, reason="typo"), date(2024, 1, 1),
                supersedes=signing.id)  # fmt: skip
    [own] = [r for r in records_of(script.events) if r.key.kind is RecordKind.PARTNERSHIP]
    assert set(parents_named(own)) == {first, second, corrected_to}


def test_a_partnership_without_a_parent_names_none() -> None:
    script = Script()
    script.sign()
    [own] = [r for r in records_of(script.events) if r.key.kind is RecordKind.PARTNERSHIP]
    assert parents_named(own) == []


def _as_fastapi_writes(scope: str, day: date | None, found: list[Figure]) -> bytes:
    model = FiguresOut(
        scope=scope, generation="g1", as_of=day, live=day is None, figures=[FigureOut.of(f) for f in found]
    )
    return JSONResponse(model.model_dump(mode="json")).body


def test_figures_are_written_as_the_json_fastapi_writes_for_the_model_live_and_as_of() -> None:
    script = Script()
    script.sign()
    students(script, graduated=2, in_training=1)
    found = figures(records_of(script.events), AsOf.of(date(2026, 6, 30)), 1)
    odd = Figure(
        "partnership:x", "total", "", "m", 2, Decimal("12.50"), None, Decimal("0.3333"), True, date(2026, 1, 2)
    )
    scope = f"partnership:{script.partnership_id}"
    for day in (None, date(2026, 6, 30)):
        assert same_json(figures_body(scope, "g1", day, [*found, odd]), _as_fastapi_writes(scope, day, [*found, odd]))
