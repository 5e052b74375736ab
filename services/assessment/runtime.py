"""The worker's loop bodies, apart from faust: handle one record, rebuild after recovery, flush live figures.

`handle` writes only to the records/roll-up tables (faust changelogs them on the event's own partition) and the
in-memory engine. `flush` runs on a timer: it renders the figures of changed partnerships, publishes what moved
(figures topic, alerts topic, roll-up parts re-keyed by parent) and writes the read side to PostgreSQL.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import structlog

from services.assessment.closed_answers import EVERY
from services.assessment.engine import LiveEngine
from services.assessment.facts import epoch_micros
from services.assessment.metrics.catalog import CURRENT_VERSION
from services.assessment.metrics.clock import AsOf, day_start
from services.assessment.metrics.figures import Figure
from services.assessment.metrics.tally import Tally
from services.assessment.metrics.targets import evaluate
from services.assessment.publishing import FigureMessages, Message, pack_part, target_alert, unpack_part
from services.assessment.queries import with_moves
from services.assessment.records import Applied, Record, RecordKey, place
from services.assessment.settings import AssessmentSettings
from services.assessment.snapshots import due_periods, frozen_rollups, period_of, rollup_members, snapshot_figures
from services.assessment.store import AssessmentStore, FigureKey, FlushBatch, LiveTally, Reading
from shared.contracts.registry import ALERTS_TOPIC, FIGURES_TOPIC, dead_letter_topic
from shared.messaging.codec import UndecodableEvent, decode
from shared.messaging.topics import key_partition

log = structlog.get_logger(__name__)
Send = Callable[[str, list[Message]], Awaitable[None]]
Headers = Iterable[tuple[str, bytes]] | dict[str, bytes] | None
_FIRST_RETRY_SECONDS, _LAST_RETRY_SECONDS = 0.05, 5.0
_SEND_CHUNK = 2_000  # figures
_READINGS: dict[Reading, Reading] = {}
_READINGS_KEPT = 1_000_000
_ANSWERING_SECONDS = 5.0
_DAY_MICROS = 86_400_000_000  # a business day in Asia/Shanghai, which keeps no daylight saving time
FIGURES_PER_MESSAGE = 1_000  # FiguresChanged.figures' limit: about 170 KB a record


def interned(reading: Reading) -> Reading:
    """One object for all equal readings. The worker keeps every figure's last published reading to compare the next
    flush's with, and most figures read one of a few values (0 of 0, 1 of 2, ...): kept each in its own objects, the
    readings were most of the worker's memory per student (bench (6))."""
    if len(_READINGS) >= _READINGS_KEPT:
        _READINGS.clear()  # those kept still hold their objects; only sharing starts over
    return _READINGS.setdefault(reading, reading)


def _packed(scope: str, tallies: dict[int, Tally], day: date) -> list[LiveTally]:
    return [(scope, number, day, tally.pack()) for number, tally in tallies.items()]


def partition_of(partnership_id: UUID, partitions: int) -> int:
    """The partition of a partnership key, as the producers pick it."""
    return key_partition(str(partnership_id).encode(), partitions)


@dataclass
class Turns:
    """Lets a long loop of a flush give way every `every` seconds: a flush renders and compares tens of thousands
    of figures, seconds of work, and without a turn the events read meanwhile and the live flush waited for all of
    it (the agent takes every record its stream holds in one turn). For a worker whose figures queries read, while
    records arrive (`reading` moved since the last turn), a turn lasts as long as the work before it, so the flush
    takes at most half of its time and the live figures keep their pace (at 1,000 events/s a flush of 2 to 3 s
    pushed the freshness p99 from about 0.5 s to over 1 s); otherwise (`reading` None: a rebuild's generation,
    which no query reads yet) the loop goes on at once."""

    reading: Callable[[], int] | None = None
    every: float = 0.02
    since: float = field(default_factory=time.monotonic)
    read: int | None = None

    async def given(self, still: Callable[[], bool]) -> bool:
        """Whether the loop may go on (`still()`, asked after a turn given; true when none was)."""
        if time.monotonic() - self.since < self.every:
            return True
        reading = self.reading() if self.reading is not None else None
        await asyncio.sleep(self.every if self.read is not None and reading != self.read else 0)
        self.since, self.read = time.monotonic(), reading
        return still()


