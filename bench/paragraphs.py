"""BENCHMARKS.md's prose: a paragraph per measurement, and what the numbers themselves say about a missed goal."""

from __future__ import annotations

import math

from bench.anchors import Anchors
from bench.freshness import FIRST_SECONDS, Freshness
from bench.ingest import IN_FLIGHT, PARTNERSHIPS, SCALED_PROCESSES, Ingest, IngestPath
from bench.learners import Learning
from bench.memory import Memory, MemoryBreakdown
from bench.queries import BESIDE_ROLLUPS, Queries
from bench.rebuild import Rebuild
from bench.results import Results
from bench.scenario import Scenario
from bench.workers import Scaling
from services.assessment.closing import ClosedDay

HELD_MS = 100.0  # a send held this long by the broker explains a tail of the stream's first seconds


def number(value: float | None, unit: str = "") -> str:
    if value is None or not math.isfinite(value):
        return "—"
    if unit in ("×", "ratio") or abs(value) < 10:
        return f"{value:,.2f}"
    return f"{value:,.0f}"


def anchors_table(a: Anchors, concurrency: int) -> list[str]:
    bare = a.bare_fastapi
    return [
        "| anchor | rate | how |",
        "|---|---:|---|",
        f"| Kafka ProducerPerformance | {number(a.producer_performance.per_second)} records/s | "
        f"{a.producer_performance.count:,} records of {a.record_bytes} bytes, acks=all, idempotent, linger 5 ms |",
        f"| Kafka ConsumerPerformance | {number(a.consumer_performance.per_second)} records/s | "
        "the same records, fetch rate (group join left out) |",
        f"| raw aiokafka produce loop | {number(a.produce_loop.per_second)} records/s | "
        f"{a.produce_loop.count:,} of our CloudEvents records, the relay's producer settings |",
        f"| raw aiokafka consume loop | {number(a.consume_loop.per_second)} records/s | "
        "the same records, not decoded |",
        f"| consume-and-decode loop | {number(a.consume_and_decode.per_second)} records/s | "
        "the same records, each decoded to an Envelope (shared/messaging/codec.py) |",
        f"| bare FastAPI endpoint | {number(bare.per_second)} requests/s | uvicorn on loopback, httpx, "
        f"{concurrency} in flight; p50 {bare.latency.p50_ms:.1f} ms, p99 {bare.latency.p99_ms:.1f} ms |",
        f"| bare asyncpg multi-row insert | {number(a.asyncpg_insert.per_second)} rows/s | "
        "outbox-shaped rows, 1,000 per INSERT … SELECT FROM unnest, one transaction each |",
    ]


def ingest(i: Ingest, concurrency: int) -> str:
    s, b = i.single, i.bulk
    return (
        f"**(1) Ingest** (the recruitment service; applications to one class in each of {PARTNERSHIPS} "
        f"partnerships). One fact per request, {s.facts:,} facts with {concurrency} in flight: "
        f"{number(s.per_second)} facts/s into the outbox, request p50 {s.latency.p50_ms:,.0f} ms, p99 "
        f"{s.latency.p99_ms:,.0f} ms; request → topic p50 {s.to_topic.p50_ms:,.0f} ms, "
        f"p99 {s.to_topic.p99_ms:,.0f} ms. "
        f"Bulk import, {b.facts:,} facts in requests of {i.batch:,}: {number(b.per_second)} facts/s into the outbox, "
        f"request p50 {b.latency.p50_ms:,.0f} ms, p99 {b.latency.p99_ms:,.0f} ms; request → topic "
        f"{number(b.to_topic_per_second)} facts/s, per fact p50 {b.to_topic.p50_ms:,.0f} ms, p99 "
        f"{b.to_topic.p99_ms:,.0f} ms.{_parallel(i)}{_scaled_out(i)} Refused: "
        f"{s.refused + b.refused + _refused(i.parallel) + _refused(i.scaled_out)}."
    )


def _parallel(i: Ingest) -> str:
    p = i.parallel
    if p is None:
        return ""
    return (
        f" The same, {IN_FLIGHT} requests in flight (schools importing at once): {number(p.per_second)} facts/s into "
        f"the outbox, request p50 {p.latency.p50_ms:,.0f} ms, p99 {p.latency.p99_ms:,.0f} ms; request → topic "
        f"{number(p.to_topic_per_second)} facts/s."
    )


