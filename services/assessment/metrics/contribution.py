"""One student's, one class's or one partnership's share of every figure: sums pooled by `Tally`.

Numerators and denominators are sums over units (students, applications, placements, classes), so a figure
can be updated by subtracting a unit's old share and adding its new one. Money and hours are integer cents.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from services.assessment.facts import Fact
from services.assessment.metrics.catalog import TOTAL, UNKNOWN, Bucket, Dimension, MetricVersion
from services.assessment.metrics.context import ClassInfo, PartnershipContext
from services.assessment.metrics.student import StudentView, applications, student_view

# DOMAIN.md: final only when every class in scope is closed; counted per bucket, read by every figure in it.
OPEN_CLASSES = "_open_classes"
Entry = tuple[int, int, int]  # numerator, denominator, members not yet settled (figure stays provisional)


@dataclass(slots=True)
class Contribution:
    buckets: tuple[Bucket, ...] = ()
    values: dict[str, Entry] = field(default_factory=dict)
    samples: dict[str, int] = field(default_factory=dict)  # median metric -> one value
    extra: list[tuple[Bucket, str, Entry]] = field(default_factory=list)

    def add(self, metric: str, numerator: int, denominator: int, unsettled: bool | int = 0) -> None:
        num, den, open_ = self.values.get(metric, (0, 0, 0))
        self.values[metric] = (num + numerator, den + denominator, open_ + int(unsettled))


def class_buckets(class_id: bytes | None, info: ClassInfo | None) -> list[Bucket]:
    return [
        TOTAL,
        (Dimension.CLASS, class_id.hex() if class_id else UNKNOWN),
        (Dimension.PROGRAMME, info.programme_id.hex() if info and info.programme_id else UNKNOWN),
        (Dimension.COHORT_YEAR, str(info.cohort_year) if info and info.cohort_year else UNKNOWN),
    ]


def _poor_bucket(poor: bool | None) -> Bucket:
    return Dimension.POOR_HOUSEHOLD, UNKNOWN if poor is None else str(poor).lower()


def _check(facts: list[Fact], placement_id: bytes, k: int) -> Fact | None:
    """DOMAIN.md: only a check for that placement and k counts; stronger evidence, then latest recorded wins."""
    checks = [
        f
        for f in facts
        if f.kind == "RetentionChecked" and f.get("placement_id") == placement_id and f.get("checkpoint_days") == k
    ]
    return max(checks, key=lambda f: (f.evidence, f.recorded_at, f.event_id), default=None)


def student_contribution(facts: list[Fact], ctx: PartnershipContext, day: int, version: MetricVersion) -> Contribution:
    """`facts` are the student's resolved facts; `day` is the business date D."""
    share = Contribution()
    for application in applications(facts):
        if application.decision is None:
            continue
        info = ctx.classes.get(application.class_id or b"")
        buckets = class_buckets(application.class_id, info)
        buckets += [(Dimension.HOME_REGION, application.home_region or UNKNOWN), _poor_bucket(application.poor)]
        for bucket in buckets:
            entry = (int(application.decision == "admitted"), 1, int(info is None or not info.closed))
            share.extra.append((bucket, "admission_rate", entry))
    view = student_view(facts, day, version.qualifying_days)
    if not view.enrolled:
        return share
    info = ctx.classes.get(view.class_id or b"")
    share.buckets = (
        *class_buckets(view.class_id, info),
        (Dimension.HOME_REGION, view.home_region or UNKNOWN),
        _poor_bucket(view.poor),
    )
    training = view.status == "in_training"
    pending = training or info is None or not info.closed
    share.add("enrolled", 1, 0, pending)
    share.add("active", int(view.active), 0, pending)
    share.add("on_break", int(view.on_break), 0, pending)
    share.add("enrolled_now", int(training), 0, pending)
    share.add("fill_rate", 1, 0, pending)
    share.add("poor_household_share", int(view.poor is True), 1, pending)
    if not view.excluded:
        _outcomes(share, view, facts, ctx, day, version, pending, info)
    return share


