"""The small seeded programme posted live, and imported with its history in bulk (requests of many facts), each fact
by the client of the party that records it (issue 10): the scopes accept every fact a school or an enterprise really
records, and the audit says who recorded what. (`make demo` imports one fact a request.)

Bounded for `make test`: every class's hours and one student for each turn of a story the generator tells (about
a quarter of the students); `cycle simulate --live` posts the whole programme the same way.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from datetime import datetime, time

import pytest

from services.employment.app import create_app as employment_app
from services.recruitment.app import create_app as recruitment_app
from services.training.app import create_app as training_app
from shared.application.clock import BUSINESS_TZ, FixedClock
from shared.config import ServiceSettings
from shared.persistence.database import drop_schema
from shared.security.audit import AuditAction, AuditQuery
from shared.security.identity import Scope
from shared.security.runtime import open_administration
from simulation.acting import acting_parties
from simulation.credentials import party_credentials
from simulation.driver import drive
from simulation.generator import small_programme
from simulation.ids import Ids
from simulation.scenario import Scenario
from tests.support.http import operator, serving

pytestmark = pytest.mark.timeout(900)


def every_story_once(scenario: Scenario) -> Scenario:
    """The fewest students, picked greedily, whose stories cover every story of the scenario."""
    missing = {story for student in scenario.students for story in student.story}
    chosen = []
    while missing:
        best = max(scenario.students, key=lambda s: len(missing & set(s.story)))
        chosen.append(best)
        missing -= set(best.story)
    return dataclasses.replace(scenario, students=[s for s in scenario.students if s in chosen])


@pytest.mark.parametrize(("imported", "batch"), [(False, None), (True, 500)], ids=["live", "imported-in-bulk"])
async def test_every_fact_of_the_small_programme_is_accepted_from_the_party_that_records_it(
    service_settings: ServiceSettings, imported: bool, batch: int | None
):
    scenario = every_story_once(small_programme(seed=7))
    clock = FixedClock(datetime.combine(scenario.generated_on, time(12), BUSINESS_TZ))  # the scenario's today
    ids = Ids.for_scenario(scenario.name, scenario.seed)
    acting = acting_parties(scenario)
    async with (
        serving(functools.partial(recruitment_app, clock=clock), service_settings) as recruitment,
        serving(functools.partial(training_app, clock=clock), service_settings) as training,
        serving(functools.partial(employment_app, clock=clock), service_settings) as employment,
    ):
        scopes = frozenset({Scope.IMPORT}) if imported else frozenset()
        parties = await party_credentials(service_settings, scenario, ids, acting.values(), scopes)
        urls = {name: str(c.base_url) for name, c in (("recruitment", recruitment), ("training", training))}
        urls["employment"] = str(employment.base_url)
        report, _ = await drive(
            scenario,
            urls,
            concurrency=200 if batch else 8,
            wait_timeout=60,
            credential=await operator(service_settings),
            parties=parties,
            import_history=imported,
            batch=batch,
        )
        assert report.failures == []
        async with open_administration(service_settings, service_settings.database_url) as administration:
            facts = await administration.audit.query(AuditQuery(action=AuditAction.FACT_RECORDED, limit=10_000))
    by_role = Counter(str(e.role) for e in facts)
    assert by_role["school"] > 300
    assert by_role["enterprise"] > 100
    assert by_role["school"] + by_role["enterprise"] >= len(acting)
    client_of = {credential.client_id: key for key, credential in parties.items()}
    recorded_by = {
        e.event_type
        for e in facts
        if e.client_id in client_of and scenario.parties[client_of[e.client_id]].role == "enterprise"
    }
    assert {"TrainingHoursLogged", "TrainingHoursVerified", "Placed", "RetentionChecked"} <= recorded_by
    for service in ("recruitment", "training", "employment"):
        await drop_schema(service_settings.database_url, service + service_settings.schema_suffix)
