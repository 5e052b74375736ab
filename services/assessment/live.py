"""Live answers rendered from the tallies a worker's live flush writes (`live_tallies`), while those count more of
the scope's partition than the figures rows (`AssessmentStore.live_answer`; else the rows answer).

A tally is what a scope's figures are rendered from (`metrics.figures.render`): the worker writes one a scope and
metric version every ASSESSMENT_LIVE_SECONDS, where a row a figure (hundreds a scope) could only be written at the
flush's slower pace (BENCHMARKS.md (4)). Renderings are kept by the tally's digest, so a scope asked again before
it changes (a dashboard polling it) is rendered once.

A body answered from the rows is kept with the transaction that last wrote them (`figure_writes`): asked again, it
is given again while that is still the last write, and the rows are not read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date

from services.assessment.metrics.figures import Figure, render
from services.assessment.metrics.tally import Tally
from services.assessment.recent import Recent
from services.assessment.store import StoredTally, Written

_rendered: Recent[tuple[str, int, date, bytes], list[Figure]] = Recent(256)


def live_figures(scope: str, tallies: Sequence[StoredTally], dimension: str | None = None) -> list[Figure]:
    """The figures of `scope` from its tallies, in the order figures rows are read (version, dimension, bucket,
    metric); those of `dimension` only when it is given."""
    return [
        figure
        for version, day, raw in sorted(tallies, key=lambda tally: tally[0])
        for figure in _rendering(scope, version, day, raw)
        if dimension is None or figure.dimension == dimension
    ]


def _order(figure: Figure) -> tuple[str, str, str]:
    return figure.dimension, figure.bucket, figure.metric


def _rendering(scope: str, version: int, day: date, raw: bytes) -> list[Figure]:
    key = (scope, version, day, hashlib.blake2b(raw, digest_size=16).digest())
    found = _rendered.get(key)
    if found is None:
        found = sorted(render(Tally.unpack(raw), scope, version, day), key=_order)
        _rendered.keep(key, found)
    return found


@dataclass(frozen=True)
class KeptBody:
    written: Written  # the generation, and the transaction that wrote the rows the body was made from
    body: bytes


live_bodies: Recent[Hashable, KeptBody] = Recent(1024)  # by scope, version and dimension asked
