"""BENCHMARKS.md and bench/results.json from one run's results."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

from bench.profiling import Profile
from bench.results import Results, Row, missed, rows
from bench.sizes import Sizes

# Where issue 12 started, from bench/RESULTS.md and `make demo` on the same kind of 2-core machine.
BEFORE = {
    "1": "seed programme over HTTP: ~170 commands/s; outbox write, 1 event per transaction: 1,196/s",
    "2": 'never driven at 100,000 students ("it would take hours")',
    "3": "assessment worker ~1,200 events/s on a quiet machine; idempotent consumer 2,147 events/s",
    "4": "not measured",
    "5": "not measured",
    "6": "not measured",
    "7": "not measured",
}


def _number(value: float, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if unit in ("×", "ratio") or abs(value) < 10:
        return f"{value:,.2f}"
    return f"{value:,.0f}"


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        found = {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name, member in vars(type(value)).items():
            if isinstance(member, property):
                found[name] = _jsonable(getattr(value, name))
        return found
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def results_json(results: Results) -> str:
    figures = [{**_jsonable(row), "ratio": _jsonable(row.ratio)} for row in rows(results)]
    return json.dumps({**_jsonable(results), "figures": figures}, indent=2, ensure_ascii=False, default=str) + "\n"


def _figure_table(found: list[Row]) -> list[str]:
    lines = ["| § | figure | value | anchor | ratio to it | goal | met |", "|---|---|---:|---|---:|---|:---:|"]
    for row in found:
        met = {True: "yes", False: "**no**", None: ""}[row.met]
        anchor = f"{row.anchor} ({_number(row.anchor_value)})" if row.anchor else ""
        ratio = _number(row.ratio, "ratio") if row.anchor else ""
        lines.append(
            f"| {row.section} | {row.figure} | {_number(row.value, row.unit)} {row.unit} | {anchor} | {ratio} "
            f"| {row.goal} | {met} |"
        )
    return lines


def _anchor_lines(r: Results) -> list[str]:
    a = r.anchors
    return [
        "| anchor | rate | how |",
        "|---|---:|---|",
        f"| Kafka ProducerPerformance | {_number(a.producer_performance.per_second)} records/s | "
        f"{a.producer_performance.count:,} records of {a.record_bytes} bytes, acks=all, idempotent, linger 5 ms |",
        f"| Kafka ConsumerPerformance | {_number(a.consumer_performance.per_second)} records/s | "
        "the same records, fetch rate (group join left out) |",
        f"| raw aiokafka produce loop | {_number(a.produce_loop.per_second)} records/s | "
        f"{a.produce_loop.count:,} of our CloudEvents records, the relay's producer settings |",
        f"| raw aiokafka consume loop | {_number(a.consume_loop.per_second)} records/s | "
        "the same records, not decoded |",
        f"| consume-and-decode loop | {_number(a.consume_and_decode.per_second)} records/s | "
        "the same records, each decoded to an Envelope (shared/messaging/codec.py) |",
        f"| bare FastAPI endpoint | {_number(a.bare_fastapi.per_second)} requests/s | uvicorn on loopback, httpx, "
        f"{r.sizes.http_concurrency} in flight; p50 {a.bare_fastapi.latency.p50_ms:.1f} ms, "
        f"p99 {a.bare_fastapi.latency.p99_ms:.1f} ms |",
        f"| bare asyncpg multi-row insert | {_number(a.asyncpg_insert.per_second)} rows/s | "
        "outbox-shaped rows, 1,000 per INSERT … SELECT FROM unnest, one transaction each |",
    ]


def _details(r: Results) -> list[str]:
    i, q, f, rb, m, s = r.ingest, r.queries, r.freshness, r.rebuild, r.memory, r.scaling
    lines = [
        "## Each measurement",
        "",
        f"**(1) Ingest** (the recruitment service, applications on {12} partnerships): one fact per request, "
        f"{i.single.facts:,} facts with {r.sizes.http_concurrency} in flight: {_number(i.single.per_second)} facts/s, "
        f"request p50 {i.single.latency.p50_ms:.0f} ms, p99 {i.single.latency.p99_ms:.0f} ms; request → topic p50 "
        f"{i.single.to_topic.p50_ms:.0f} ms, p99 {i.single.to_topic.p99_ms:.0f} ms. Bulk import, {i.bulk.facts:,} "
        f"facts in requests of {i.batch:,}: {_number(i.bulk.per_second)} facts/s into the outbox, request p50 "
        f"{i.bulk.latency.p50_ms:,.0f} ms, p99 {i.bulk.latency.p99_ms:,.0f} ms; request → topic "
        f"{_number(i.bulk.to_topic_per_second)} facts/s, per fact p50 {i.bulk.to_topic.p50_ms:,.0f} ms, p99 "
        f"{i.bulk.to_topic.p99_ms:,.0f} ms. Refused: {i.single.refused + i.bulk.refused}.",
        "",
    ]
    if r.scenario is not None:
        sc = r.scenario
        lines += [
            f"**(2) Scaled programme end to end**: {sc.students:,} students, {sc.facts:,} facts, {sc.commands:,} "
            f"commands posted over HTTP in {sc.drive_seconds:,.0f} s ({_number(sc.commands_per_second)} commands/s) "
            f"with {r.sizes.http_concurrency} in flight; assessment had caught up (its figures stopped changing) "
            f"{sc.end_to_end_seconds:,.0f} s after the first post; at 100,000 students, in proportion: "
            f"{sc.projected_seconds / 60:,.0f} min. {sc.checked:,} figures compared with the ground truth, "
            f"{sc.mismatches:,} differ, {sc.failures} facts not recorded."
            + (f" First differences: {'; '.join(sc.first_mismatches)}." if sc.first_mismatches else ""),
            "",
        ]
    else:
        lines += ["**(2) Scaled programme end to end**: not run (BENCH_STUDENTS=0).", ""]
    lines += [
        f"**(3) Rebuild** of {rb.events:,} events ({r.memory.students:,} students) from the start of the topics with "
        f"`rebuild()` (`cycle assessment rebuild`): {rb.seconds:,.1f} s from the command's start to the new "
        f"generation active, {_number(rb.per_second)} events/s overall and {_number(rb.steady_per_second)} "
        f"events/s steady (10% to 90% flushed), {rb.steady_per_second / r.anchors.consume_and_decode.per_second:.1%}"
        " of the consume-and-decode loop.",
        "",
        f"**(4) Freshness**: {f.sent:,} events sent at {_number(f.sent_per_second)}/s (target "
        f"{f.target_per_second:,}/s) to a running worker (flush every {f.flush_seconds:g} s): event to queryable "
        f"figure p50 {f.latency.p50_ms:,.0f} ms, p99 {f.latency.p99_ms:,.0f} ms, max {f.latency.max_ms:,.0f} ms.",
        "",
        f"**(5) Figure queries** over HTTP, one at a time, {q.partnerships:,} partnerships in the store "
        f"({q.figure_rows:,} figure rows, {q.record_rows:,} records; built in {q.build_seconds:,.0f} s):",
        "",
        "| query | samples | p50 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|",
        *[
            f"| {k.name} | {k.latency.count} | {k.latency.p50_ms:,.1f} | {k.latency.p99_ms:,.1f} | "
            f"{k.latency.max_ms:,.1f} |"
            for k in q.kinds
        ],
        "",
        f"(the large partnership has {q.large_students:,} students; the others {r.sizes.students_per_partnership}.)",
        "",
        f"**(6) Memory**: the rebuild worker held {m.resident_bytes / 2**20:,.0f} MiB resident with {m.students:,} "
        f"students; each further event kept {_number(m.bytes_per_event)} bytes, "
        f"{_number(m.bytes_per_student)} bytes per student; at 100,000 students that is "
        f"{m.bytes_per_student * 100_000 / 2**20:,.0f} MiB above the worker's fixed size. Where it goes (tracemalloc "
        f"on the worker's own structures, {r.memory_parts.students:,} students): records table "
        f"{_number(r.memory_parts.per_student(r.memory_parts.table_bytes))} bytes per student, the engine's unpacked "
        f"records {_number(r.memory_parts.per_student(r.memory_parts.records_bytes))}, its per-student shares of "
        f"every metric version {_number(r.memory_parts.per_student(r.memory_parts.shares_bytes))}.",
        "",
        f"**(7) One versus two workers** on {s.cores} cores: one {_number(s.one.steady_per_second)} events/s steady "
        f"({s.one.seconds:,.0f} s in all, machine {s.one.machine_busy:.0%} busy), two "
        f"{_number(s.two.steady_per_second)} events/s ({s.two.seconds:,.0f} s, machine {s.two.machine_busy:.0%} "
        f"busy): {s.speedup:.2f}×."
        + (
            " The machine was nearly saturated with one worker (the broker and PostgreSQL share its cores), so a "
            "second worker had no idle core to use: this machine cannot show the scaling; a machine with a core per "
            "worker can."
            if s.one.machine_busy > 0.85 and s.speedup < 1.6
            else ""
        ),
        "",
    ]
    return lines


def _profile_lines(profile: Profile) -> list[str]:
    if profile.error:
        return [f"- {profile.label}: no profile ({profile.error})."]

    def listed(shares: list[Any]) -> str:
        return "; ".join(f"{s.name} {s.share:.0%}" for s in shares[:6])

    return [
        f"- **{profile.label}** ({profile.samples:,} samples): waiting for I/O {profile.idle:.0%}; "
        f"running in: {listed(profile.by_library)}.",
        f"  Our code on the stack: {listed(profile.our_functions)}.",
    ]


def _sizes_lines(sizes: Sizes) -> list[str]:
    lines = ["| BENCH_… | value |", "|---|---:|"]
    lines += [f"| {f.name.upper()} | {getattr(sizes, f.name):,} |" for f in dataclasses.fields(sizes)]
    return lines


def markdown(r: Results, notes: list[str]) -> str:
    found = rows(r)
    missed_rows = missed(r)
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (bench/) on {r.started} UTC in {r.seconds / 60:,.1f} minutes; the numbers are in "
        "bench/results.json as well. Every figure was measured in this one run, on one broker and one database, "
        "beside the anchor it is divided by.",
        "",
        f"**Machine**: {r.machine.describe()}. PostgreSQL runs as `cycle up` runs it (fsync off, "
        "synchronous_commit off); 12 partitions per topic; services under uvicorn on loopback, as `cycle up` starts "
        "them.",
        "",
        "## Anchors",
        "",
        *_anchor_lines(r),
        "",
        "## Each figure beside its anchor and its goal",
        "",
        *_figure_table(found),
        "",
        *_details(r),
        "## Where the time goes",
        "",
    ]
    if not missed_rows:
        lines += ["Every goal was met.", ""]
    for label in dict.fromkeys(row.profile for row in missed_rows if row.profile):
        profile = r.profiles.get(label)
        figures = ", ".join(row.figure for row in missed_rows if row.profile == label)
        lines += [f"Missed: {figures}."]
        lines += _profile_lines(profile) if profile else ["- not profiled (BENCH_PROFILE=0)."]
        lines += [""]
    lines += [*notes, "", "## Before and after", "", "| § | before (issue 12) | this run |", "|---|---|---|"]
    for section, before in BEFORE.items():
        now = "; ".join(f"{row.figure}: {_number(row.value, row.unit)} {row.unit}" for row in found
                        if row.section == section)  # fmt: skip
        lines.append(f"| {section} | {before} | {now} |")
    lines += ["", "## Sizes of this run", "", *_sizes_lines(r.sizes), ""]
    return "\n".join(lines)


def write(r: Results, notes: list[str], markdown_path: Path, json_path: Path) -> None:
    markdown_path.write_text(markdown(r, notes))
    json_path.write_text(results_json(r))


def findings(r: Results) -> list[str]:
    """What the numbers themselves say about a missed goal, beside the profiles."""
    notes: list[str] = []
    f = r.freshness
    if f.latency.p99_ms >= 500 and f.flush_seconds * 1000 >= 250:
        notes.append(
            f"- Freshness: the worker writes figures on a timer (ASSESSMENT_FLUSH_SECONDS = {f.flush_seconds:g} s), "
            "so an event waits up to a whole interval, plus the flush itself, before its figures can be read: "
            f"p99 cannot fall below about {f.flush_seconds * 1000:,.0f} ms at that setting, whatever the code costs."
        )
    kinds = {k.name: k.latency for k in r.queries.kinds}
    if "roll-up as-of" in kinds and kinds["roll-up as-of"].p99_ms >= 10:
        notes.append(
            f"- Roll-up as of a date ({kinds['roll-up as-of'].p50_ms:,.0f} ms at p50): services/assessment/queries.py "
            f"`rollup_as_of` reads and unpacks the partnership record of every one of the {r.queries.partnerships:,} "
            "partnerships to find the members on D, then recomputes the pooled figures from all their records: it "
            "grows with the whole store, not with the roll-up asked for."
        )
    if "as-of" in kinds and "as-of, large partnership" in kinds:
        small, large = kinds["as-of"].p50_ms, kinds["as-of, large partnership"].p50_ms
        notes.append(
            f"- As of a date, a partnership's figures are recomputed from its records at each request: "
            f"{small:,.0f} ms at p50 for {r.sizes.students_per_partnership} students, {large:,.0f} ms for "
            f"{r.queries.large_students:,}; the cost grows with the partnership's students."
        )
    parts = r.memory_parts
    if r.memory.bytes_per_student > 1024:
        notes.append(
            f"- Memory ({_number(r.memory.bytes_per_student)} bytes per student): the packed records table holds "
            f"{_number(parts.per_student(parts.table_bytes))} bytes per student; the rest is the live engine "
            "(services/assessment/engine.py), which keeps every student's facts unpacked as Python objects "
            f"({_number(parts.per_student(parts.records_bytes))} bytes) and, per metric version, the student's "
            f"share of every figure to subtract and re-add on the next event "
            f"({_number(parts.per_student(parts.shares_bytes))} bytes)."
        )
    i = r.ingest
    if i.bulk.per_second < 5000:
        notes.append(
            f"- Bulk import ({_number(i.bulk.per_second)} facts/s): shared/application/importing.py runs each fact "
            "through the pipeline in its own transaction (idempotency lookup, state read, rules, state write, outbox "
            "row, NOTIFY, idempotency row, commit), so a request of thousands of facts costs thousands of "
            "sequential round trips; the set-based bulk path of issue 12 replaces exactly that, and this benchmark "
            "measures it through the same request when it lands."
        )
    return notes
