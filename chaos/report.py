"""The chaos run's tables: what was struck and what the audit found, as rich tables and as Markdown."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.table import Table

from chaos.run import ChaosResult

COLUMNS = ("kills", "restarts", "facts", "accepted", "lost", "duplicated", "DLQ")
COMPONENT_COLUMNS = ("component", "SIGKILLed", "restarted")


def row(result: ChaosResult) -> tuple[str, ...]:
    a, dead = result.audit, result.dead_letters
    dlq = f"{dead.total} ({len(dead.poisoned)} of {result.expected_dead_letters} poisoned, {len(dead.other)} other)"
    return (
        str(sum(result.tally.kills.values())),
        str(sum(result.tally.restarts.values())),
        str(a.facts),
        str(a.accepted),
        str(len(a.lost)),
        str(len(a.duplicated)),
        dlq,
    )


def component_rows(result: ChaosResult) -> list[tuple[str, ...]]:
    kills, restarts = result.tally.kills, result.tally.restarts
    return [(name, str(kills[name]), str(restarts[name])) for name in sorted(set(kills) | set(restarts))]


def details(result: ChaosResult) -> list[str]:
    a, c = result.audit, result.comparison
    live = sum(t.compared for name, t in c.paths.items() if name.startswith("live"))
    past = sum(t.compared for name, t in c.paths.items() if name[:1].isdigit())
    past_days = len({name.split()[0] for name in c.paths if name[:1].isdigit()})
    mismatching = ", ".join(f"{name} {len(t.mismatches)}" for name, t in c.paths.items() if t.mismatches)
    return [
        f"figures compared with the ground truth: {live:,} live and {past:,} as of {past_days} past dates (both"
        f" metric versions), {c.checked:,} checks in all with targets, members and alerts; mismatches:"
        f" {len(c.mismatches)}" + (f" ({mismatching})" if mismatching else ""),
        *(f"first mismatch: {m.describe()}" for m in c.mismatches[:1]),
        f"facts: {a.facts:,} commands posted once each by the client (the scenario's {result.facts:,} facts and its"
        f" parties); accepted means a 2xx answer; a 4xx final answer {a.refused} (applied anyway:"
        f" {len(a.refused_but_applied)}); 5xx {a.server_errors}; unanswered {a.unanswered}",
        f"HTTP answers the client got, by status (None: connection refused or cut): {result.statuses};"
        f" {result.drive.retries:,} retries with the same Idempotency-Key",
        f"outbox: {a.unpublished} unpublished, {a.refused_by_broker} refused by the broker; records the relays"
        f" published twice (killed between publish and mark) and the consumers absorbed: {a.copies}",
        f"learner lag at the end: {a.lag}",
        f"dead letters: {result.dead_letters.total} records, every one a poison (each poison once per consumer"
        f" group that reads its topic, copies included); {result.dead_letters_missing} expected missing",
        f"{result.seconds / 60:.1f} minutes in all; {'PASSED' if result.passed else 'FAILED'}",
    ]


def tables(result: ChaosResult) -> list[Table]:
    summary = Table(*COLUMNS, title="make chaos")
    summary.add_row(*row(result))
    components = Table(*COMPONENT_COLUMNS, title="strikes")
    for cells in component_rows(result):
        components.add_row(*cells)
    return [summary, components]


def _markdown_table(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    return [
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        *("| " + " | ".join(r) + " |" for r in rows),
    ]


def markdown(result: ChaosResult, machine: str) -> str:
    s = result.settings
    lines = [
        "## Chaos",
        "",
        f"`make chaos`, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine}: the scaled scenario (seed {s.seed},"
        f" {result.facts:,} facts) posted through the stage services' APIs, its history through the operator import,"
        f" as `cycle simulate` does, while each stage service (with its outbox relay and learners) and the"
        f" assessment worker were SIGKILLed {s.plan.kills} times at random moments, the broker killed and"
        f" restarted {s.plan.broker_restarts} times and PostgreSQL {s.plan.database_restarts} time"
        f" ({s.plan.database_down:.0f} s down); {s.poison} undecodable records posted into the stage topics on"
        " purpose. Every process is killed by its recorded pid; a killed or exited service is restarted at once,"
        " as a process manager would.",
        "",
        *_markdown_table(COLUMNS, [row(result)]),
        "",
        *_markdown_table(COMPONENT_COLUMNS, component_rows(result)),
        "",
        *(f"- {line}" for line in details(result)),
        "",
    ]
    return "\n".join(lines)
