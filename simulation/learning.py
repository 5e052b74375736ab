"""The training part of a student's story: periods, breaks, transfers, withdrawals, internship, certificates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from simulation.context import FactWriter, StudentContext, later
from simulation.facts import (
    BreakEnded,
    BreakStarted,
    Graduated,
    ProgressReviewHeld,
    Restarted,
    TransferredToClass,
    Withdrawn,
)
from simulation.scenario import ExclusionApplied, ExclusionRevoked, SchoolClass
from simulation.skills import write_certificates, write_internship


class Fate(StrEnum):
    GRADUATE = "graduate"
    IN_TRAINING = "in_training"
    WITHDRAW_EARLY = "withdraw_early"  # inside the 42-day qualifying period
    WITHDRAW_LATE = "withdraw_late"


@dataclass(frozen=True, slots=True)
class Learning:
    first_start: date
    final_class: SchoolClass
    graduated_on: date | None
    withdrawn_on: date | None  # the last day in learning of a final withdrawal
    in_training_now: bool


_REASONS = ("family", "financial", "health", "employment", "other")


class TrainingStory:
    def __init__(self, ctx: StudentContext, w: FactWriter, start_on: date) -> None:
        self.ctx, self.w, self.rng = ctx, w, ctx.rng("training")
        self.first_start = self.cursor = start_on
        self.klass = ctx.school_class
        self.break_days = 0

    @property
    def end(self) -> date:
        return self.klass.planned_end

    def _natural_fate(self) -> Fate:
        return Fate.IN_TRAINING if self.end > self.ctx.today else Fate.GRADUATE

    def draw_fate(self) -> Fate:
        roll, mix = self.rng.random(), self.ctx.mix
        if roll < mix.withdrawn_early:
            return Fate.WITHDRAW_EARLY
        if roll < mix.withdrawn_early + mix.withdrawn_late:
            return Fate.WITHDRAW_LATE
        if self.end <= self.ctx.today and self.rng.random() < mix.overdue:
            self.w.tag("overdue")
            return Fate.IN_TRAINING
        return self._natural_fate()

    def withdraw(self, last_day: date) -> date:
        """Returns the day the school reported it; some report weeks late, back-dating the withdrawal."""
        back_dated = self.rng.random() < self.ctx.mix.back_dated_withdrawal
        reported = later(last_day, self.rng.randint(20, 60) if back_dated else self.rng.randint(0, 4))
        if back_dated:
            self.w.tag("back_dated_withdrawal")
        # The training service dates a withdrawal by its last day; when it was reported shows in the order of posting.
        self.w.add(
            Withdrawn,
            occurred_on=last_day,
            last_day=last_day,
            reason=self.rng.choice(_REASONS),
            reported_late=back_dated,
            reported_on=self.ctx.upto_today(reported),
        )
        return self.ctx.upto_today(reported)

    def restart_after(self, reported: date) -> bool:
        restart_on = later(reported, self.rng.randint(20, 120))
        if restart_on > self.ctx.today or (self.end - restart_on).days < 120:
            return False
        self.w.add(Restarted, occurred_on=restart_on, class_key=self.klass.key, start_on=restart_on)
        self.w.tag("restarted")
        self.cursor = restart_on
        return True

    def take_break(self, fate: Fate) -> None:
        today, rng = self.ctx.today, self.rng
        latest_start = min(later(self.end, -90), later(today, -20))
        if (latest_start - self.cursor).days < 60:
            return
        start_on = later(self.cursor, rng.randint(45, (latest_start - self.cursor).days))
        self.w.add(BreakStarted, occurred_on=start_on, start_on=start_on, reason="illness in the family")
        ongoing = fate is Fate.IN_TRAINING and self.end > today and rng.random() < self.ctx.mix.still_on_break
        end_on = later(start_on, rng.randint(14, 120))
        if ongoing or end_on > min(later(self.end, -30), today):
            if fate is Fate.IN_TRAINING:
                self.w.tag("on_break_now")
                self.cursor = today
                return
            end_on = later(start_on, 14)
        self.w.add(BreakEnded, occurred_on=end_on, end_on=end_on)
        self.w.tag("break_ended")
        self.break_days += (end_on - start_on).days
        self.cursor = end_on

    def transfer(self) -> None:
        today, rng = self.ctx.today, self.rng
        window_end = min(later(self.end, -30), later(today, -10))
        if (window_end - self.cursor).days < 40:
            return
        move_on = later(self.cursor, rng.randint(30, (window_end - self.cursor).days))
        targets = [
            c
            for c in self.ctx.sibling_classes
            if c.key != self.klass.key and c.planned_start <= move_on and (c.planned_end - move_on).days >= 90
        ]
        if not targets:
            return
        target = rng.choice(targets)
        self.w.add(
            TransferredToClass, occurred_on=move_on, from_class=self.klass.key, to_class=target.key, start_on=move_on
        )
        self.w.tag("transferred")
        self.klass, self.cursor = target, move_on

    def reviews(self, until: date) -> None:
        months = max(0, (until - self.cursor).days // 30)
        count = min(3, int(months / 12 * self.ctx.mix.reviews_per_year + self.rng.random()))
        for _ in range(count):
            day = later(self.cursor, self.rng.randint(20, max(21, months * 30 - 10)))
            on_track = self.rng.random() < 0.9
            self.w.add(
                ProgressReviewHeld,
                occurred_on=min(day, until),
                outcome="on track" if on_track else "needs support",
                on_track=on_track,
            )

    def exclusion(self, last_day: date) -> None:
        rng, today = self.rng, self.ctx.today
        if rng.random() >= self.ctx.mix.excluded or last_day >= today:
            return
        applied_on = later(last_day, rng.randint(0, max(0, min(200, (today - last_day).days))))
        reason = rng.choice(("long_illness", "military_service", "death"))
        self.w.add(ExclusionApplied, occurred_on=applied_on, reason=reason)
        self.w.tag("excluded")
        if reason != "death" and rng.random() < self.ctx.mix.exclusion_revoked and applied_on < today:
            revoked_on = later(applied_on, rng.randint(1, max(1, min(90, (today - applied_on).days))))
            self.w.add(ExclusionRevoked, occurred_on=revoked_on, reason="applied to the wrong student")
            self.w.tag("exclusion_revoked")

    def write(self, forced: Fate | None) -> Learning:
        rng, mix, today = self.rng, self.ctx.mix, self.ctx.today
        fate = forced or self.draw_fate()
        if fate is Fate.WITHDRAW_EARLY:
            last_day = later(self.first_start, rng.randint(2, 40))
            if last_day >= today:
                fate = self._natural_fate()
            else:
                self.w.tag("withdrawn_early")
                reported = self.withdraw(last_day)
                if forced or rng.random() >= mix.restarted or not self.restart_after(reported):
                    self.exclusion(last_day)
                    return Learning(self.first_start, self.klass, None, last_day, False)
                fate = self._natural_fate()
        roll = rng.random()
        if roll < mix.break_taken:
            self.take_break(fate)
        elif roll < mix.break_taken + mix.transferred and fate is not Fate.WITHDRAW_LATE:
            self.transfer()
            if fate is not Fate.IN_TRAINING or "overdue" not in self.w.tags:
                fate = self._natural_fate()
        if fate is Fate.WITHDRAW_LATE:
            return self.write_late_withdrawal(forced)
        if fate is Fate.IN_TRAINING:
            self.reviews(today)
            self.exclusion(self.cursor)
            return Learning(self.first_start, self.klass, None, None, True)
        return self.write_graduation()

    def write_late_withdrawal(self, forced: Fate | None) -> Learning:
        rng, today = self.rng, self.ctx.today
        earliest = later(self.first_start, 41 + self.break_days)
        earliest = max(earliest, later(self.cursor, 1))
        latest = later(min(self.end, today), -10)
        if latest < earliest:
            fate = self._natural_fate()
            return (
                self.write_graduation()
                if fate is Fate.GRADUATE
                else Learning(self.first_start, self.klass, None, None, True)
            )
        exactly_42 = self.break_days == 0 and self.rng.random() < 0.1
        last_day = earliest if exactly_42 else later(earliest, rng.randint(0, (latest - earliest).days))
        self.w.tag("withdrawn_late", *(("withdrawn_on_day_42",) if exactly_42 else ()))
        self.reviews(later(last_day, -1))
        reported = self.withdraw(last_day)
        if not forced and rng.random() < self.ctx.mix.restarted / 2 and self.restart_after(reported):
            if self._natural_fate() is Fate.GRADUATE:
                return self.write_graduation()
            return Learning(self.first_start, self.klass, None, None, True)
        self.exclusion(last_day)
        return Learning(self.first_start, self.klass, None, last_day, False)

    def write_graduation(self) -> Learning:
        today = self.ctx.today
        delay = self.break_days if self.break_days and self.rng.random() < 0.5 else self.rng.choice((0, 0, 0, 3, 10))
        graduated_on = later(self.end, delay)
        if graduated_on > today:
            graduated_on = self.end if self.end <= today else today
        self.reviews(later(graduated_on, -1))
        write_internship(self.ctx, self.w, self.rng, self.cursor, graduated_on)
        self.w.add(Graduated, occurred_on=graduated_on, graduated_on=graduated_on)
        self.w.tag("graduated")
        write_certificates(self.ctx, self.w, self.rng, self.first_start, graduated_on)
        self.exclusion(graduated_on)
        return Learning(self.first_start, self.klass, graduated_on, None, False)


def write_training(ctx: StudentContext, w: FactWriter, start_on: date, forced: Fate | None = None) -> Learning:
    learning = TrainingStory(ctx, w, start_on).write(forced)
    w.facts.sort(key=lambda fact: fact.occurred_on)  # stable: same-day facts keep the order they were written in
    return learning
