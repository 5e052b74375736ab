"""Comparing the ground truth with assessment's answers: floats read as 4-place decimals, empty buckets optional."""

from simulation.compare import compare_figures, compare_targets


def figure(value, numerator=None, denominator=None):
    return {"value": value, "numerator": numerator, "denominator": denominator}


def answer(metric, value, numerator=None, denominator=None, dimension="total", bucket=""):
    return {
        "dimension": dimension,
        "bucket": bucket,
        "metric": metric,
        "version": 1,
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "final": False,
    }


def test_equal_figures_match_whatever_their_json_number_type():
    expected = {
        "total": {
            "": {
                "employment_rate": figure("0.6667", 2, 3),
                "enrolled": figure(12, 12),
                "starting_wage_median": figure("4250.5000", None, 4),
            }
        }
    }
    actual = [
        answer("employment_rate", 0.6667, 2.0, 3.0),
        answer("enrolled", 12.0, 12.0, None),
        answer("starting_wage_median", 4250.5, 4250.5, 4.0),
    ]
    result = compare_figures("p", expected, actual)
    assert (result.checked, result.mismatches) == (3, [])


def test_a_different_value_numerator_or_denominator_is_a_mismatch():
    expected = {"total": {"": {"a": figure("0.5000", 1, 2), "b": figure("0.5000", 1, 2), "c": figure("0.5000", 1, 2)}}}
    actual = [answer("a", 0.5001, 1, 2), answer("b", 0.5, 2, 4), answer("c", 0.5, 1, 2)]
    result = compare_figures("p", expected, actual)
    assert [m.metric for m in result.mismatches] == ["a", "b"]


def test_a_missing_bucket_counts_only_when_the_truth_there_is_not_empty():
    expected = {"class": {"c1": {"enrolled": figure(0, 0), "fill_rate": figure(None, 0, 0), "seats": figure(20, 20)}}}
    result = compare_figures("p", expected, [])
    assert [m.describe() for m in result.mismatches] == ["p [class=c1] seats: expected 20 (20/None), got missing"]


def test_targets_compare_the_figure_and_whether_it_is_met():
    expected = [
        {
            "metric": "employment_rate",
            "class_id": None,
            "goal": 0.9,
            "comparison": "at_least",
            "actual": figure("0.9500", 19, 20),
            "met": True,
        },
        {
            "metric": "fill_rate",
            "class_id": "ab",
            "goal": 0.9,
            "comparison": "at_least",
            "actual": figure(None, 0, 0),
            "met": None,
        },
    ]
    actual = [
        {"metric": "employment_rate", "class_id": None, "actual": 0.95, "met": True},
        {"metric": "fill_rate", "class_id": "ab", "actual": None, "met": False},
    ]
    result = compare_targets("p", expected, actual)
    assert [m.metric for m in result.mismatches] == ["fill_rate"]
