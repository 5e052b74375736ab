"""Where a worker's memory per student goes, measured with tracemalloc in this process on the worker's own data
structures: the records table (packed records keyed by record key, as faust's memory:// table holds them), the
engine's unpacked records, and the engine's per-student shares of every metric version once figures are rendered.
"""

from __future__ import annotations

import gc
import tracemalloc
from dataclasses import dataclass

from bench.workload import BUSINESS_DATE, programme
from services.assessment.engine import LiveEngine
from services.assessment.metrics.clock import AsOf
from services.assessment.records import Applied, Record, RecordKey, place


@dataclass(frozen=True)
class Memory:
    """(6) Resident memory of one worker holding every student of the stream, beside one holding none."""

    students: int
    events: int
    resident_bytes: int  # settled on the whole stream, then idle for a moment
    idle_bytes: int  # started on empty topics, partitions claimed, idle

    @property
    def bytes_per_student(self) -> float:
        return (self.resident_bytes - self.idle_bytes) / self.students if self.students else float("nan")


@dataclass(frozen=True)
class MemoryBreakdown:
    students: int
    table_bytes: int  # the records table: packed records under their keys
    records_bytes: int  # the engine's unpacked records
    shares_bytes: int  # the engine's shares and tallies after rendering every partnership's figures

    def per_student(self, part: int) -> float:
        return part / self.students if self.students else float("nan")


def _traced() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def memory_breakdown(students: int) -> MemoryBreakdown:
    events = programme(students).events
    tracemalloc.start()
    try:
        start = _traced()
        table: dict[bytes, bytes] = {}
        for envelope in events:
            placed = place(envelope, lambda key: Record.unpack(key, table.get(key.encode())))
            if placed is not None and placed[1] is Applied.NEW:
                table[placed[0].key.encode()] = placed[0].pack()
        packed = _traced()
        engine = LiveEngine(AsOf.of(BUSINESS_DATE))
        for raw_key, raw in table.items():
            key = RecordKey.decode(raw_key)
            engine.load(Record.unpack(key, raw))
        loaded = _traced()
        for pid in list(engine.partnerships):
            engine.figures(pid)
        rendered = _traced()
    finally:
        tracemalloc.stop()
    return MemoryBreakdown(students, packed - start, loaded - packed, rendered - loaded)
