"""Pooled sums per breakdown bucket: figures add and subtract unit shares, and roll-ups pool tallies.

DOMAIN.md: roll-ups pool values, never average medians or rates, so a tally keeps every sum and every wage.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import msgpack

from services.assessment.metrics.catalog import TOTAL, Bucket, Dimension
from services.assessment.metrics.share import Contribution


@dataclass(slots=True)
class Tally:
    sums: dict[Bucket, dict[str, list[int]]] = field(default_factory=dict)
    samples: dict[Bucket, dict[str, Counter[int]]] = field(default_factory=dict)
    # The cells `add` moved since the owner last cleared it: what a flush renders again (`render(..., only=)`).
    touched: set[Bucket] = field(default_factory=set)

    def add(self, share: Contribution, sign: int = 1) -> None:
        self.touched.update(share.buckets)
        for bucket in share.buckets:
            sums = self.sums.setdefault(bucket, {})
            for metric, (num, den, open_) in share.values.items():
                entry = sums.setdefault(metric, [0, 0, 0])
                entry[0] += sign * num
                entry[1] += sign * den
                entry[2] += sign * open_
            if share.samples:
                samples = self.samples.setdefault(bucket, {})
                for metric, value in share.samples.items():
                    counter = samples.setdefault(metric, Counter())
                    counter[value] += sign
                    if counter[value] <= 0:
                        del counter[value]
        self._add_one_bucket_parts(share, sign)

    def add_all(self, shares: Iterable[Contribution]) -> None:
        """`add` of every share, those with the same cells summed first: a partnership's students fall into a few
        sets of cells (class, cohort, region, ...), so each cell is added to once per set, not once per student."""
        pooled: dict[tuple[Bucket, ...], tuple[dict[str, list[int]], dict[str, Counter[int]]]] = {}
        for share in shares:
            values, samples = pooled.setdefault(share.buckets, ({}, {}))
            for metric, (num, den, open_) in share.values.items():
                entry = values.setdefault(metric, [0, 0, 0])
                entry[0] += num
                entry[1] += den
                entry[2] += open_
            for metric, value in share.samples.items():
                samples.setdefault(metric, Counter())[value] += 1
            self._add_one_bucket_parts(share, 1)
        for buckets, (values, samples) in pooled.items():
            self.touched.update(buckets)
            for bucket in buckets:
                sums = self.sums.setdefault(bucket, {})
                for metric, (num, den, open_) in values.items():
                    entry = sums.setdefault(metric, [0, 0, 0])
                    entry[0] += num
                    entry[1] += den
                    entry[2] += open_
                if samples:
                    cell = self.samples.setdefault(bucket, {})
                    for metric, counter in samples.items():
                        cell.setdefault(metric, Counter()).update(counter)

    def _add_one_bucket_parts(self, share: Contribution, sign: int) -> None:
        """The share's values for one cell only (`extra`) and its marks on the total cell."""
        for bucket, metric, (num, den, open_) in share.extra:
            self.touched.add(bucket)
            entry = self.sums.setdefault(bucket, {}).setdefault(metric, [0, 0, 0])
            entry[0] += sign * num
            entry[1] += sign * den
            entry[2] += sign * open_
        if share.marks:
            self.touched.add(TOTAL)
            counters = self.samples.setdefault(TOTAL, {})
            for name, key, weight in share.marks:
                counter = counters.setdefault(name, Counter())
                counter[key] += sign * weight
                if counter[key] == 0:
                    del counter[key]

    def merge(self, other: Tally) -> None:
        for bucket, metrics in other.sums.items():
            sums = self.sums.setdefault(bucket, {})
            for metric, (num, den, open_) in metrics.items():
                entry = sums.setdefault(metric, [0, 0, 0])
                entry[0] += num
                entry[1] += den
                entry[2] += open_
        for bucket, counters in other.samples.items():
            pooled = self.samples.setdefault(bucket, {})
            for metric, counter in counters.items():
                pooled.setdefault(metric, Counter()).update(counter)

    def pack(self) -> bytes:
        sums = [[b[0].value, b[1], [[m, *e] for m, e in metrics.items()]] for b, metrics in self.sums.items()]
        samples = [
            [b[0].value, b[1], [[m, list(c.items())] for m, c in metrics.items()]]
            for b, metrics in self.samples.items()
        ]
        packed: bytes = msgpack.packb([sums, samples], use_bin_type=True)
        return packed

    @classmethod
    def unpack(cls, raw: bytes) -> Tally:
        sums, samples = msgpack.unpackb(raw, raw=False, strict_map_key=False)
        tally = cls()
        for dim, name, metrics in sums:
            tally.sums[(Dimension(dim), name)] = {m: [n, d, o] for m, n, d, o in metrics}
        for dim, name, metrics in samples:
            tally.samples[(Dimension(dim), name)] = {m: Counter(dict(pairs)) for m, pairs in metrics}
        return tally
