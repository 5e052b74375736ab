"""Pooled sums per breakdown bucket: figures add and subtract unit shares, and roll-ups pool tallies.

DOMAIN.md: roll-ups pool values, never average medians or rates, so a tally keeps every sum and every wage.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import msgpack

from services.assessment.metrics.catalog import TOTAL, Bucket, Dimension
from services.assessment.metrics.share import Contribution

_FORMAT = 2  # of `Tally.pack`; the first format had no number


@dataclass(slots=True)
class Tally:
    sums: dict[Bucket, dict[str, list[int]]] = field(default_factory=dict)
    samples: dict[Bucket, dict[str, Counter[int]]] = field(default_factory=dict)
    # The cells `add` moved since the owner last cleared it: what a flush renders again (`render(..., only=)`).
    touched: set[Bucket] = field(default_factory=set)

    def add(self, share: Contribution, sign: int = 1) -> None:
        self.touched.update(share.buckets)
        for bucket in share.buckets:
            sums = self.sums.get(bucket)
            if sums is None:
                sums = self.sums[bucket] = {}
            for metric, (num, den, open_) in share.values.items():
                entry = sums.get(metric)
                if entry is None:
                    sums[metric] = [sign * num, sign * den, sign * open_]
                else:
                    entry[0] += sign * num
                    entry[1] += sign * den
                    entry[2] += sign * open_
            if share.samples:
                samples = self.samples.get(bucket)
                if samples is None:
                    samples = self.samples[bucket] = {}
                for metric, value in share.samples.items():
                    counter = samples.get(metric)
                    if counter is None:
                        counter = samples[metric] = Counter()
                    counter[value] += sign
                    if counter[value] <= 0:
                        del counter[value]
        if share.extra or share.marks:
            self._add_one_bucket_parts(share, sign)

    def replace(self, old: Contribution, new: Contribution) -> None:
        """`add(old, -1)` then `add(new)`: the same sums, found from what differs between the two shares (a
        student's event moves a few of their metrics, in the same cells). Only the cells it moves are touched."""
        if old.buckets != new.buckets:
            self.add(old, -1)
            self.add(new)
            return
        if old.values is not new.values:
            moved = _difference(old.values, new.values)
            if moved:
                self.touched.update(new.buckets)
                for bucket in new.buckets:
                    _add_entries(self.sums.setdefault(bucket, {}), moved)
        if old.samples != new.samples:
            self.touched.update(new.buckets)
            changed = [
                (metric, old.samples.get(metric), new.samples.get(metric))
                for metric in {**old.samples, **new.samples}
                if old.samples.get(metric) != new.samples.get(metric)
            ]
            for bucket in new.buckets:
                counters = self.samples.setdefault(bucket, {})
                for metric, before, after in changed:
                    counter = counters.setdefault(metric, Counter())
                    if before is not None:
                        counter[before] -= 1
                        if counter[before] <= 0:
                            del counter[before]
                    if after is not None:
                        counter[after] += 1
        if old.extra != new.extra or old.marks != new.marks:
            if old.extra or old.marks:
                self._add_one_bucket_parts(old, -1)
            if new.extra or new.marks:
                self._add_one_bucket_parts(new, 1)

    def add_all(self, shares: Iterable[Contribution]) -> None:
        """`add` of every share, those with the same cells summed first: a partnership's students fall into a few
        sets of cells (class, cohort, region, ...), so each cell is added to once per set, not once per student."""
        pooled: dict[tuple[Bucket, ...], tuple[dict[str, list[int]], dict[str, Counter[int]]]] = {}
        for share in shares:
            found = pooled.get(share.buckets)
            if found is None:
                found = pooled[share.buckets] = ({}, {})
            values, samples = found
            _add_entries(values, share.values)
            for metric, value in share.samples.items():
                counter = samples.get(metric)
                if counter is None:
                    counter = samples[metric] = Counter()
                counter[value] += 1
            if share.extra or share.marks:
                self._add_one_bucket_parts(share, 1)
        for buckets, (values, samples) in pooled.items():
            self.touched.update(buckets)
            for bucket in buckets:
                self._add_sums(bucket, values)
                if samples:
                    self._add_samples(bucket, samples)

    def _add_sums(self, bucket: Bucket, values: dict[str, list[int]]) -> None:
        sums = self.sums.get(bucket)
        if sums is None:  # a new cell: copied whole
            self.sums[bucket] = {metric: [num, den, open_] for metric, (num, den, open_) in values.items()}
            return
        _add_entries(sums, values)

    def _add_samples(self, bucket: Bucket, samples: dict[str, Counter[int]]) -> None:
        cell = self.samples.get(bucket)
        if cell is None:
            cell = self.samples[bucket] = {}
        for metric, counter in samples.items():
            held = cell.get(metric)
            if held is None:
                cell[metric] = Counter(counter)
            else:
                held.update(counter)

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
            self._add_sums(bucket, metrics)
        for bucket, counters in other.samples.items():
            self._add_samples(bucket, counters)

    def pack(self) -> bytes:
        """Each cell's metrics as msgpack maps of the tally's own dicts (packed in C, not rebuilt as lists first:
        a worker packs every changed partnership's tallies several times a second); `_FORMAT` first."""
        sums = [[bucket[0].value, bucket[1], metrics] for bucket, metrics in self.sums.items()]
        samples = [[bucket[0].value, bucket[1], counters] for bucket, counters in self.samples.items()]
        packed: bytes = msgpack.packb([_FORMAT, sums, samples], use_bin_type=True)
        return packed

    @classmethod
    def unpack(cls, raw: bytes) -> Tally:
        """A tally packed by `pack`, or in the first format (`[sums, samples]`, each metric a list), as tallies
        written before it was replaced are (live_tallies rows, roll-up parts on their topic)."""
        found = msgpack.unpackb(raw, raw=False, strict_map_key=False)
        tally = cls()
        if len(found) == 3 and found[0] == _FORMAT:
            for dim, name, metrics in found[1]:
                tally.sums[(Dimension(dim), name)] = metrics
            for dim, name, counters in found[2]:
                tally.samples[(Dimension(dim), name)] = {m: Counter(c) for m, c in counters.items()}
            return tally
        sums, samples = found
        for dim, name, metrics in sums:
            tally.sums[(Dimension(dim), name)] = {m: [n, d, o] for m, n, d, o in metrics}
        for dim, name, metrics in samples:
            tally.samples[(Dimension(dim), name)] = {m: Counter(dict(pairs)) for m, pairs in metrics}
        return tally


def _add_entries(sums: dict[str, list[int]], values: Mapping[str, Sequence[int]]) -> None:
    for metric, (num, den, open_) in values.items():
        entry = sums.get(metric)
        if entry is None:
            sums[metric] = [num, den, open_]
        else:
            entry[0] += num
            entry[1] += den
            entry[2] += open_


def _difference(old: Mapping[str, Sequence[int]], new: Mapping[str, Sequence[int]]) -> dict[str, tuple[int, int, int]]:
    """What adding `new` after subtracting `old` adds to a cell: each metric that differs, and each metric new to
    the share (its entry is made even at zero, as `add` makes it), in the order `add` would make them."""
    moved: dict[str, tuple[int, int, int]] = {}
    for metric, (num, den, open_) in new.items():
        before = old.get(metric)
        if before is None:
            moved[metric] = (num, den, open_)
        elif before[0] != num or before[1] != den or before[2] != open_:
            moved[metric] = (num - before[0], den - before[1], open_ - before[2])
    for metric, (num, den, open_) in old.items():
        if metric not in new and (num or den or open_):
            moved[metric] = (-num, -den, -open_)
    return moved
