"""One student's, one class's or one partnership's share of every figure: sums pooled by `Tally`.

Numerators and denominators are sums over units (students, applications, placements, classes), so a figure
can be updated by subtracting a unit's old share and adding its new one. Money and hours are integer cents.
Each entry also counts the units not yet settled (DOMAIN.md, "Final when"): the figure is final when none is.
"""

from __future__ import annotations

from services.assessment.facts import Fact
from services.assessment.metrics.catalog import TOTAL, UNKNOWN, Bucket, Dimension, MetricVersion
from services.assessment.metrics.context import ClassInfo, PartnershipContext
from services.assessment.metrics.outcomes import outcomes
from services.assessment.metrics.share import FUNDING, OPEN_CLASSES, Contribution, period_key
from services.assessment.metrics.student import StudentFacts, applications, student_view

__all__ = ["Contribution", "class_contribution", "partnership_contribution", "student_contribution"]


def class_buckets(class_id: bytes | None, info: ClassInfo | None) -> list[Bucket]:
    return [
        TOTAL,
        (Dimension.CLASS, class_id.hex() if class_id else UNKNOWN),
        (Dimension.PROGRAMME, info.programme_id.hex() if info and info.programme_id else UNKNOWN),
        (Dimension.COHORT_YEAR, str(info.cohort_year) if info and info.cohort_year else UNKNOWN),
    ]


def _poor_bucket(poor: bool | None) -> Bucket:
    return Dimension.POOR_HOUSEHOLD, UNKNOWN if poor is None else str(poor).lower()


def _open(info: ClassInfo | None) -> bool:
    return info is None or not info.closed


def student_contribution(
    facts: list[Fact], ctx: PartnershipContext, day: int, version: MetricVersion, own: frozenset[bytes] | None = None
) -> Contribution:
    """`facts` are the student's resolved facts, from every partnership's record of them; `own` the event ids of
    this partnership's record (None: all). DOMAIN.md: a student counts in the partnership of their latest period that
    has started (training keys a transfer to another partnership by the new one), an application where it was made.
    `day` is the business date D."""
    share = Contribution()
    kinds = StudentFacts.of(facts)
    submitted = applications(kinds)
    for application in submitted:
        if own is not None and application.event_id not in own:
            continue
        info = ctx.classes.get(application.class_id or b"")
        buckets = class_buckets(application.class_id, info)
        buckets += [(Dimension.HOME_REGION, application.home_region or UNKNOWN), _poor_bucket(application.poor)]
        # An undecided (waitlisted) application is in no denominator, but its cells are answered.
        decided = application.decision is not None
        entry = (int(application.decision == "admitted"), int(decided), int(_open(info)))
        for bucket in buckets:
            share.extra.append((bucket, "admission_rate", entry))
    view = student_view(kinds, day, version.qualifying_days, submitted)
    if not view.enrolled or (own is not None and view.period_event not in own):
        return share
    info = ctx.classes.get(view.class_id or b"")
    share.buckets = (
        *class_buckets(view.class_id, info),
        (Dimension.HOME_REGION, view.home_region or UNKNOWN),
        _poor_bucket(view.poor),
    )
    training = view.status == "in_training"
    unsettled = training or _open(info)
    share.add("enrolled", 1, 0, unsettled)
    share.add("active", int(view.active), 0, unsettled)
    share.add("on_break", int(view.on_break), 0, unsettled)
    share.add("enrolled_now", int(training), 0, unsettled)
    share.add("fill_rate", 1, 0, unsettled)
    share.add("poor_household_share", int(view.poor is True), 1, unsettled)
    if not view.excluded:
        outcomes(share, view, kinds, ctx, day, version, unsettled, info)
    return share


def class_contribution(class_id: bytes, info: ClassInfo | None, hour_facts: list[Fact]) -> Contribution:
    """Classes, seats and the enterprise teaching share of one class (hours are per class log)."""
    if info is None and not hour_facts:
        return Contribution()  # not yet known as of D: no cell
    share = Contribution(buckets=tuple(class_buckets(class_id, info)))
    share.add(OPEN_CLASSES, 0, 0, _open(info))
    if info is not None:
        share.add("classes_opened", 1, 0, not info.closed)
        share.add("classes_open", int(not info.closed), 0, not info.closed)
        share.add("classes_closed", int(info.closed), 0, not info.closed)
        share.add("seats", info.seats, 0, not info.closed)
        share.add("fill_rate", 0, info.seats, not info.closed)
    enterprise, total = _verified_hours(hour_facts)
    share.add("enterprise_teaching_share", enterprise, total, _open(info))
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
    """The partnership's funding by period, and its check-points (a roll-up answers the union of its scopes')."""
    share = Contribution(buckets=(TOTAL,))
    for k in ctx.checkpoints:
        share.add(f"job_retention.{k}", 0, 0)
    for k in ctx.checkpoints[1:]:
        share.add(f"same_employer_retention.{k}", 0, 0)
    for funding in ctx.funding:
        share.marks.append((FUNDING, period_key(funding.period_start, funding.period_end), funding.amount_cents))
    return share
