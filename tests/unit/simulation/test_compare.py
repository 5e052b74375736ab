"""Comparing the ground truth with assessment's answers: floats read as 4-place decimals; figures compared with a
value, empty on both sides, answered only by assessment, or missing, each counted apart; the final flag too."""

from simulation.compare import Comparison, compare_alerts, compare_figures, compare_members, compare_targets


def figure(value, numerator=None, denominator=None, final=False):
    return {"value": value, "numerator": numerator, "denominator": denominator, "final": final}


def answer(metric, value, numerator=None, denominator=None, dimension="total", bucket="", final=False):
    return {
        "dimension": dimension,
        "bucket": bucket,
        "metric": metric,
        "version": 1,
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "final": final,
    }


def test_equal_figures_match_whatever_their_json_number_type():
    expected = {
        "total": {
            "": {
                "employment_rate": figure("0.6667", 2, 3),
                "enrolled": figure(12, 12),
                "starting_wage_median": figure("4250.5000", None, 4),
                "cost_per_graduate": figure("45000.0000", "90000.00", 2),
            }
        }
    }
    actual = [
        answer("employment_rate", 0.6667, 2.0, 3.0),
        answer("enrolled", 12.0, 12.0, None),
        answer("starting_wage_median", 4250.5, None, 4.0),
        answer("cost_per_graduate", 45000.0, 90000.0, 2.0),
    ]
    result = compare_figures("p", expected, actual, path="live v1")
    tally = result.paths["live v1"]
    assert (tally.compared, tally.empty, tally.extra, tally.missing, tally.mismatches) == (4, 0, 0, 0, [])
    assert (result.paths["final flag"].compared, result.paths["final flag"].mismatches) == (4, [])


def test_a_different_value_numerator_or_denominator_is_a_mismatch():
    expected = {"total": {"": {"a": figure("0.5000", 1, 2), "b": figure("0.5000", 1, 2), "c": figure("0.5000", 1, 2)}}}
    actual = [answer("a", 0.5001, 1, 2), answer("b", 0.5, 2, 4), answer("c", 0.5, 1, 2)]
    result = compare_figures("p", expected, actual, path="live v1")
    assert [m.metric for m in result.mismatches] == ["a", "b"]


def test_empty_on_both_sides_is_no_check_and_missing_or_extra_figures_are_counted_apart():
    expected = {"class": {"c1": {"fill_rate": figure(None, 0, 0), "seats": figure(20, 20), "enrolled": figure(0, 0)}}}
    actual = [
        answer("fill_rate", None, 0, 0, "class", "c1"),
        answer("enrolled", 0, 0, None, "class", "c1"),
        answer("graduates", 0, 0, None, "class", "c1"),
    ]
    result = compare_figures("p", expected, actual, path="2024-06-30 v2")
    tally = result.paths["2024-06-30 v2"]
    assert (tally.compared, tally.empty, tally.extra, tally.missing) == (1, 1, 1, 1)
    assert [m.describe() for m in tally.mismatches] == [
        "p [class=c1] seats: expected 20 (20/None), got missing",
        "p [class=c1] graduates: expected nothing, got 0 (0/None)",
    ]


def test_a_different_final_flag_is_a_mismatch_of_its_own_path():
    expected = {"total": {"": {"a": figure("0.5000", 1, 2, final=True)}}}
    result = compare_figures("p", expected, [answer("a", 0.5, 1, 2, final=False)], path="live v1")
    assert result.paths["live v1"].mismatches == []
    assert [m.metric for m in result.paths["final flag"].mismatches] == ["a"]


def test_targets_compare_the_figure_whether_it_is_met_and_its_status():
    expected = [
        {"metric": "employment_rate", "class_id": None, "actual": figure("0.9500", 19, 20, True), "met": True},
        {"metric": "fill_rate", "class_id": "ab", "actual": figure(None, 0, 0), "met": None},
    ]
    actual = [
        {"metric": "employment_rate", "class_id": None, "actual": 0.95, "met": True, "final": True},
        {"metric": "fill_rate", "class_id": "ab", "actual": None, "met": False, "final": False},
    ]
    result = compare_targets("p", expected, actual, path="targets")
    assert [m.metric for m in result.mismatches] == ["fill_rate"]
    assert result.paths["targets"].compared == 2


def test_alerts_agree_with_whether_each_target_is_met_today():
    expected = [
        {"target_id": "t1", "metric": "employment_rate", "class_id": None, "met": False},
        {"target_id": "t2", "metric": "fill_rate", "class_id": None, "met": True},
        {"target_id": "t3", "metric": "seats", "class_id": None, "met": True},
        {"target_id": "t4", "metric": "graduates", "class_id": None, "met": None},
    ]
    alerts = [
        {"type": "TargetBreached", "target_id": "t1"},
        {"type": "TargetBreached", "target_id": "t2"},
        {"type": "TargetRecovered", "target_id": "t3"},
    ]
    result = compare_alerts("p", expected, alerts)
    assert [m.metric for m in result.mismatches] == ["fill_rate"]
    assert (result.paths["alerts"].compared, result.paths["alerts"].empty) == (3, 1)


def test_member_counts_by_role_compare_as_of_the_day():
    members = [
        {"party_role": "school", "joined_on": "2021-01-01", "left_on": None},
        {"party_role": "enterprise", "joined_on": "2021-01-01", "left_on": "2024-12-31"},
        {"party_role": "enterprise", "joined_on": "2025-06-01", "left_on": None},
    ]
    result = compare_members("p", {"school": 1, "enterprise": 1}, members, "2025-01-01", path="members")
    assert [m.describe() for m in result.mismatches] == ["p [members] enterprise: expected 1, got 0"]
    assert compare_members("p", {"school": 1, "enterprise": 1}, members, "2025-06-01").mismatches == []


def test_a_comparison_adds_up_its_paths():
    total = Comparison()
    total.add(compare_figures("p", {"total": {"": {"a": figure(1, 1)}}}, [answer("a", 1, 1)], path="live v1"))
    total.add(compare_figures("q", {"total": {"": {"a": figure(1, 1)}}}, [answer("a", 2, 2)], path="live v1"))
    assert (total.paths["live v1"].compared, len(total.mismatches), total.checked) == (2, 1, 4)
