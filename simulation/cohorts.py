"""Students for every class of a partnership, then the adjustments that make the seed figures exact."""

from __future__ import annotations

import random
from dataclasses import dataclass

import structlog

from simulation.builder import ScenarioBuilder
from simulation.careers import Career, write_employment
from simulation.context import Employers, FactWriter, StudentContext, later
from simulation.facts import StudentEnrolled
from simulation.learning import Fate, Learning, write_training
from simulation.people import make_person
from simulation.recruiting import write_recruitment
from simulation.scenario import Party, Person, SchoolClass, Student

log = structlog.get_logger(__name__)
_PLAIN = {"transferred", "restarted", "on_break_now", "overdue", "excluded"}


@dataclass(frozen=True, slots=True)
class PartnershipPlan:
    """Figures a partnership must show exactly (seed 000), and how sure its graduates are of a job."""

    all_graduates_employed: bool = False
    in_training_now: int | None = None
    state_owned_placements: int | None = None


@dataclass(frozen=True, slots=True)
class Written:
    student: Student
    klass: SchoolClass
    learning: Learning | None
    career: Career | None
    admit: bool = False
    fate: Fate | None = None

    def counts_as_placed(self) -> bool:
        excluded = "excluded" in self.student.story and "exclusion_revoked" not in self.student.story
        return self.career is not None and self.career.placement is not None and not excluded


