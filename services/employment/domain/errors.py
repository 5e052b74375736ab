"""What the employment rules refuse; adapters/errors.py maps each kind to an HTTP status once."""

from __future__ import annotations


class RuleBroken(Exception):
    code = "rule_broken"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class IllegalTransition(RuleBroken):
    """The command breaks the student's employment state machine."""

    code = "illegal_transition"


class InvalidFact(RuleBroken):
    """A well-formed command stating something impossible (a check before its check-point, say)."""

    code = "invalid_fact"