def _outcomes(
    share: Contribution,
    view: StudentView,
    facts: list[Fact],
    ctx: PartnershipContext,
    day: int,
    version: MetricVersion,
    pending: bool,
    info: ClassInfo | None,
) -> None:
    graduate = view.status == "graduated"
    leaver = graduate or (view.status == "withdrawn" and not view.quick_withdrawal)
    if not view.quick_withdrawal:
        share.add("retention_in_training", int(view.status != "withdrawn"), 1, pending)
    share.add("completion_rate", int(graduate), int(leaver), pending)
    share.add("graduates", int(graduate), 0, pending)
    if not graduate or view.graduated_on is None or view.first_start is None:
        for metric in ("certification_rate", "internship_rate", "employment_rate", "placements"):
            share.add(metric, 0, 0, pending)
        return
    g, first = view.graduated_on, view.first_start
    window_end = g + version.employment_window_days
    employment_pending = pending or window_end > day
    certified = any(
        f.kind == "CertificateAwarded"
        and f.get("level")
        and first <= f.get("awarded_on") <= g + 365
        and f.get("awarded_on") <= day
        for f in facts
    )
    share.add("certification_rate", int(certified), 1, pending or g + version.certification_window_days > day)
    started = {f.get("internship_id"): f.get("start_on") for f in facts if f.kind == "InternshipStarted"}
    interned = any(
        f.kind == "InternshipEnded" and f.get("outcome") == "completed" and started.get(f.get("internship_id"), g) < g
        for f in facts
    )
    share.add("internship_rate", int(interned), 1, pending)
    placements = sorted(
        (f for f in facts if f.kind == "Placed" and first <= f.get("start_on") <= min(window_end, day)),
        key=lambda f: (f.get("start_on"), f.recorded_at, f.event_id),
    )
    study = any(f.kind == "FurtherStudyEntered" and first <= f.get("start_on") <= min(window_end, day) for f in facts)
    placement = placements[0] if placements else None
    share.add("employment_rate", int(placement is not None or study), 1, employment_pending)
    share.add("direct_employment_rate", int(placement is not None), 1, employment_pending)
    share.add("cost_per_graduate", 0, 1, 0)
    for funding in ctx.funding:
        if funding.period_start <= g <= funding.period_end:
            share.extra.append(((Dimension.FUNDING_PERIOD, funding.label), "cost_per_graduate", (0, 1, 0)))
    _placement(share, placement, facts, ctx, day, version, employment_pending, info, view)


