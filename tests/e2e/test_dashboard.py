"""The dashboard in a real browser: Debian's headless Chromium, driven by Playwright, against the three stage
services, an assessment worker and the assessment API that serves the page.

Facts are posted to the stage services' public APIs while the page is open; the figures on screen change as the
worker publishes them (the page follows `/stream`), in the same document, with no reload. With
CYCLE_UPDATE_SCREENSHOTS=1 its screenshot replaces the README's (docs/screenshots/dashboard.png).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Locator, Page, async_playwright, expect

from services.assessment.app import create_app as assessment_app
from services.recruitment.domain.identity import national_id_check_character
from shared.config import ServiceSettings
from shared.web.client_auth import Credential
from tests.e2e.test_student_cycle import created, place_and_check, set_up_class, train
from tests.support.assessment import assessment_settings, running_worker
from tests.support.http import operator, serving
from tests.support.waiting import eventually

CHROMIUM = Path("/usr/bin/chromium")
README_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "dashboard.png"
SEEN_WITHIN_MS = 90_000
# As the workplace's probe starts it: root needs --no-sandbox; the closed network refuses Chromium's own calls.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed at /usr/bin/chromium (`apt-get install -y chromium`; .ci/run does it)",
)


def national_id(seed: int) -> str:
    """A valid national ID (Bijie, born 2006-01-01), distinct per seed."""
    first = f"52050220060101{seed:03d}"
    return first + national_id_check_character(first)


async def enrol(recruitment: httpx.AsyncClient, class_id: str, seed: int) -> str:
    application = await created(
        await recruitment.post(
            "/applications",
            json={
                "class_id": class_id,
                "applicant": {
                    "name": f"学员{seed}",
                    "national_id": national_id(seed),
                    "household_registration": "贵州省毕节市",
                },
                "home_region": "Bijie",
                "poor_household": seed % 2 == 0,
                "poor_household_verified_by": "poverty_registry",
                "prior_education": "junior secondary",
                "channel": "village recruitment fair",
                "occurred_on": "2023-06-10",
            },
        )
    )
    application_id = application["application_id"]
    await created(
        await recruitment.post(
            f"/applications/{application_id}/decisions", json={"decision": "admitted", "occurred_on": "2023-07-01"}
        )
    )
    await created(
        await recruitment.post(
            f"/applications/{application_id}/enrolment",
            json={"start_on": "2023-09-01", "planned_end_on": "2025-06-30", "occurred_on": "2023-09-01"},
        )
    )
    return str(application["student_id"])


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


async def test_figures_on_the_dashboard_follow_facts_posted_to_the_stage_services_without_a_reload(
    service_settings: ServiceSettings, browser: Browser, tmp_path: Path
) -> None:
    from services.employment.app import create_app as employment_app
    from services.recruitment.app import create_app as recruitment_app
    from services.training.app import create_app as training_app

    # Live as of today: the stage services stamp recorded_at now, and a fact counts only from the day it was recorded.
    settings = assessment_settings(service_settings, business_date=None)
    async with AsyncExitStack() as stack:
        recruitment = await stack.enter_async_context(serving(recruitment_app, service_settings))
        training = await stack.enter_async_context(serving(training_app, service_settings))
        employment = await stack.enter_async_context(serving(employment_app, service_settings))
        assessment = await stack.enter_async_context(serving(assessment_app, settings))  # type: ignore[arg-type]
        stack.enter_context(running_worker(settings, tmp_path / "worker.log"))

        ids = await set_up_class(recruitment)
        partnership = ids["partnership"]
        await created(
            await recruitment.post(
                f"/partnerships/{partnership}/targets",
                json={"metric": "employment_rate", "comparison": "at_least", "goal": 0.9, "occurred_on": "2023-01-05"},
            )
        )
        figures = f"/partnerships/{partnership}/figures"
        await eventually(lambda: _has_figures(assessment, figures), timeout=120, interval=0.5)

        page = await browser.new_page(viewport={"width": 1400, "height": 1000})
        sent_tokens: list[str] = []
        page.on("request", lambda r: sent_tokens.append(r.headers.get("authorization", "")))
        await page.goto(f"{assessment.base_url}/dashboard")
        await _sign_in(page, await operator(settings))
        await expect(page.locator("#stream-status")).to_have_attribute("data-state", "live", timeout=SEEN_WITHIN_MS)
        row = page.locator(f'#overview tr[data-scope="partnership:{partnership}"]')
        await row.click()
        await page.evaluate("window.sameDocument = true")  # gone if the page reloads

        students = [await enrol(recruitment, ids["class"], seed) for seed in (1, 2, 3)]
        enrolled = row.locator('td[data-metric="enrolled"]')
        await expect(enrolled).to_have_text("3", timeout=SEEN_WITHIN_MS)
        await expect(_stage(page, "admitted")).to_have_text("3", timeout=SEEN_WITHIN_MS)

        await train(training, ids, students[0])
        await expect(_stage(page, "graduated")).to_have_text("1", timeout=SEEN_WITHIN_MS)
        await expect(page.locator('#alerts li[data-kind="TargetBreached"]')).to_have_count(1, timeout=SEEN_WITHIN_MS)
        await expect(row.locator('td[data-metric="targets"]')).to_have_attribute("data-missed", "1")

        await place_and_check(employment, students[0])
        await expect(_stage(page, "placed")).to_have_text("1", timeout=SEEN_WITHIN_MS)
        await expect(_stage(page, "retained.180")).to_have_text("1", timeout=SEEN_WITHIN_MS)
        await expect(page.locator('#alerts li[data-kind="TargetRecovered"]')).to_have_count(1, timeout=SEEN_WITHIN_MS)
        await expect(row.locator('td[data-metric="targets"]')).to_have_attribute("data-met", "1")
        await expect(page.locator("#breakdown-table tr[data-bucket]")).not_to_have_count(0)

        assert await page.evaluate("window.sameDocument") is True, "the figures changed without reloading the page"
        assert any(token.startswith("Bearer ") for token in sent_tokens), "the page sends its bearer token"
        shot = await page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
        if os.environ.get("CYCLE_UPDATE_SCREENSHOTS"):  # a run that refreshes the README's picture, on request only
            README_SCREENSHOT.write_bytes(shot)

        # As of yesterday nothing had been recorded yet, though the facts occurred in 2023-2025 (DOMAIN.md, clocks).
        yesterday = (settings.live_as_of().business_date - timedelta(days=1)).isoformat()
        await page.fill("#as-of", yesterday)
        await page.dispatch_event("#as-of", "change")
        await expect(page.locator("#as-of-label")).to_have_text(f"as of {yesterday}")
        await expect(_stage(page, "enrolled")).to_have_text("0", timeout=SEEN_WITHIN_MS)
        await expect(enrolled).to_have_text("0")
        await page.click("#live")
        await expect(_stage(page, "enrolled")).to_have_text("3", timeout=SEEN_WITHIN_MS)
        await page.close()


def _stage(page: Page, stage: str) -> Locator:
    return page.locator(f'#funnel-table tr[data-stage="{stage}"] td[data-count]')


async def _sign_in(page: Page, credential: Credential) -> None:
    """Through the page's own form: the client id and secret are exchanged at /oauth/token for a bearer token."""
    await page.click("#auth-open")
    await page.fill("#client-id", credential.client_id)
    await page.fill("#client-secret", credential.secret)
    await page.click("#auth-sign-in")


async def _has_figures(client: httpx.AsyncClient, path: str) -> bool:
    response = await client.get(path, params={"dimension": "total", "version": 1})
    return response.status_code == 200 and bool(response.json()["figures"])
