"""Internships and certificates near the end of training (DOMAIN.md: internship and certification rates)."""

from __future__ import annotations

import random
from datetime import date

from simulation.context import FactWriter, StudentContext, later, pay
from simulation.facts import CertificateAwarded, InternshipEnded, InternshipStarted
from simulation.scenario import EventCorrected, EventRetracted

_LEVELS = ("Level 5 (junior)", "Level 4 (intermediate)", "Level 4 (intermediate)", "Level 3 (senior)")


def write_internship(ctx: StudentContext, w: FactWriter, rng: random.Random, since: date, graduated_on: date) -> None:
    if rng.random() >= ctx.mix.internship:
        return
    start_on = max(later(graduated_on, -rng.randint(60, 150)), later(since, 30))
    if (graduated_on - start_on).days < 30:
        return
    host = ctx.employers.sponsor if rng.random() < 0.7 else ctx.employers.pick(rng)
    started = w.add(
        InternshipStarted,
        occurred_on=start_on,
        host=host.key,
        related_to_major=rng.random() < 0.85,
        monthly_pay=pay(rng, 1800, 3200),
        start_on=start_on,
    )
    if rng.random() < ctx.mix.internship_ended_early:
        end_on, outcome = later(start_on, rng.randint(10, 25)), "ended_early"
    else:
        end_on, outcome = later(graduated_on, -rng.randint(0, 15)), "completed"
    w.add(InternshipEnded, occurred_on=end_on, internship=started.key, outcome=outcome, end_on=end_on)
    w.tag(f"internship_{outcome}")


def _issuer(ctx: StudentContext) -> str:
    if ctx.school.region == "west":
        return "Guizhou Provincial Vocational Skill Appraisal Guidance Center"
    return "Guangzhou Vocational Skill Testing Authority"


def write_certificates(
    ctx: StudentContext, w: FactWriter, rng: random.Random, first_start: date, graduated_on: date
) -> None:
    mix, today = ctx.mix, ctx.today
    name = f"{ctx.school_class.major} vocational skill certificate"
    if rng.random() < mix.certified:
        roll = rng.random()
        if roll < mix.certificate_late:
            awarded_on = later(graduated_on, rng.randint(366, 500))
            tag = "certificate_late"
        elif roll < 0.3:
            awarded_on = later(graduated_on, rng.randint(1, 300))
            tag = "certificate_after_graduation"
        else:
            awarded_on = max(first_start, later(graduated_on, -rng.randint(0, 120)))
            tag = "certificate_with_level"
        if awarded_on <= today:
            leveled = w.add(
                CertificateAwarded,
                occurred_on=awarded_on,
                name=name,
                level=rng.choice(_LEVELS),
                issuer=_issuer(ctx),
                awarded_on=awarded_on,
            )
            w.tag(tag)
            if rng.random() < mix.certificate_retracted:
                w.add(EventRetracted, occurred_on=awarded_on, target=leveled.key, reason="awarded to another student")
                w.tag("certificate_retracted")
    if rng.random() < mix.certificate_without_level:
        awarded_on = max(first_start, later(graduated_on, -rng.randint(30, 200)))
        plain = w.add(
            CertificateAwarded,
            occurred_on=awarded_on,
            name="Work safety training certificate",
            level=None,
            issuer="Guangzhou Federation of Trade Unions",
            awarded_on=awarded_on,
        )
        w.tag("certificate_without_level")
        if rng.random() < mix.certificate_corrected:
            w.add(
                EventCorrected,
                occurred_on=awarded_on,
                target=plain.key,
                fields={"level": "Level 5 (junior)"},
                reason="level left out when the certificate was entered",
            )
            w.tag("certificate_corrected")
