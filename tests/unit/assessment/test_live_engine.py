"""The live engine's incremental tallies equal the pure figures computed from scratch."""

from __future__ import annotations

from datetime import date

from services.assessment.engine import LiveEngine
from services.assessment.metrics.clock import AsOf
from services.assessment.metrics.scope import figures, rollup_figures
from services.assessment.records import Applied, Record, RecordKey, place
from tests.unit.assessment.builders import records_of
from tests.unit.assessment.scripted_cohort import scripted_cohort


def test_event_by_event_updates_end_in_the_figures_computed_from_scratch() -> None:
    cohort = scripted_cohort()
    as_of = AsOf.of(date(2026, 6, 30))
    engine = LiveEngine(as_of)
    store: dict[RecordKey, Record] = {}
    for index, envelope in enumerate(cohort.script.events):
        placed = place(envelope, lambda key: store.get(key) or Record(key))
        if placed is not None and placed[1] is Applied.NEW:
            store[placed[0].key] = placed[0]
            engine.update(placed[0])
            if index % 10 == 0:
                engine.figures(cohort.script.partnership_id)  # tallies become incremental from here
    pid = cohort.script.partnership_id
    expected = figures(records_of(cohort.script.events), as_of, 1) + figures(records_of(cohort.script.events), as_of, 2)
    assert sorted(engine.figures(pid), key=lambda f: f.key) == sorted(expected, key=lambda f: f.key)


def test_the_figures_of_the_cells_changed_kept_over_the_last_ones_equal_every_figure_after_each_event() -> None:
    cohort = scripted_cohort()
    pid = cohort.script.partnership_id
    engine, whole_engine = LiveEngine(AsOf.of(date(2026, 6, 30))), LiveEngine(AsOf.of(date(2026, 6, 30)))
    store: dict[RecordKey, Record] = {}
    published: dict[tuple[str, str, str, str, int], object] = {}
    partial_renders = 0
    for envelope in cohort.script.events:
        placed = place(envelope, lambda key: store.get(key) or Record(key))
        if placed is None or placed[1] is not Applied.NEW:
            continue
        store[placed[0].key] = placed[0]
        engine.update(placed[0])
        whole_engine.update(placed[0])
        changed, whole = engine.changed_figures(pid)
        if whole:
            published.clear()
        else:
            partial_renders += 1
        published.update({f.key: f for f in changed})
        every = whole_engine.figures(pid)
        assert len(changed) < len(every) or whole
        assert sorted(published.values(), key=lambda f: f.key) == sorted(every, key=lambda f: f.key)
    assert partial_renders > 10


def test_moving_to_a_new_day_recomputes_time_driven_figures() -> None:
    cohort = scripted_cohort()
    engine = LiveEngine(AsOf.of(date(2025, 1, 1)))
    for record in records_of(cohort.script.events):
        engine.load(record)
    pid = cohort.script.partnership_id
    before = {f.key: f for f in engine.figures(pid)}
    engine.move_to(AsOf.of(date(2026, 6, 30)))
    after = {f.key: f for f in engine.figures(pid)}
    key = (f"partnership:{pid}", "total", "", "graduates", 1)
    assert (before[key].value, after[key].value) == (0, 6)


def test_live_roll_ups_equal_the_as_of_roll_ups_three_levels_deep_with_the_parents_own_classes() -> None:
    from tests.unit.assessment.test_rollups_and_cells import students, three_levels

    city, alliance, pact = three_levels()
    students(city, graduated=1)
    students(alliance, graduated=1, in_training=1)
    students(pact, graduated=2)
    records = records_of(city.events + alliance.events + pact.events)
    as_of = AsOf.of(date(2026, 6, 30))
    engine = LiveEngine(as_of)
    for record in records:
        engine.update(record)
    for child in (pact, alliance):  # members first: each part carries the parts it received
        part = engine.upward_part(child.partnership_id)
        assert part is not None
        for _, parent in part.history:
            engine.receive_part(parent, part)
    for parent in (city, alliance):
        pid = parent.partnership_id
        expected = rollup_figures(records, pid, as_of, 1) + rollup_figures(records, pid, as_of, 2)
        assert sorted(engine.rollup_figures(pid), key=lambda f: f.key) == sorted(expected, key=lambda f: f.key)
    assert city.partnership_id in engine.dirty_rollups
