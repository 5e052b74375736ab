"""As-of answers kept in the query process, each with what tells whether it still holds."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from services.assessment.metrics.figures import Figure

Question = tuple[Hashable, ...]


@dataclass(frozen=True)
class Answer:
    stamp: int  # record writes committed before the records were read (store: `written`)
    digest: bytes  # of the stored records it was computed from
    figures: list[Figure]


class Answers:
    """The last `size` answers, least recently asked dropped first."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._kept: OrderedDict[tuple[str, Question], Answer] = OrderedDict()

    def get(self, generation: str, question: Question) -> Answer | None:
        found = self._kept.get((generation, question))
        if found is not None:
            self._kept.move_to_end((generation, question))
        return found

    def keep(self, generation: str, question: Question, answer: Answer) -> None:
        self._kept[(generation, question)] = answer
        self._kept.move_to_end((generation, question))
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)
