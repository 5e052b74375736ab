"""BENCHMARKS.md and bench/results.json from one run's results."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

from bench import paragraphs
from bench.environment import GUARDS_RAISED
from bench.paragraphs import number
from bench.profiling import Profile, Share
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


RUNNING = [
    "## Running it",
    "",
    "`make bench` starts a broker and a database of its own, runs every measurement one after another, profiles "
    "those that miss their goal, stops everything it started and rewrites this file and bench/results.json; logs "
    "and py-spy profiles stay in .run/bench/. Each size above is a BENCH_<NAME> environment variable (for instance "
    "BENCH_STUDENTS=100000 drives the whole 100,000-student programme, which takes hours over HTTP single "
    "commands). BENCH_TINY=1 starts from the smoke test's sizes, BENCH_PROFILE=0 skips the profiling, "
    "BENCH_EXTERNAL=1 uses KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL instead of its own, BENCH_NOTE adds a line "
    "to the header.",
    "",
]


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
    document = {**_jsonable(results), "figures": [_jsonable(row) for row in rows(results)]}
    return json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"


def figure_table(found: list[Row]) -> list[str]:
    lines = ["| § | figure | value | anchor | ratio to it | goal | met |", "|---|---|---:|---|---:|---|:---:|"]
    for row in found:
        met = {True: "yes", False: "**no**", None: ""}[row.met]
        anchor = f"{row.anchor} ({number(row.anchor_value)})" if row.anchor else ""
        ratio = number(row.ratio, "ratio") if row.anchor else ""
        value = f"{number(row.value, row.unit)} {row.unit}"
        lines.append(f"| {row.section} | {row.figure} | {value} | {anchor} | {ratio} | {row.goal} | {met} |")
    return lines


def profile_lines(profile: Profile) -> list[str]:
    if profile.error:
        return [f"- {profile.label}: no profile ({profile.error})."]

    def listed(shares: list[Share]) -> str:
        return "; ".join(f"{s.name} {s.share:.0%}" for s in shares[:6])

    return [
        f"- **{profile.label}** ({profile.samples:,} samples at 100 Hz): waiting for I/O {profile.idle:.0%}; "
        f"running in: {listed(profile.by_library)}.",
        f"  Our code nearest the running frame (who asked for the work): {listed(profile.our_nearest)}.",
        f"  Our code on the stack: {listed(profile.our_functions)}.",
        f"  Running at the top: {listed(profile.leaves)}.",
    ]


def where_the_time_goes(r: Results) -> list[str]:
    missed_rows = missed(r)
    lines = ["## Where the time goes", ""]
    if not missed_rows:
        return [*lines, "Every goal was met.", ""]
    for label in dict.fromkeys(row.profile for row in missed_rows if row.profile):
        profile = r.profiles.get(label)
        lines.append(f"Missed: {', '.join(row.figure for row in missed_rows if row.profile == label)}.")
        lines += profile_lines(profile) if profile else ["- not profiled (BENCH_PROFILE=0, or its re-run failed)."]
        lines.append("")
    return [*lines, "What the numbers say:", "", *paragraphs.findings(r), ""]


def sizes_table(sizes: Sizes) -> list[str]:
    lines = ["| BENCH_… | value |", "|---|---:|"]
    return lines + [f"| {f.name.upper()} | {getattr(sizes, f.name):,} |" for f in dataclasses.fields(sizes)]


def before_and_after(found: list[Row]) -> list[str]:
    lines = ["## Before and after", "", "| § | before (issue 12) | this run |", "|---|---|---|"]
    for section, before in BEFORE.items():
        now = "; ".join(f"{row.figure}: {number(row.value, row.unit)} {row.unit}" for row in found
                        if row.section == section)  # fmt: skip
        lines.append(f"| {section} | {before} | {now or '—'} |")
    return [*lines, ""]


def markdown(r: Results, note: str = "") -> str:
    found = rows(r)
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (bench/) on {r.started} UTC in {r.seconds / 60:,.1f} minutes; the numbers are in "
        "bench/results.json as well. Every figure was measured in this one run, on one broker and one database, "
        "beside the anchor it is divided by." + (f" {note}" if note else ""),
        "",
        f"**Machine**: {r.machine.describe()}. PostgreSQL runs as `cycle up` runs it (fsync off, synchronous_commit "
        "off); 12 partitions per topic; every service under uvicorn on loopback, as `cycle up` starts it, with its "
        "guards raised so that they do not bound what is measured: "
        + ", ".join(f"{name}={value}" for name, value in GUARDS_RAISED.items())
        + " (the defaults allow 6,000 requests a minute per client, 1 MiB bodies and 30 s per request). While (1), "
        "(4) and (5) are timed, the bench's own cycle collector leaves alone what it held before (bench/collector.py): "
        "a full collection paused the bench, its clients and its clocks with it, for about 0.3 s.",
        "",
    ]
    if r.anchors is not None:
        lines += ["## Anchors", "", *paragraphs.anchors_table(r.anchors, r.sizes.http_concurrency), ""]
    lines += ["## Each figure beside its anchor and its goal", "", *figure_table(found), ""]
    lines += ["## Each measurement", "", *paragraphs.details(r)]
    lines += where_the_time_goes(r)
    lines += before_and_after(found)
    lines += ["## Sizes of this run", "", *sizes_table(r.sizes), "", *RUNNING]
    return "\n".join(lines)


def write(r: Results, markdown_path: Path, json_path: Path, note: str = "") -> None:
    markdown_path.write_text(markdown(r, note))
    json_path.write_text(results_json(r))