def _scaled_out(i: Ingest) -> str:
    p, one = i.scaled_out, i.parallel
    if p is None:
        return ""
    than = f" ({p.per_second / one.per_second:.2f}× one process)" if one is not None and one.per_second else ""
    return (
        f" Again {IN_FLIGHT} in flight, to the service run as {SCALED_PROCESSES} processes behind its port (`cycle up "
        f"--processes {SCALED_PROCESSES}`): {number(p.per_second)} facts/s into the outbox{than}, request p50 "
        f"{p.latency.p50_ms:,.0f} ms, p99 {p.latency.p99_ms:,.0f} ms; request → topic "
        f"{number(p.to_topic_per_second)} facts/s."
    )


def _refused(path: IngestPath | None) -> int:
    return path.refused if path is not None else 0


def scenario(sc: Scenario, concurrency: int) -> str:
    differences = f" First differences: {'; '.join(sc.first_mismatches)}." if sc.first_mismatches else ""
    how = (
        f"imported with their recorded_at on the bulk path (up to {sc.batch:,} facts a request, as many in flight)"
        if sc.batch
        else f"posted over HTTP as live commands ({concurrency} in flight)"
    )
    return (
        f"**(2) Scaled programme end to end**: {sc.students:,} students, {sc.facts:,} facts, {sc.commands:,} commands "
        f"{how} in {sc.drive_seconds:,.0f} s ({number(sc.commands_per_second)} commands/s); assessment had caught up "
        f"(its figures stopped changing) {sc.end_to_end_seconds:,.0f} s after the first post; at 100,000 students, "
        f"in proportion: {sc.projected_seconds / 60:,.0f} min. "
        f"{sc.checked:,} figures compared with the ground truth, {sc.mismatches:,} differ, {sc.failures} facts not "
        f"recorded.{differences}"
    )


def _of_decode_loop(per_second: float, anchors: Anchors | None) -> str:
    if anchors is None:
        return ""
    return f", {per_second / anchors.consume_and_decode.per_second:.1%} of the consume-and-decode loop"


def rebuild(rb: Rebuild, students: int, anchors: Anchors | None) -> str:
    share = _of_decode_loop(rb.steady_per_second, anchors)
    return (
        f"**(3) Rebuild** of {rb.events:,} events ({students:,} students) from the start of the topics with "
        f"`rebuild()` (`cycle assessment rebuild`): {rb.seconds:,.1f} s from the command's start to the new "
        f"generation active, {number(rb.per_second)} events/s overall and {number(rb.steady_per_second)} events/s "
        f"steady (10% to 90% flushed){share}."
    )


def learners(le: Learning, anchors: Anchors | None) -> str:
    share = _of_decode_loop(le.per_second, anchors)
    return (
        f"**(3) Learners**: the stage services' idempotent consumer (shared/messaging/consumer.py) applied the same "
        f"{le.events:,} events from the start of the topics, its handler writing one row per event, in "
        f"{le.seconds:,.1f} s (group join included): {number(le.per_second)} events/s{share}."
    )


def freshness(f: Freshness) -> str:
    return (
        f"**(4) Freshness**: {f.sent:,} events sent at {number(f.sent_per_second)}/s (target "
        f"{f.target_per_second:,}/s) to a running worker (live tallies every {f.live_seconds:g} s, figures rows "
        f"every {f.flush_seconds:g} s): event to its figures in a live answer p50 {f.latency.p50_ms:,.0f} ms, p99 "
        f"{f.latency.p99_ms:,.0f} ms, max {f.latency.max_ms:,.0f} ms.{_first_and_after(f)}{_held(f)}"
    )


def _where_freshness_waits(f: Freshness) -> str:
    """Whether the worker fell behind the stream, or keeps up and the tail is in the stream's first seconds."""
    first, after = f.first, f.after
    if f.latency.p50_ms > 1_000 * max(1.0, 2 * f.flush_seconds):
        return "the worker is at its capacity (the events wait for it to read them)."
    if first is not None and after is not None and first.p99_ms > after.p99_ms:
        return (
            f"the worker keeps up (p50 {f.latency.p50_ms:,.0f} ms), and the tail is the stream's first "
            f"{FIRST_SECONDS:g} s (p99 {first.p99_ms:,.0f} ms; {after.p99_ms:,.0f} ms after them), {_early_cause(f)}"
        )
    return f"the worker keeps up (p50 {f.latency.p50_ms:,.0f} ms), and is busy enough that some events wait for it."