class Cohorts:
    def __init__(self, builder: ScenarioBuilder, other_employers: tuple[Party, ...]) -> None:
        self.b = builder
        self.other_employers = other_employers
        self.written: dict[str, Written] = {}
        self.plans: dict[str, PartnershipPlan] = {}
        self.numbered = 0
        self.enrolled_in: dict[str, set[str]] = {}  # class -> students holding one of its seats
        self.holder_of_id: dict[str, str] = {}  # national ID -> student: one person, one student
        self.written_person: dict[str, str] = {}  # student -> national ID

    def _employers(self, klass: SchoolClass) -> Employers:
        members = self.b.partnerships[klass.partnership].members
        partners = tuple(
            self.b.parties[m.party]
            for m in members
            if m.party != klass.sponsor and self.b.parties[m.party].role == "enterprise" and m.left_on is None
        )
        # Whether a former member still counts as a partner is not settled by DOMAIN.md: nobody is placed there.
        ever = {m.party for m in members}
        others = tuple(p for p in self.other_employers if p.key not in ever)
        return Employers(self.b.parties[klass.sponsor], partners, others)

    def _person(self, ctx: StudentContext) -> Person:
        person = make_person(ctx.rng("person"), ctx.home_region, ctx.school_class.cohort_year)
        attempt = 0
        while self.holder_of_id.get(person.national_id, ctx.key) != ctx.key:
            attempt += 1
            person = make_person(ctx.rng(f"person{attempt}"), ctx.home_region, ctx.school_class.cohort_year)
        self.holder_of_id[person.national_id] = ctx.key
        self.written_person[ctx.key] = person.national_id
        return person

    def _home_region(self, klass: SchoolClass, key: str) -> str:
        rng = random.Random(f"{self.b.seed}/{key}/home")
        west = self.b.partnerships[klass.partnership].west_region
        if west:
            return west if rng.random() < 0.85 else rng.choice(("Zunyi", "Liupanshui", "Guiyang"))
        return rng.choices(("Guangzhou", "Huadu", "Bijie", "Qiannan"), weights=(4, 3, 1.5, 1.5))[0]

    def write(
        self,
        klass: SchoolClass,
        key: str | None = None,
        *,
        admit: bool = False,
        fate: Fate | None = None,
        state_owned: bool | None = None,
    ) -> Written:
        if key is None:
            self.numbered += 1
            key = f"s{self.numbered:06d}"
        partnership = self.b.partnerships[klass.partnership]
        siblings = tuple(
            c for c in self.b.classes.values() if c.partnership == klass.partnership and c.programme == klass.programme
        )
        plan = self.plans.get(klass.partnership, PartnershipPlan())
        ctx = StudentContext(
            self.b.seed,
            key,
            partnership,
            klass,
            siblings,
            self._employers(klass),
            self.b.parties[klass.school],
            self._home_region(klass, key),
            self.b.today,
            self.b.mix,
            plan.all_graduates_employed,
        )
        person = self._person(ctx)
        recruitment, training, employment = FactWriter(f"{key}.r"), FactWriter(f"{key}.t"), FactWriter(f"{key}.e")
        seats_held = self.enrolled_in.setdefault(klass.key, set())
        admission = write_recruitment(ctx, recruitment, admit=admit, has_seat=len(seats_held - {key}) < klass.seats)
        # A cancelled enrolment frees its seat only when the cancellation arrives, and the driver posts students
        # side by side: so it keeps its seat here, and no posting order can fill a class beyond its seats.
        if any(isinstance(fact, StudentEnrolled) for fact in recruitment.facts):
            seats_held.add(key)
        else:
            seats_held.discard(key)
        learning = career = None
        if admission is not None:
            learning = write_training(ctx, training, admission.start_on, fate)
            career = write_employment(ctx, employment, learning, admission.application, state_owned)
        tags = recruitment.tags | training.tags | employment.tags
        facts = recruitment.facts + training.facts + employment.facts
        student = Student(key, klass.partnership, person, facts, tuple(sorted(tags)))
        written = Written(student, klass, learning, career, admit, fate)
        self.written[key] = written
        return written

    def of(self, partnership: str) -> list[Written]:
        return [w for w in self.written.values() if w.klass.partnership == partnership]

    def populate(self, partnership: str, plan: PartnershipPlan | None = None) -> None:
        plan = plan or PartnershipPlan()
        self.plans[partnership] = plan
        rng = random.Random(f"{self.b.seed}/{partnership}/applicants")
        for klass in [c for c in self.b.classes.values() if c.partnership == partnership]:
            for _ in range(round(klass.seats * self.b.mix.applicants_per_seat * rng.uniform(0.9, 1.1))):
                self.write(klass)
        if plan.in_training_now is not None:
            self._reach_in_training(partnership, plan.in_training_now, rng)
        if plan.state_owned_placements is not None:
            self._reach_state_owned(partnership, plan.state_owned_placements, rng)

    def _reach_in_training(self, partnership: str, goal: int, rng: random.Random) -> None:
        for _ in range(10 * goal):
            now = [w for w in self.of(partnership) if w.learning and w.learning.in_training_now]
            if len(now) == goal:
                return
            if len(now) > goal:
                plain = [w for w in now if not _PLAIN & set(w.student.story)]
                chosen = rng.choice(plain)
                self.write(chosen.klass, chosen.student.key, admit=chosen.admit, fate=Fate.WITHDRAW_LATE)
            else:
                free = [
                    c
                    for c in self.b.classes.values()
                    if c.partnership == partnership
                    and c.planned_end > self.b.today
                    and len(self.enrolled_in.get(c.key, ())) < c.seats
                ]
                if not free:
                    break
                klass = min(free, key=lambda c: (len(self.enrolled_in.get(c.key, ())) - c.seats, c.key))
                self.write(klass, admit=True, fate=Fate.IN_TRAINING)
        raise RuntimeError(f"could not reach {goal} students in training in {partnership}")

    def _reach_state_owned(self, partnership: str, goal: int, rng: random.Random) -> None:
        placed = sorted((w for w in self.of(partnership) if w.counts_as_placed()), key=lambda w: w.student.key)
        if len(placed) < goal:
            raise RuntimeError(f"{partnership} has {len(placed)} placements, fewer than {goal} state-owned ones")
        state_owned = [w for w in placed if w.career and w.career.state_owned]
        private = [w for w in placed if w.career and not w.career.state_owned]
        flips = (
            rng.sample(private, goal - len(state_owned))
            if len(state_owned) < goal
            else rng.sample(state_owned, len(state_owned) - goal)
        )
        for w in flips:
            self.write(w.klass, w.student.key, admit=w.admit, fate=w.fate, state_owned=len(state_owned) < goal)
        log.debug("state-owned placements adjusted", partnership=partnership, flipped=len(flips))

    def ensure_stories(self, required: frozenset[str], partnerships: tuple[str, ...], attempts: int = 3000) -> None:
        """Adds applicants until every required turn of story appears; an applicant adding none is dropped."""
        classes = [c for c in self.b.classes.values() if c.partnership in partnerships]
        for attempt in range(attempts):
            missing = required - {tag for w in self.written.values() for tag in w.student.story}
            if not missing:
                return
            written = self.write(classes[attempt % len(classes)])
            if not missing & set(written.student.story):
                self.forget(written.student.key)
        raise RuntimeError(f"no applicant showed {sorted(missing)} in {attempts} attempts")

    def forget(self, key: str) -> None:
        del self.written[key]
        for holders in self.enrolled_in.values():
            holders.discard(key)
        self.holder_of_id.pop(self.written_person.pop(key), None)

    def close_classes(self) -> None:
        """A class closes some weeks after its last student left, unless someone is still in training."""
        by_class: dict[str, list[Written]] = {}
        for w in self.written.values():
            if w.learning is not None:
                by_class.setdefault(w.learning.final_class.key, []).append(w)
        for klass in list(self.b.classes.values()):
            members = by_class.get(klass.key, [])
            if klass.planned_end > self.b.today or any(w.learning and w.learning.in_training_now for w in members):
                continue
            exits = [w.learning.graduated_on or w.learning.withdrawn_on for w in members if w.learning]
            last_exit = max([klass.planned_end, *(d for d in exits if d is not None)])
            closed_on = later(last_exit, random.Random(f"{self.b.seed}/{klass.key}/close").randint(10, 40))
            if closed_on <= self.b.today:
                self.b.close(klass.key, closed_on)

    def students(self) -> list[Student]:
        return [w.student for w in self.written.values()]
