"""After a run through every student command, no topic, log line or plain database column holds personal data."""

from __future__ import annotations

import json

import asyncpg
import pytest
from aiokafka.admin import AIOKafkaAdminClient

from tests.integration.recruitment.conftest import OPERATOR_TOKEN, Service
from tests.integration.recruitment.flows import (
    admitted_student,
    applicant,
    application_body,
    apply,
    created,
    events_of,
    setting,
)
from tests.support.kafka import read_all

NAMES = ("欧阳春燕", "Ouyang Chunyan")
HUKOU = "贵州省安顺市西秀区某村"


def forms(secret: str) -> list[bytes]:
    """The secret as UTF-8 and as JSON writes it with ASCII escapes."""
    return [secret.encode(), json.dumps(secret).strip('"').encode()]


async def every_topic_of(service: Service) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=service.bootstrap)
    await admin.start()
    try:
        return [t for t in await admin.list_topics() if t.startswith(service.settings.topic_namespace)]
    finally:
        await admin.close()


async def test_no_topic_log_or_plain_column_holds_a_national_id_or_a_name(
    recruitment: Service, database_url: str, capfd: pytest.CaptureFixture[str]
):
    client = recruitment.client
    s = await setting(client)
    people = [applicant(NAMES[0]), applicant(NAMES[1])]
    for person in people:
        person["household_registration"] = HUKOU
    secrets = [*NAMES, HUKOU, *(p["national_id"] for p in people)]

    first = await apply(client, s.klass, people[0])
    duplicate = await client.post("/applications", json=application_body(s.klass, people[0]))
    assert duplicate.status_code == 409
    assert not any(secret in duplicate.text for secret in secrets)
    await created(
        await client.post(f"/applications/{first['application_id']}/decisions", json={"decision": "admitted"})
    )
    await created(
        await client.post(
            f"/applications/{first['application_id']}/enrolment",
            json={"start_on": "2024-09-01", "planned_end_on": "2026-06-30"},
        )
    )
    student = first["student_id"]
    await created(await client.post(f"/students/{student}/employment-intent", json={"employer_id": s.sponsor}))
    await created(await client.post(f"/students/{student}/exclusions", json={"reason": "long_illness"}))
    await created(await client.post(f"/students/{student}/cancellation", json={"reason": "ill"}))
    other_class = await setting(client)
    await apply(client, other_class.klass, people[0])
    imported = await client.post(
        "/admin/import",
        headers={"X-Operator-Token": OPERATOR_TOKEN},
        json={
            "facts": [
                {
                    "import_id": f"pii-{student}",
                    "recorded_at": "2024-06-11T09:00:00+08:00",
                    "command": {"type": "SubmitApplication", **application_body(s.klass, people[1])},
                }
            ]
        },
    )
    assert imported.json()["results"][0]["status"] == 201
    await client.post("/students/lookup", json={"national_id": people[1]["national_id"]})
    await admitted_student(client, s.klass)
    await events_of(recruitment, "recruitment", s.partnership, 8)

    records = await read_all(recruitment.bootstrap, await every_topic_of(recruitment))
    assert len(records) >= 15
    for record in records:
        blob = (record.key or b"") + (record.value or b"") + b"".join(k.encode() + v for k, v in record.headers.items())
        for secret in secrets:
            assert not any(form in blob for form in forms(secret)), f"personal data on {record.topic}"

    logged = capfd.readouterr()
    for secret in secrets:
        assert secret not in logged.out + logged.err

    schema = f"recruitment{recruitment.settings.schema_suffix}"
    conn = await asyncpg.connect(database_url)
    try:
        tables = await conn.fetch("SELECT table_name FROM information_schema.tables WHERE table_schema = $1", schema)
        for table in tables:
            rows = await conn.fetch(f'SELECT t::text AS row FROM "{schema}"."{table["table_name"]}" t')
            text = "\n".join(row["row"] for row in rows)
            for secret in secrets:
                assert secret not in text, f"{secret!r} stored in plain in {table['table_name']}"
    finally:
        await conn.close()