def _early_cause(f: Freshness) -> str:
    held = f.held
    if held is not None and held.ms >= HELD_MS and held.at_seconds < FIRST_SECONDS:
        return (
            f"where the broker answered the sender late: a send waited {held.ms:,.0f} ms for room in its producer, "
            f"{held.at_seconds:.1f} s into the stream, and the events behind it reached the broker as late (the "
            "worker's first figures flush of the stream is due then)."
        )
    return (
        "where the stream's first figures flush runs: it moves the figures of every partnership the stream has "
        "touched and takes the worker's time for seconds, and the next waits nine times as long as it took."
    )


def _held(f: Freshness) -> str:
    if f.held is None:
        return ""
    return (
        f" The sender's longest wait for room in its producer (the broker answering late): {f.held.ms:,.0f} ms, "
        f"{f.held.at_seconds:.1f} s into the stream."
    )


def _first_and_after(f: Freshness) -> str:
    if f.first is None or f.after is None:
        return ""
    return (
        f" The events sent in the stream's first {FIRST_SECONDS:g} s: p50 {f.first.p50_ms:,.0f} ms, p99 "
        f"{f.first.p99_ms:,.0f} ms; those sent after: p50 {f.after.p50_ms:,.0f} ms, p99 {f.after.p99_ms:,.0f} ms."
    )


def queries(q: Queries, students: int) -> list[str]:
    return [
        f"**(5) Figure queries** over HTTP, one at a time, {q.partnerships:,} partnerships in the store "
        f"({q.figure_rows:,} figure rows, {q.record_rows:,} records; built in {q.build_seconds:,.0f} s); each "
        f"partnership has {students} students, the large one {q.large_students:,}:",
        "",
        "| query | samples | p50 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|",
        *[
            f"| {k.name} | {k.latency.count} | {k.latency.p50_ms:,.1f} | {k.latency.p99_ms:,.1f} | "
            f"{k.latency.max_ms:,.1f} |"
            for k in q.kinds
        ],
        *(["", _closing(q.closed)] if q.closed else []),
    ]


def _closing(c: ClosedDay) -> str:
    return (
        f"Before the closed-day kinds, `cycle assessment close-day`'s job kept the answers of {c.day} for "
        f"{c.partnerships:,} partnerships and {c.rollups:,} roll-ups ({c.kept:,} answers) in {c.seconds:,.0f} s: "
        f"{c.kept / c.seconds:,.0f} answers/s on this machine, an operator's job after midnight."
    )


def memory(m: Memory | None, parts: MemoryBreakdown | None) -> str:
    text = "**(6) Memory**:"
    if m is not None:
        text += (
            f" one worker held {m.resident_bytes / 2**20:,.0f} MiB resident with the {m.students:,} students of the "
            f"stream ({m.events:,} events) and {m.idle_bytes / 2**20:,.0f} MiB with none: "
            f"{number(m.bytes_per_student)} bytes per student; at 100,000 students, "
            f"{(m.idle_bytes + m.bytes_per_student * 100_000) / 2**20:,.0f} MiB."
        )
    if parts is not None:
        text += (
            f" Where it goes (tracemalloc on the worker's own structures, {parts.students:,} students): the records "
            f"table {number(parts.per_student(parts.table_bytes))} bytes per student, the engine's unpacked records "
            f"{number(parts.per_student(parts.records_bytes))}, its per-student shares of every metric version "
            f"{number(parts.per_student(parts.shares_bytes))}."
        )
    return text


