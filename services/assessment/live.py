"""Live answers rendered from the tallies a worker's live flush writes (`live_tallies`), while those count more of
the scope's partition than the figures rows (`AssessmentStore.live_answer`; else the rows answer).

A tally is what a scope's figures are rendered from (`metrics.figures.render`): the worker writes one a scope and
metric version every ASSESSMENT_LIVE_SECONDS, where a row a figure (hundreds a scope) could only be written at the
flush's slower pace (BENCHMARKS.md (4)). Renderings are kept by the tally's digest, so a scope asked again before
it changes (a dashboard polling it) is rendered once.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from datetime import date

from services.assessment.metrics.figures import Figure, render
from services.assessment.metrics.tally import Tally
from services.assessment.store import StoredTally

_KEPT = 256
_rendered: OrderedDict[tuple[str, int, date, bytes], list[Figure]] = OrderedDict()


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
        found = _rendered[key] = sorted(render(Tally.unpack(raw), scope, version, day), key=_order)
        if len(_rendered) > _KEPT:
            _rendered.popitem(last=False)
    else:
        _rendered.move_to_end(key)
    return found