def _placement(
    share: Contribution,
    placement: Fact | None,
    facts: list[Fact],
    ctx: PartnershipContext,
    day: int,
    version: MetricVersion,
    pending: bool,
    info: ClassInfo | None,
    view: StudentView,
) -> None:
    counted = int(placement is not None)
    share.add("placements", counted, 0, pending)
    for metric in ("sponsor_placement_rate", "major_matched_rate", "state_owned_share"):
        share.add(metric, 0, counted, pending)
    for location in ("east", "home_region", "elsewhere"):
        share.add(f"placement_location_share.{location}", 0, counted, pending)
    checkpoints = ctx.checkpoints
    if placement is None:
        for k in checkpoints:
            share.add(f"job_retention.{k}", 0, 0, pending)
        share.add("households_lifted", 0, 0, pending)
        return
    start, placement_id = placement.get("start_on"), placement.get("placement_id")
    code = placement.get("employer_credit_code")
    sponsor = info.sponsor_credit_code if info else None
    share.add("sponsor_placement_rate", int(code == sponsor or code in ctx.partner_codes), 0)
    share.add("major_matched_rate", int(bool(placement.get("related_to_training"))), 0)
    state_owned = placement.get("employer_type") == "state_owned"
    share.add("state_owned_placements", int(state_owned), 0, pending)
    share.add("state_owned_share", int(state_owned), 0)
    location = placement.get("location")
    share.add(f"placement_location_share.{location}", 1, 0)
    share.samples["starting_wage_median"] = placement.get("monthly_wage")
    share.samples[f"starting_wage_median.{location}"] = placement.get("monthly_wage")
    share.add("cost_per_placement", 0, 1, 0)
    for funding in ctx.funding:
        if funding.period_start <= start <= funding.period_end:
            share.extra.append(((Dimension.FUNDING_PERIOD, funding.label), "cost_per_placement", (0, 1, 0)))
    employed: dict[int, bool] = {}
    for k in checkpoints:
        check = _check(facts, placement_id, k)
        employed[k] = bool(check and check.get("still_employed"))
        passed = start + k <= day
        share.add(f"job_retention.{k}", int(passed and employed[k]), int(passed), pending or not passed)
    first = checkpoints[0]
    kept = employed[first]
    for k in checkpoints[1:]:
        check = _check(facts, placement_id, k)
        kept = kept and bool(check and check.get("still_employed") and check.get("same_employer"))
        passed = start + k <= day
        share.add(
            f"same_employer_retention.{k}", int(passed and kept), int(passed and employed[first]), pending or not passed
        )
    lifted_k = version.households_checkpoint_days
    lifted_check = _check(facts, placement_id, lifted_k)
    lifted = view.poor is True and start + lifted_k <= day and bool(lifted_check and lifted_check.get("still_employed"))
    share.add("households_lifted", int(lifted), 0, pending or start + lifted_k > day)


def class_contribution(class_id: bytes, info: ClassInfo | None, hour_facts: list[Fact]) -> Contribution:
    """Classes, seats and the enterprise teaching share of one class (hours are per class log)."""
    share = Contribution(buckets=tuple(class_buckets(class_id, info)))
    share.add(OPEN_CLASSES, 0, 0, info is None or not info.closed)
    if info is not None:
        share.add("classes_opened", 1, 0, not info.closed)
        share.add("classes_open", int(not info.closed), 0, not info.closed)
        share.add("classes_closed", int(info.closed), 0, not info.closed)
        share.add("seats", info.seats, 0, not info.closed)
        share.add("fill_rate", 0, info.seats, not info.closed)
    enterprise, total = _verified_hours(hour_facts)
    share.add("enterprise_teaching_share", enterprise, total, info is None or not info.closed)
    return share


def _verified_hours(facts: list[Fact]) -> tuple[int, int]:
    """DOMAIN.md: hours from the latest verification by a party other than the logger; unverified count nowhere."""
    logs = {f.get("log_id"): f for f in facts if f.kind == "TrainingHoursLogged"}
    accepted: dict[bytes, int] = {}
    for fact in sorted((f for f in facts if f.kind == "TrainingHoursVerified"), key=lambda f: f.sort_key):
        log = logs.get(fact.get("log_id"))
        if log is not None and fact.get("verified_by") != log.get("logged_by"):
            accepted[fact.get("log_id")] = fact.get("hours_accepted")
    enterprise = sum(h for log_id, h in accepted.items() if logs[log_id].get("taught_by") == "enterprise")
    return enterprise, sum(accepted.values())


def partnership_contribution(ctx: PartnershipContext) -> Contribution:
    share = Contribution(buckets=(TOTAL,))
    share.add("cost_per_graduate", sum(f.amount_cents for f in ctx.funding), 0)
    share.add("cost_per_placement", sum(f.amount_cents for f in ctx.funding), 0)
    share.add(OPEN_CLASSES, 0, 0, not ctx.classes)  # no class yet: nothing can be final
    for funding in ctx.funding:
        bucket = (Dimension.FUNDING_PERIOD, funding.label)
        share.extra.append((bucket, "cost_per_graduate", (funding.amount_cents, 0, 0)))
        share.extra.append((bucket, "cost_per_placement", (funding.amount_cents, 0, 0)))
    return share
