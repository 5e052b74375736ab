"""The simulator at benchmark scale: generating a 100,000-student programme and its ground truth."""

from __future__ import annotations

import resource
import time

from shared.application.clock import SystemClock, business_today
from simulation.generator import scaled_programme
from simulation.ground_truth import compute_truth


def measure(students: int) -> dict[str, float]:
    started = time.perf_counter()
    scenario = scaled_programme(students=students)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    compute_truth(scenario, business_today(SystemClock().now()))
    truth = time.perf_counter() - started
    return {
        "students": students,
        "facts": scenario.fact_count(),
        "generate_s": generated,
        "truth_s": truth,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # the process's peak RSS
    }