def scaling(s: Scaling) -> str:
    reason = (
        " The machine was nearly saturated with one worker (the broker, PostgreSQL and the bench share its cores), "
        "so a second worker had no idle core to use: this machine cannot show the scaling."
        if s.one.machine_busy > 0.85 and s.speedup < 1.6
        else ""
    )
    if not reason and s.speedup < 1.6:
        reason = (
            f" The two workers used {s.two.worker_cpu_seconds / s.two.seconds:.2f} cores together: they were not"
            " short of cores, each waited on the other processes of the machine (broker, PostgreSQL) and on its"
            " share of the stream, which is split by partnership (key) over the partitions, not evenly: the"
            f" partitions of the one that held more carried {s.two.largest_share:.0%} of the events, so on this"
            f" stream two workers could be at most {s.bound:.2f}× one."
        )
    return (
        f"**(7) One versus two workers** on {s.cores} cores: one {number(s.one.steady_per_second)} events/s steady "
        f"({s.one.seconds:,.0f} s in all, machine {s.one.machine_busy:.0%} busy, the worker "
        f"{s.one.worker_cpu_seconds:,.0f} CPU s), two {number(s.two.steady_per_second)} events/s "
        f"({s.two.seconds:,.0f} s, machine {s.two.machine_busy:.0%} busy, the workers "
        f"{s.two.worker_cpu_seconds:,.0f} CPU s): {s.speedup:.2f}×.{reason}"
    )


def details(r: Results) -> list[str]:
    concurrency = r.sizes.http_concurrency
    found: list[str] = []
    found += [ingest(r.ingest, concurrency), ""] if r.ingest else []
    found += [scenario(r.scenario, concurrency), ""] if r.scenario else []
    found += [rebuild(r.rebuild, r.sizes.assess_students, r.anchors), ""] if r.rebuild else []
    found += [learners(r.learners, r.anchors), ""] if r.learners else []
    found += [freshness(r.freshness), ""] if r.freshness else []
    found += [freshness(r.freshness_light), ""] if r.freshness_light else []
    found += [*queries(r.queries, r.sizes.students_per_partnership), ""] if r.queries else []
    found += [memory(r.memory, r.memory_parts), ""] if r.memory or r.memory_parts else []
    found += [scaling(r.scaling), ""] if r.scaling else []
    for name, error in r.failures.items():
        found += [f"**{name} failed**: `{error}`", ""]
    return found


def findings(r: Results) -> list[str]:
    """What the numbers themselves say about a missed goal, beside the profiles."""
    notes: list[str] = []
    f = r.freshness
    if f is not None and f.latency.p99_ms >= 500:
        light = r.freshness_light
        at_light = (
            f" At {light.target_per_second:,} events/s the same worker answers an event live at p50 "
            f"{light.latency.p50_ms:,.0f} ms, p99 {light.latency.p99_ms:,.0f} ms."
            if light is not None
            else ""
        )
        notes.append(
            f"- Freshness: live answers are rendered from tallies the worker writes every {f.live_seconds:g} s "
            f"(ASSESSMENT_LIVE_SECONDS; the figures rows every {f.flush_seconds:g} s, ASSESSMENT_FLUSH_SECONDS, or as "
            "often as a tenth of the worker's time allows while records arrive), so the interval is not what holds "
            f"p99 up at {f.target_per_second:,} events/s: {_where_freshness_waits(f)} In its profile above, "
            "applying the records and the live flush (each changed student's share recounted, every changed scope's "
            "tally packed, five times a second) take the most of it, faust's and aiokafka's machinery much of the "
            f"rest; the figures flush, at most a tenth of its time while records arrive, less.{at_light}"
        )
    if r.queries is not None:
        notes += _query_findings(r.queries, r.sizes.students_per_partnership)
    m, parts = r.memory, r.memory_parts
    if m is not None and parts is not None and m.bytes_per_student > 1024:
        held = parts.per_student(parts.table_bytes + parts.records_bytes + parts.shares_bytes)
        notes.append(
            f"- Memory ({number(m.bytes_per_student)} bytes per student): the packed records table holds "
            f"{number(parts.per_student(parts.table_bytes))} bytes per student, the live engine "
            "(services/assessment/engine.py) every student's facts unpacked as Python objects "
            f"({number(parts.per_student(parts.records_bytes))} bytes) and, per metric version, the student's share "
            f"of every figure to subtract and re-add on the next event ({number(parts.per_student(parts.shares_bytes))}"
            f" bytes): {number(held)} bytes a student live. The other {number(m.bytes_per_student - held)} are resident"
            " but not in those structures, and not free heap the allocator kept: handing it back (`malloc_trim`) once"
            " the stream had ended left the resident size where it was (measured apart, 2026-12-01). tracemalloc over"
            " the whole worker counted about twice those structures in Python objects (every figure's last published"
            " reading kept to compare the next flush's with, the scopes' tallies, faust's and aiokafka's buffers); the"
            " rest is the allocators' partly used pages."
        )
    if r.ingest is not None and r.ingest.bulk.per_second < 5000:
        notes.append(
            f"- Bulk import ({number(r.ingest.bulk.per_second)} facts/s): the import runs 500 facts to a transaction; "
            "a chunk reads its applicants' students at once before its handlers run, so that every insert of its "
            "facts, the new students' included, is held and sent with one statement per table "
            "(shared/persistence/held.py), and its outbox, audit and idempotency rows go with one statement per table "
            "at commit (shared/persistence/batch.py), the outbox rows written without building the CloudEvents SDK's "
            "event; the request's body is parsed once. What is left is each fact's own work in Python (the command "
            "validated, the rules, the applicant's personal data sealed, its event and fingerprint): the service is "
            "bound by its CPU, PostgreSQL, the relay and the broker sharing the machine's other core."
        )
    return notes


