"""Building blocks of the integration tests: each call makes new records with ids of their own."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import httpx

from shared.contracts.envelope import Envelope
from tests.integration.recruitment.conftest import Service
from tests.support.kafka import envelopes, read_all
from tests.support.waiting import eventually

_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def national_id() -> str:
    """A valid, random resident identity number (born 1990-2006 in Bijie, 5224xx)."""
    first = f"522401{random.randint(1990, 2006)}{random.randint(1, 12):02d}{random.randint(1, 28):02d}"
    first += f"{random.randint(0, 999):03d}"
    return first + "10X98765432"[sum(int(d) * w for d, w in zip(first, _ID_WEIGHTS, strict=True)) % 11]


def credit_code() -> str:
    first = "91440101" + "".join(random.choice(_CODE_ALPHABET) for _ in range(9))
    total = sum(_CODE_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(first))
    return first + _CODE_ALPHABET[(31 - total % 31) % 31]


def applicant(name: str = "王小明", nid: str | None = None) -> dict[str, str]:
    return {"name": name, "national_id": nid or national_id(), "household_registration": "贵州省毕节市七星关区"}


async def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


@dataclass
class Setting:
    """A partnership with a school and a sponsor as members, a programme and one open class."""

    partnership: str
    school: str
    sponsor: str
    sponsor_code: str
    programme: str
    klass: str


async def party(client: httpx.AsyncClient, role: str, **fields: Any) -> str:
    body = {"name": f"{role} party", "role": role, "region": "west", "locality": "Bijie", **fields}
    if role == "enterprise":
        body.setdefault("credit_code", credit_code())
        body.update(region="east", locality="Guangzhou")
    return str((await created(await client.post("/parties", json=body)))["party_id"])


async def partnership(client: httpx.AsyncClient, **fields: Any) -> str:
    body = {"name": "Guangzhou-Bijie ordered classes", "valid_from": "2024-01-01", "occurred_on": "2024-01-01"}
    return str((await created(await client.post("/partnerships", json={**body, **fields})))["partnership_id"])


async def open_class(client: httpx.AsyncClient, s: Setting, **fields: Any) -> str:
    body = {
        "partnership_id": s.partnership,
        "programme_id": s.programme,
        "school_id": s.school,
        "sponsor_id": s.sponsor,
        "name": "Baiyun Electric class",
        "major": "Electrical equipment",
        "seats": 3,
        "cohort_year": 2024,
        "planned_start": "2024-09-01",
        "planned_end": "2026-06-30",
        "hiring_commitment": 3,
        "occurred_on": "2024-06-01",
    }
    return str((await created(await client.post("/classes", json={**body, **fields})))["class_id"])


async def setting(client: httpx.AsyncClient, seats: int = 3) -> Setting:
    code = credit_code()
    school, sponsor = await party(client, "school"), await party(client, "enterprise", credit_code=code)
    pid = await partnership(client)
    for member in (school, sponsor):
        await created(
            await client.post(f"/partnerships/{pid}/members", json={"party_id": member, "occurred_on": "2024-01-02"})
        )
    programme = await created(
        await client.post(f"/partnerships/{pid}/programmes", json={"name": "Guangdong Technicians"})
    )
    s = Setting(pid, school, sponsor, code, str(programme["programme_id"]), "")
    s.klass = await open_class(client, s, seats=seats, hiring_commitment=seats)
    return s


def application_body(class_id: str, person: dict[str, str] | None = None, **fields: Any) -> dict[str, Any]:
    return {
        "class_id": class_id,
        "applicant": person or applicant(),
        "home_region": "Bijie",
        "poor_household": True,
        "poor_household_verified_by": "poverty_registry",
        "prior_education": "junior secondary",
        "channel": "village recruitment fair",
        "occurred_on": "2024-06-10",
        **fields,
    }


async def apply(client: httpx.AsyncClient, class_id: str, person: dict[str, str] | None = None) -> dict[str, Any]:
    return await created(await client.post("/applications", json=application_body(class_id, person)))


async def decide(
    client: httpx.AsyncClient, application_id: str, decision: str, on: str = "2024-07-01"
) -> httpx.Response:
    return await client.post(
        f"/applications/{application_id}/decisions", json={"decision": decision, "occurred_on": on}
    )


async def enrol(client: httpx.AsyncClient, application_id: str) -> httpx.Response:
    return await client.post(
        f"/applications/{application_id}/enrolment",
        json={"start_on": "2024-09-01", "planned_end_on": "2026-06-30", "occurred_on": "2024-09-01"},
    )


async def admitted_student(client: httpx.AsyncClient, class_id: str) -> dict[str, Any]:
    application = await apply(client, class_id)
    await created(await decide(client, application["application_id"], "admitted"))
    enrolment = await created(await enrol(client, application["application_id"]))
    return {**application, **enrolment}


async def events_of(service: Service, stage: str, partnership_id: str, count: int) -> list[Envelope]:
    """The events on a stage topic keyed by `partnership_id`, once there are at least `count` of them."""

    async def enough() -> list[Envelope]:
        records = await read_all(service.bootstrap, [service.topic(stage)])
        mine = [r for r in records if r.key == partnership_id.encode()]
        return envelopes(mine) if len(mine) >= count else []

    return await eventually(enough, timeout=30, interval=0.3)
