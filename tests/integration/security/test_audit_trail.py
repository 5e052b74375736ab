"""`cycle audit` shows who recorded which fact and who read what, over a real service, with nothing personal."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID

from services.recruitment.app import create_app as recruitment_app
from shared.config import ServiceSettings
from shared.persistence.database import drop_schema
from shared.security.identity import Role
from tests.integration.cli.conftest import Cycle, cycle_env
from tests.integration.recruitment.flows import applicant, application_body, created, setting
from tests.support.http import authenticated, provision, serving


async def test_the_audit_names_each_fact_and_read_of_a_client_and_never_what_it_said(
    service_settings: ServiceSettings, tmp_path: Path
):
    person = applicant("李秀英")
    async with serving(recruitment_app, service_settings) as recruitment:
        s = await setting(recruitment)
        credential = await provision(service_settings, Role.SCHOOL, UUID(s.school), name="registry")
        async with authenticated(recruitment, credential) as school:
            recorded = await created(await school.post("/applications", json=application_body(s.klass, person)))
            timeline = await school.get(f"/students/{recorded['student_id']}/timeline", params={"limit": 5})
            assert timeline.status_code == 200
            refused = await school.post(f"/partnerships/{s.partnership}/targets", json={"metric": "x", "goal": 1})
            assert refused.status_code in (403, 422)
        cycle = Cycle(
            cycle_env(
                tmp_path,
                DATABASE_URL=service_settings.database_url,
                CYCLE_SCHEMA_SUFFIX=service_settings.schema_suffix,
            )
        )
        trail = await cycle.json("audit", "--client", credential.client_id)
        human = (await cycle("audit", "--client", credential.client_id)).stdout
        typed = await cycle.json("audit", "--type", "ApplicationSubmitted", "--action", "fact_recorded")
    by_action: dict[str, list[dict[str, object]]] = {}
    for entry in trail:
        by_action.setdefault(str(entry["action"]), []).append(entry)
    [fact] = by_action["fact_recorded"]
    assert (fact["event_id"], fact["event_type"], fact["partnership_id"]) == (
        recorded["event_id"],
        "ApplicationSubmitted",
        s.partnership,
    )
    assert [e["operation"] for e in by_action["read"]] == [f"GET /students/{recorded['student_id']}/timeline"]
    assert "POST /applications" in [e["operation"] for e in by_action["command"]]
    assert by_action["token_issued"]
    assert {e["party_id"] for e in trail} == {s.school}
    shown = json.dumps(trail, ensure_ascii=False) + human
    for secret in (person["name"], person["national_id"], person["household_registration"], "limit=5"):
        assert secret not in shown
    assert [e["event_id"] for e in typed] == [recorded["event_id"]]
    await drop_schema(service_settings.database_url, "recruitment" + service_settings.schema_suffix)
