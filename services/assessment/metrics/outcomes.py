"""A counted graduate's share of the outcome figures, and how long each stays open (DOMAIN.md, "Final when").

Windows: certification G+365; employment, placement shares, wage medians, location shares and cost G+window
(180 days in version 1, 365 in version 2); retention at k: that window for every graduate and start+k for every
placement. A student who is not (yet) a graduate holds the figures a graduate would count in while unsettled.
"""

from __future__ import annotations

from services.assessment.facts import Fact
from services.assessment.metrics.catalog import LOCATIONS, PLACEMENT_METRICS, MetricVersion
from services.assessment.metrics.context import ClassInfo, PartnershipContext
from services.assessment.metrics.share import (
    GRADUATED_ON,
    PLACED_BY_GRADUATION,
    UNSETTLED,
    WINDOW_OPEN_BY_GRADUATION,
    Contribution,
)
from services.assessment.metrics.student import StudentFacts, StudentView

Checks = dict[tuple[bytes, int], Fact]  # (placement id, check-point) -> the check that counts


def _graduate_metrics(checkpoints: tuple[int, ...], poor: bool) -> list[str]:
    metrics = ["certification_rate", "internship_rate", "employment_rate", "direct_employment_rate"]
    metrics += [*PLACEMENT_METRICS, *_retention_metrics(checkpoints)]
    return metrics + (["households_lifted"] if poor else [])


def _retention_metrics(checkpoints: tuple[int, ...]) -> list[str]:
    return [f"job_retention.{k}" for k in checkpoints] + [f"same_employer_retention.{k}" for k in checkpoints[1:]]


def _checks(facts: StudentFacts) -> Checks:
    """DOMAIN.md: only a check for that placement and k counts; stronger evidence, then latest recorded wins."""
    found: Checks = {}
    for fact in facts.of_kind("RetentionChecked"):
        key = (fact.get("placement_id"), fact.get("checkpoint_days"))
        held = found.get(key)
        if held is None or _strength(fact) > _strength(held):
            found[key] = fact
    return found


def _strength(check: Fact) -> tuple[int, int, bytes]:
    return check.evidence, check.recorded_at, check.event_id


def outcomes(
    share: Contribution,
    view: StudentView,
    facts: StudentFacts,
    ctx: PartnershipContext,
    day: int,
    version: MetricVersion,
    unsettled: bool,
    info: ClassInfo | None,
) -> None:
    """`unsettled`: the student is in training or their class is not closed (or not known)."""
    graduate = view.status == "graduated"
    leaver = graduate or (view.status == "withdrawn" and not view.quick_withdrawal)
    share.add(UNSETTLED, 0, 0, unsettled)
    staying = not view.quick_withdrawal
    share.add("retention_in_training", int(staying and view.status != "withdrawn"), int(staying), unsettled)
    share.add("completion_rate", int(graduate), int(leaver), unsettled)
    share.add("graduates", int(graduate), 0, unsettled)
    if not graduate or view.graduated_on is None or view.first_start is None:
        for metric in _graduate_metrics(ctx.checkpoints, view.poor is True):
            share.add(metric, 0, 0, unsettled)
        return
    g, first = view.graduated_on, view.first_start
    window_end = g + version.employment_window_days
    waiting = unsettled or window_end > day
    certification_end = g + version.certification_window_days
    certified = any(
        f.get("level") and first <= f.get("awarded_on") <= min(certification_end, day)
        for f in facts.of_kind("CertificateAwarded")
    )
    share.add("certification_rate", int(certified), 1, unsettled or certification_end > day)
    started = {f.get("internship_id"): f.get("start_on") for f in facts.of_kind("InternshipStarted")}
    interned = any(
        f.get("outcome") == "completed" and started.get(f.get("internship_id"), g) < g
        for f in facts.of_kind("InternshipEnded")
    )
    share.add("internship_rate", int(interned), 1, unsettled)
    last = min(window_end, day)
    placements = sorted(
        (f for f in facts.of_kind("Placed") if first <= f.get("start_on") <= last),
        key=lambda f: (f.get("start_on"), f.recorded_at, f.event_id),
    )
    study = any(first <= f.get("start_on") <= last for f in facts.of_kind("FurtherStudyEntered"))
    placement = placements[0] if placements else None
    share.add("employment_rate", int(placement is not None or study), 1, waiting)
    share.add("direct_employment_rate", int(placement is not None), 1, waiting)
    share.marks.append((GRADUATED_ON, g, 1))
    if placement is not None:
        share.marks.append((PLACED_BY_GRADUATION, g, 1))
    if waiting:
        share.marks.append((WINDOW_OPEN_BY_GRADUATION, g, 1))
    if placement is None:
        for metric in [*PLACEMENT_METRICS, *_retention_metrics(ctx.checkpoints)]:
            share.add(metric, 0, 0, waiting)
        if view.poor is True:
            share.add("households_lifted", 0, 0, waiting)
        return
    _placed(share, placement, facts, ctx, day, version, waiting, info, view)


def _placed(
    share: Contribution,
    placement: Fact,
    facts: StudentFacts,
    ctx: PartnershipContext,
    day: int,
    version: MetricVersion,
    waiting: bool,
    info: ClassInfo | None,
    view: StudentView,
) -> None:
    code = placement.get("employer_credit_code")
    sponsor = info.sponsor_credit_code if info else None
    state_owned = int(placement.get("employer_type") == "state_owned")
    location = placement.get("location")
    share.add("placements", 1, 0, waiting)
    share.add("sponsor_placement_rate", int(code == sponsor or code in ctx.partner_codes), 1, waiting)
    share.add("major_matched_rate", int(bool(placement.get("related_to_training"))), 1, waiting)
    share.add("state_owned_placements", state_owned, 0, waiting)
    share.add("state_owned_share", state_owned, 1, waiting)
    for place in LOCATIONS:
        share.add(f"placement_location_share.{place}", int(place == location), 1, waiting)
        share.add(f"starting_wage_median.{place}", 0, 0, waiting)
    share.add("starting_wage_median", 0, 0, waiting)
    share.samples["starting_wage_median"] = placement.get("monthly_wage")
    if location in LOCATIONS:
        share.samples[f"starting_wage_median.{location}"] = placement.get("monthly_wage")
    checks = _checks(facts)
    _retention(share, placement, checks, ctx.checkpoints, day, waiting)
    if view.poor is True:
        start, k = placement.get("start_on"), version.households_checkpoint_days
        check = checks.get((placement.get("placement_id"), k))
        lifted = start + k <= day and bool(check and check.get("still_employed"))
        share.add("households_lifted", int(lifted), 0, waiting or start + k > day)


def _retention(
    share: Contribution, placement: Fact, checks: Checks, checkpoints: tuple[int, ...], day: int, waiting: bool
) -> None:
    start, placement_id = placement.get("start_on"), placement.get("placement_id")
    employed: dict[int, bool] = {}
    for k in checkpoints:
        check = checks.get((placement_id, k))
        employed[k] = bool(check and check.get("still_employed"))
        passed = start + k <= day
        share.add(f"job_retention.{k}", int(passed and employed[k]), int(passed), waiting or not passed)
    first = checkpoints[0]
    kept = employed[first]
    for k in checkpoints[1:]:
        check = checks.get((placement_id, k))
        kept = kept and bool(check and check.get("still_employed") and check.get("same_employer"))
        passed = start + k <= day
        share.add(
            f"same_employer_retention.{k}", int(passed and kept), int(passed and employed[first]), waiting or not passed
        )