@dataclass
class Counters:
    applied: int = 0
    duplicates: int = 0
    conflicts: int = 0
    ignored: int = 0
    dead_lettered: int = 0
    published: int = 0


@dataclass
class Assessor:
    settings: AssessmentSettings
    store: AssessmentStore
    records: MutableMapping[bytes, bytes]
    rollups: MutableMapping[bytes, bytes]
    send: Send
    engine: LiveEngine = field(init=False)
    counters: Counters = field(default_factory=Counters)
    ready: bool = False
    _offsets: dict[tuple[str, int], int] = field(default_factory=dict)
    _unsaved: set[RecordKey] = field(default_factory=set)
    _published: dict[str, dict[FigureKey, Reading]] = field(default_factory=dict)
    _targets: dict[UUID, bool | None] = field(default_factory=dict)
    owner: str = field(default_factory=lambda: uuid4().hex)
    partitions: set[int] = field(default_factory=set)
    fenced: set[int] = field(default_factory=set)  # held in the group, owned by another worker in PostgreSQL
    group_generation: int = -1
    read: int = 0  # records handed to `handle`, whatever became of them
    _live_progress: dict[tuple[str, int], int] = field(default_factory=dict)  # as the last live flush wrote it
    _answering: tuple[float, bool] = (float("-inf"), False)  # when it was last asked, whether queries read us
    _live_writes: asyncio.Lock = field(default_factory=asyncio.Lock)
    _late: int | None = None  # FlushBatch.late of the facts mirrored since the last flush
    _day_start: int = 0  # `_today_starts`, as last found

    def __post_init__(self) -> None:
        self.engine = LiveEngine(self.settings.live_as_of())
        self._day_start = day_start(self.engine.as_of.business_date)

    @property
    def dead_letter_topic(self) -> str:
        return dead_letter_topic("assessment", self.settings.topic_namespace)

    async def handle(
        self, topic: str, partition: int, offset: int, key: bytes | None, value: bytes | None, headers: Headers
    ) -> None:
        """Apply one record; never raises for a bad record (it goes to the dead-letter topic)."""
        try:
            if topic == self.settings.rollup_topic:
                await self._take_part(key or b"", value or b"")
            else:
                await self._take_event(headers, key, value, topic, offset)
        except UndecodableEvent as error:
            await self._dead_letter(topic, partition, offset, key, value, headers, f"undecodable: {error}")
        except Exception as error:  # a bug or an event we cannot apply: recorded, never fatal to the agent
            log.exception("assessment_event_failed", topic=topic, offset=offset)
            await self._dead_letter(topic, partition, offset, key, value, headers, f"failed: {error!r}")
        self._offsets[(topic, partition)] = offset + 1
        self.read += 1

    async def _take_event(
        self, headers: Headers, key: bytes | None, value: bytes | None, topic: str, offset: int
    ) -> None:
        pairs = headers.items() if isinstance(headers, dict) else (headers or [])
        envelope = decode(list(pairs), key, value)
        placed = place(envelope, self._load)
        if placed is None:
            self.counters.ignored += 1
            return
        record, applied = placed
        if applied is Applied.CONFLICT:
            self.counters.conflicts += 1
            log.warning(
                "assessment_conflicting_copy",
                event_id=str(envelope.id),
                partnership_id=str(envelope.partnership_id),
                topic=topic,
                offset=offset,
            )
            return
        if applied is Applied.DUPLICATE:
            self.counters.duplicates += 1
            return
        await self._keep(self.records, record.key.encode(), record.pack())
        self.engine.update(record)
        self._unsaved.add(record.key)
        self.counters.applied += 1
        recorded = epoch_micros(envelope.recorded_at)
        if recorded < self._today_starts() and (self._late is None or recorded < self._late):
            self._late = recorded

    def _today_starts(self) -> int:
        """When the business day began (epoch microseconds), by the wall clock, not by the engine's day, which moves
        only at a flush: a fact recorded before midnight and read after it, before any flush, is late too."""
        if self.settings.business_date is None and time.time() * 1_000_000 >= self._day_start + _DAY_MICROS:
            self._day_start = day_start(self.settings.live_as_of().business_date)
        return self._day_start

    def missing_before(self, topic: str, partition: int, offset: int) -> int | None:
        """The first offset of the records not handed over before `offset`, if any were not (see `streams/gaps.py`)."""
        expected = self.next_offset(topic, partition)
        return expected if expected is not None and offset > expected else None

    def next_offset(self, topic: str, partition: int) -> int | None:
        return self._offsets.get((topic, partition))

    def _load(self, key: RecordKey) -> Record:
        """A copy of the engine's record when it holds one (the table's row unpacked is the same facts, slower)."""
        held = self.engine.record(key) if self.ready else None
        if held is not None:
            return Record(key, [*held.facts])
        return Record.unpack(key, self.records.get(key.encode()))

    async def _take_part(self, key: bytes, value: bytes) -> None:
        part = unpack_part(value)
        parent = UUID(key.decode())
        await self._keep(self.rollups, parent.bytes + part.child.bytes, value)
        self.engine.receive_part(parent, part)

    async def _keep(self, table: MutableMapping[bytes, bytes], key: bytes, value: bytes) -> None:
        """Write a table row, retrying until faust takes it: a sound record whose row is not written is lost, so it
        must not go to the dead-letter topic (issue 14: every roll-up part was, while faust refused the writes).

        faust refuses a write when it cannot place the row on its changelog (PartitionsMismatch while its metadata
        lists the changelog without partitions); that passes when its metadata refreshes.
        """
        delay = _FIRST_RETRY_SECONDS
        while True:
            try:
                table[key] = value
                return
            except Exception as error:  # retried whatever it is: the record itself was sound
                log.warning("assessment_table_write_retried", error=repr(error), retry_in=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, _LAST_RETRY_SECONDS)

    async def _dead_letter(
        self,
        topic: str,
        partition: int,
        offset: int,
        key: bytes | None,
        value: bytes | None,
        headers: Headers,
        reason: str,
    ) -> None:
        pairs = list(headers.items() if isinstance(headers, dict) else (headers or []))
        pairs += [
            ("dlq_reason", reason.encode()[:4000]),
            ("dlq_topic", topic.encode()),
            ("dlq_partition", str(partition).encode()),
            ("dlq_offset", str(offset).encode()),
            ("dlq_failed_at", datetime.now(UTC).isoformat().encode()),
        ]
        await self.send(self.dead_letter_topic, [(key or b"", value or b"", pairs)])
        self.counters.dead_lettered += 1
        log.error("assessment_dead_lettered", topic=topic, offset=offset, reason=reason)

    async def recovered(
        self, owned: set[int], group_generation: int, positions: dict[tuple[str, int], int] | None = None
    ) -> None:
        """Rebuild the engine from the tables for the partitions the group gave this worker in `group_generation`.

        `positions` are the group's committed offsets: every event before them is in the recovered tables, so
        the first flush after recovery may report them as progress even when no later event arrives. They are
        where faust reads from again, so they are what the next record is expected at, even when this worker read
        further before: a record faust drops after its seek is then a gap (`streams/gaps.py`), which is filled and
        acknowledged; expected further on, the dropped records were acknowledged by nothing, and faust's commit
        stopped below them for good while the worker read on (the chaos test's group kept a lag of 434).
        """
        if group_generation < self.group_generation:
            return  # a recovery for a newer assignment has started; this one is stale
        self.ready, self.group_generation = False, group_generation
        self.partitions, self.fenced = set(owned), set()
        self._offsets.update(positions or {})
        await self.store.claim(self.settings.generation, self.owner, group_generation, owned)
        self.engine.clear()
        self._unsaved.clear()
        self._late = EVERY  # the facts mirrored late before this recovery are not known: every closed answer goes
        partitions = self.settings.topic_partitions
        for raw_key, raw in list(self.records.items()):
            key = RecordKey.decode(raw_key)
            if partition_of(key.partnership_id, partitions) in owned:
                self.engine.load(Record.unpack(key, raw))
                self._unsaved.add(key)
        for raw_key, raw in list(self.rollups.items()):
            parent = UUID(bytes=raw_key[:16])
            if partition_of(parent, partitions) in owned:
                self.engine.receive_part(parent, unpack_part(raw))
        scopes = [f"partnership:{p}" for p in self.engine.partnerships]
        scopes += [f"rollup:{p}" for p in self.engine.rollups]
        published = await self.store.published(self.settings.generation, scopes)
        self._published = {}
        for figure_key, reading in published.items():
            self._published.setdefault(figure_key[0], {})[figure_key] = interned(reading)
        self._targets = await self.store.target_states(self.settings.generation)
        self.ready = True
        log.info("assessment_recovered", partitions=sorted(owned), partnerships=len(self.engine.partnerships))

    def next_offsets(self) -> dict[tuple[str, int], int]:
        """The next offset this worker will handle in each source partition it has read or recovered."""
        return dict(self._offsets)

    def progress(self) -> dict[str, object]:
        """What an operator reads in the worker's log to see it move: counters, partitions, next offsets."""
        return {
            **vars(self.counters),
            "partitions": sorted(self.partitions),
            "fenced": sorted(self.fenced),
            "next_offsets": {
                f"{topic}-{partition}": offset for (topic, partition), offset in sorted(self._offsets.items())
            },
        }

    async def flush(self) -> int:
        """Publish and store what changed since the last flush; returns how many figures moved."""
        if not self.ready:
            return 0
        previous_day = self.engine.as_of.business_date
        self.engine.move_to(self.settings.live_as_of())
        dirty, self.engine.dirty = self.engine.dirty, set()
        dirty_rollups, self.engine.dirty_rollups = self.engine.dirty_rollups, set()
        batch = FlushBatch(progress=dict(self._offsets))
        unsaved, self._unsaved = self._unsaved, set()
        batch.late, self._late = self._late, None
        batch.records = [(key, self.records[key.encode()]) for key in unsaved if key.encode() in self.records]
        # The partnerships' tallies first, in a transaction of their own: held in the flush's until its end (seconds
        # later), they were missing while a live flush meanwhile wrote progress that claimed their events.
        recovery = self.group_generation
        await self._write_live()
        rendered: dict[str, list[Figure]] = {}
        partial: set[str] = set()
        parts = []
        turn = Turns((lambda: self.read) if self._answering[1] else None)
        for pid in dirty | (dirty_rollups & set(self.engine.partnerships)):
            if not await turn.given(lambda: self.ready and self.group_generation == recovery):
                return 0  # a recovery began meanwhile: it rebuilds the engine and marks every scope changed
            rendered[f"partnership:{pid}"], whole = self.engine.changed_figures(pid)
            if not whole:
                partial.add(f"partnership:{pid}")
            part = self.engine.upward_part(pid)
            if part is not None:
                parts.append(part)
        for parent in dirty_rollups:
            if not await turn.given(lambda: self.ready and self.group_generation == recovery):
                return 0
            pooled = self.engine.rollup_tallies(parent)
            rendered[f"rollup:{parent}"] = self.engine.rollup_figures(parent, pooled)
            batch.tallies += _packed(f"rollup:{parent}", pooled, self.engine.as_of.business_date)
        alerts = self._alerts(dirty | (dirty_rollups & set(self.engine.partnerships)), rendered)
        batch.targets = [state for _, state in alerts]
        # Fencing (migration 0002): after a rebalance, the previous owner's late flush must not publish or
        # overwrite figures of partitions it lost; the write below re-checks ownership in its transaction.
        owned = await self.store.owned(self.settings.generation, self.owner)
        self.fenced = self.partitions - owned
        # Sent a few thousand at a time: a flush after a long read moves tens of thousands of figures, and their
        # records all held at once made the worker's resident memory (bench (6)) as large as its state.
        async for messages in self._changes(rendered, partial, batch, turn):
            await self.send(self.settings.topic_namespace + FIGURES_TOPIC, self._owned(messages, owned))
        await self.send(
            self.settings.rollup_topic,
            [
                (str(parent).encode(), pack_part(part), [])
                for part in parts
                if self._partition(part.child) in owned
                for parent in {p for _, p in part.history}
            ],
        )
        await self.send(self.settings.topic_namespace + ALERTS_TOPIC, self._owned([m for m, _ in alerts], owned))
        written = await self.store.write_flush(self.settings.generation, self.owner, batch, self._partition)
        self.counters.published += len(written.figures) + len(written.removed)
        await self._freeze_due(previous_day, owned)
        return len(written.figures) + len(written.removed)

    async def flush_live(self) -> int:
        """Write the tallies of the scopes changed since the last live flush or flush, and how far they count;
        returns how many tallies were written. Cheap beside `flush` (a tally a scope and metric version, not a row a
        figure), so it runs often and live answers (rendered from the tallies) follow the events closely."""
        if not self.ready or not await self._answers_queries():
            return 0
        return await self._write_live()

    async def _write_live(self) -> int:
        async with self._live_writes:  # the live timer's and a flush's: one at a time, in the order they read
            batch = FlushBatch(progress=dict(self._offsets))
            self._read_live(batch)
            if not batch.tallies and batch.progress == self._live_progress:
                return 0
            written = await self.store.write_live(self.settings.generation, self.owner, batch, self._partition)
            self._live_progress = batch.progress
            return len(written.tallies)

    async def _answers_queries(self) -> bool:
        """Whether queries read this worker's generation (asked again after `_ANSWERING_SECONDS`): a rebuild's new
        generation answers none until it is activated, so it reads at the pace of its flushes alone, whose tallies
        are all there when it is."""
        asked, answering = self._answering
        if time.monotonic() - asked >= _ANSWERING_SECONDS:
            generation = self.settings.generation
            answering = await self.store.active_generation(generation) == generation
            self._answering = (time.monotonic(), answering)
        return answering

    def _read_live(self, batch: FlushBatch) -> None:
        """The tallies of every partnership changed since they were last read, packed into `batch` (a roll-up's
        are read where the flush renders its figures: its members' parts move only at their flushes)."""
        pids, self.engine.live_dirty = self.engine.live_dirty, set()
        day, batch.read_at = self.engine.as_of.business_date, datetime.now(UTC)
        for pid in pids:
            batch.tallies += _packed(f"partnership:{pid}", self.engine.tallies(pid), day)

    def _partition(self, partnership_id: UUID) -> int:
        return partition_of(partnership_id, self.settings.topic_partitions)

    def _owned(self, messages: list[Message], owned: set[int]) -> list[Message]:
        return [m for m in messages if key_partition(m[0], self.settings.topic_partitions) in owned]

    async def _changes(
        self, rendered: dict[str, list[Figure]], partial: set[str], batch: FlushBatch, turn: Turns
    ) -> AsyncIterator[list[Message]]:
        """The FiguresChanged records of what moved, in lists of about `_SEND_CHUNK` figures. A scope in `partial`
        was rendered only where it changed: the figures it lacks stand as published."""
        messages: list[Message] = []
        carried = 0
        writer = FigureMessages(self.settings.generation, datetime.now(UTC))
        for scope, figures in rendered.items():
            await turn.given(lambda: True)
            changes = self._moved(scope, figures, scope in partial, batch)
            for start in range(0, len(changes), FIGURES_PER_MESSAGE):
                messages.append(writer.changed(changes[start : start + FIGURES_PER_MESSAGE]))
            carried += len(changes)
            if carried >= _SEND_CHUNK:
                yield messages
                messages, carried = [], 0
        yield messages

    def _moved(self, scope: str, figures: list[Figure], partial: bool, batch: FlushBatch) -> list[tuple[Figure, bool]]:
        """The figures of `scope` whose reading is not the one published, each with whether it is gone; noted in
        `batch` and taken as published."""
        before = self._published.get(scope, {})
        now = {f.key: interned(f.reading) for f in figures}
        moved = [(figure, False) for figure in figures if before.get(figure.key) != figure.reading]
        batch.figures.extend(figure for figure, _ in moved)
        if partial:
            self._published.setdefault(scope, {}).update(now)
            return moved
        for key in set(before) - set(now):
            batch.removed.append(key)
            moved.append((Figure(*key, None, None, None, False, self.engine.as_of.business_date), True))
        self._published[scope] = now
        return moved

    def _alerts(
        self, dirty: set[UUID], rendered: dict[str, list[Figure]]
    ) -> list[tuple[Message, tuple[UUID, UUID, bool | None]]]:
        alerts: list[tuple[Message, tuple[UUID, UUID, bool | None]]] = []
        for pid in dirty:
            figures = [f for f in self._target_figures(pid, rendered) if f.version == CURRENT_VERSION]
            for status in evaluate(self.engine.context(pid, CURRENT_VERSION).targets, figures):
                target_id = UUID(bytes=status.target.target_id)
                before = self._targets.get(target_id)
                # A figure that turns empty between a breach and a recovery (a retracted placement) leaves the
                # last known state standing, so the recovery still raises its TargetMet (as the ground truth does).
                if status.met is None or status.met == before:
                    continue
                self._targets[target_id] = status.met
                if status.met is False or (status.met is True and before is False):
                    alerts.append(
                        (target_alert(status, pid, self.engine.as_of.business_date), (target_id, pid, status.met))
                    )
        return alerts

    def _target_figures(self, pid: UUID, rendered: dict[str, list[Figure]]) -> list[Figure]:
        """An alliance's or programme's targets measure its roll-up (the pooled students of its members)."""
        if pid not in self.engine.rollups:
            return rendered[f"partnership:{pid}"]
        if f"rollup:{pid}" not in rendered:
            rendered[f"rollup:{pid}"] = self.engine.rollup_figures(pid)
        return rendered[f"rollup:{pid}"]

    async def _freeze_due(self, previous_day: object, owned: set[int]) -> None:
        for kind, period in due_periods(previous_day, self.engine.as_of.business_date):  # type: ignore[arg-type]
            for pid, state in self.engine.partnerships.items():
                records = [state.records.partnership, *state.records.classes.values(), *state.records.students.values()]
                figures = snapshot_figures(records, period)
                await self.store.freeze(kind, period, self.settings.generation, figures)
                log.info("assessment_snapshot_frozen", kind=kind, period=period, partnership_id=str(pid))
            await self._freeze_rollups(kind, period, owned)

    async def _freeze_rollups(self, kind: str, period: str, owned: set[int]) -> None:
        """Roll-ups are frozen by the worker owning the parent's partition, as the operator's freeze does: from the
        mirrored records of the parent and of every member below it, whichever worker wrote them."""
        generation = self.settings.generation
        last_day = AsOf.of(period_of(period).last_day)
        members = rollup_members(await self.store.partnership_records(generation), last_day)
        mine = {parent: below for parent, below in members.items() if self._partition(parent) in owned}
        if not mine:
            return
        scope = set(mine).union(*mine.values())
        records = await with_moves(self.store, generation, await self.store.records(generation, scope))
        await self.store.freeze(kind, period, generation, frozen_rollups(records, period, mine))
        log.info("assessment_rollups_frozen", kind=kind, period=period, parents=sorted(map(str, mine)))