def _query_findings(q: Queries, students: int) -> list[str]:
    kinds = {k.name: k.latency for k in q.kinds}
    notes = []
    if "roll-up as-of" in kinds and kinds["roll-up as-of"].p99_ms >= 10:
        notes.append(
            f"- Roll-up as of a date ({kinds['roll-up as-of'].p50_ms:,.0f} ms at p50): `rollup_as_of` reads only the "
            "parent's tree (partnership records keep their parents, indexed) and pools the figures from the records "
            "of every member below it, computed anew whenever a record it read has changed; it grows with the "
            "roll-up's students."
        )
    computed = kinds.get("as-of, large partnership, computed")
    if "as-of" in kinds and "as-of, large partnership" in kinds and computed is not None:
        small, kept = kinds["as-of"].p50_ms, kinds["as-of, large partnership"].p50_ms
        notes.append(
            f"- As of a date, a partnership's figures are computed from its records the first time ({small:,.0f} ms "
            f"at p50 for {students} students, {computed.p50_ms:,.0f} ms for {q.large_students:,}; the cost grows "
            f"with its students, most of it the metrics' own arithmetic; a small one on the API's event loop, a large "
            f"one split over the API's compute processes, ASSESSMENT_COMPUTE_PROCESSES, one a core) and kept: "
            f"asked again while none of its records changed, the large one answers in "
            f"{kept:,.0f} ms at p50."
        )
    beside = kinds.get(BESIDE_ROLLUPS)
    if beside is not None and "live" in kinds:
        notes.append(
            f"- Live answers while another client has roll-ups as of D computed one after another: "
            f"{beside.p50_ms:,.1f} ms at p50 and {beside.p99_ms:,.1f} at p99 (alone: {kinds['live'].p50_ms:,.1f} and "
            f"{kinds['live'].p99_ms:,.1f}). The roll-ups are computed in the API's compute processes, so its event "
            "loop does not wait for the interpreter lock meanwhile; the processes and PostgreSQL share the 2 cores."
        )
    closed = kinds.get("roll-up as-of, closed day")
    if closed is not None and "roll-up as-of" in kinds:
        notes.append(
            f"- An as-of answer whose cutoff has passed is kept in PostgreSQL for every API process once it is given "
            f"(the query does not wait for it), and forgotten "
            f"only by a worker that mirrors a fact recorded before the cutoff: a parent's roll-up of a closed day "
            f"answers in {closed.p50_ms:,.1f} ms at p50 (computed: {kinds['roll-up as-of'].p50_ms:,.0f} ms)."
        )
    if "live" in kinds and kinds["live"].p99_ms >= 10:
        notes.append(
            f"- Live figures ({kinds['live'].p50_ms:,.0f} ms at p50) are read from figures_latest, every figure of "
            "the scope in both metric versions (several hundred rows), and written as JSON from the rows (when a "
            "worker's live flush has counted more of the scope's partition than the rows, the answer is rendered from "
            "its tallies instead; this store has no progress, so its rows answer); the rest of the p99 is the "
            "machine's: one request at a time on 2 cores shared with the broker, the database and the other services."
        )
    if "live" in kinds and "live, asked again" in kinds:
        notes.append(
            f"- A live answer made from the rows is kept with the transaction that last wrote them (`figure_writes`):"
            f" a scope asked again before a flush writes it again is answered without reading its rows, "
            f"{kinds['live, asked again'].p50_ms:,.1f} ms at p50 (another scope each time: "
            f"{kinds['live'].p50_ms:,.1f} ms)."
        )
    return notes
