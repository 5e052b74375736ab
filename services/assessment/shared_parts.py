"""One copy of each equal part of the units' shares that the live engine keeps.

A worker keeps every student's share of every metric version, to subtract it when the student's next event
arrives. Most parts of those shares repeat from student to student — the buckets of a class, region and household,
the counts of a student in training, the admission entries of an application — so each distinct part is kept once
and every share refers to it (bench (6): 12.7 KB of shares per student before). A share is never changed once
built, so sharing its parts changes no figure.
"""

from __future__ import annotations

from typing import Any

from services.assessment.metrics.share import Contribution

_LIMIT = 1 << 18  # distinct parts remembered; past it the pool starts again (shares already built keep theirs)


class SharedParts:
    def __init__(self, limit: int = _LIMIT) -> None:
        self.limit = limit
        self._pool: dict[tuple[str, Any], Any] = {}

    def share(self, contribution: Contribution) -> Contribution:
        """The same contribution, its parts replaced by the pool's equal copies."""
        contribution.buckets = self._one("b", contribution.buckets, contribution.buckets)
        contribution.values = self._one("v", tuple(contribution.values.items()), contribution.values)
        contribution.samples = self._one("s", tuple(contribution.samples.items()), contribution.samples)
        contribution.extra = self._one("e", tuple(contribution.extra), contribution.extra)
        contribution.marks = self._one("m", tuple(contribution.marks), contribution.marks)
        return contribution

    def _one(self, kind: str, key: Any, part: Any) -> Any:
        found = self._pool.get((kind, key))
        if found is not None:
            return found
        if len(self._pool) >= self.limit:
            self._pool.clear()
        self._pool[(kind, key)] = part
        return part

    def __len__(self) -> int:
        return len(self._pool)
