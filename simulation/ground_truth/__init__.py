"""Expected figures computed from a scenario's facts by code of its own (never by services/assessment)."""

from simulation.ground_truth.numbers import Figure
from simulation.ground_truth.truth import PartnershipTruth, Truth, compute_truth

__all__ = ["Figure", "PartnershipTruth", "Truth", "compute_truth"]
