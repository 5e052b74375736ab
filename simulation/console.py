"""What `cycle simulate` and `cycle report` show: a progress bar per phase, the run's numbers, the figures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from simulation.compare import Comparison, number
from simulation.driver import DriveReport
from simulation.scenario import Scenario

KEY_METRICS = (  # (metric, column, shown as a percentage)
    ("classes_opened", "classes", False),
    ("enrolled", "enrolled", False),
    ("enrolled_now", "now", False),
    ("graduates", "grads", False),
    ("completion_rate", "completed", True),
    ("employment_rate", "employed", True),
    ("state_owned_placements", "SOE", False),
    ("sponsor_placement_rate", "sponsor", True),
    ("job_retention.180", "kept 180d", True),
    ("enterprise_teaching_share", "ent. hours", True),
    ("starting_wage_median", "wage", False),
)


class RichReporter:
    """The driver's progress, one bar per phase."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    @staticmethod
    def progress_bar(console: Console) -> Progress:
        return Progress(
            TextColumn("{task.description:<10}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            console=console,
        )

    def begin(self, phase: str, total: int) -> None:
        self.tasks[phase] = self.progress.add_task(phase, total=total, rate="")

    def advance(self, phase: str, n: int = 1) -> None:
        task = self.tasks[phase]
        self.progress.advance(task, n)
        elapsed = self.progress.tasks[task].elapsed or 0
        done = self.progress.tasks[task].completed
        self.progress.update(task, rate=f"{done / elapsed:,.0f}/s" if elapsed else "")


def scenario_table(scenario: Scenario, seconds: float) -> Table:
    table = Table("scenario", "parties", "partnerships", "classes", "people", "facts", "generated in", title="Scenario")
    table.add_row(
        scenario.name,
        str(len(scenario.parties)),
        str(len(scenario.partnerships)),
        str(len(scenario.classes)),
        f"{len(scenario.students):,}",
        f"{scenario.fact_count():,}",
        f"{seconds:.2f}s",
    )
    return table


def drive_table(report: DriveReport) -> Table:
    table = Table("service", "commands", title=f"Driven in {report.seconds:.1f}s")
    for service, count in sorted(report.commands.items()):
        table.add_row(service, f"{count:,}")
    table.add_row("[bold]all[/]", f"[bold]{report.total_commands:,}[/] ({report.commands_per_second:,.0f}/s)")
    table.add_row("polls downstream", f"{report.polls:,}")
    table.add_row("retries", str(report.retries))
    table.add_row("failures", f"[red]{len(report.failures)}[/]" if report.failures else "0")
    return table


def _cell(truth: dict[str, Any] | None, actual: dict[str, Any] | None, percent: bool) -> str:
    expected = number(truth["value"]) if truth else None
    got = number(actual["value"]) if actual else None
    shown = _short(got if actual else expected, percent)
    return shown if actual is None or expected == got else f"[red]{shown}[/] [dim]({_short(expected, percent)})[/]"


def _short(value: Decimal | None, percent: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value * 100:.1f}%" if percent else f"{value:,.0f}"


def _rows(truth: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Each parent, then its partnerships."""
    keys = {pid: entry["key"] for pid, entry in truth["partnerships"].items()}
    items = list(truth["partnerships"].items())
    return sorted(items, key=lambda i: (keys.get(i[1]["parent"], i[1]["key"]), i[1]["parent"] is not None, i[1]["key"]))


def figures_table(truth: dict[str, Any], read: dict[str, list[dict[str, Any]]]) -> Table:
    """Partnerships and their key metrics from assessment; a differing ground truth shows in brackets."""
    table = Table(title=f"Figures as of {truth['as_of']} (in red: assessment; the ground truth in brackets)")
    table.add_column("partnership", no_wrap=True)
    for _, label, _ in KEY_METRICS:
        table.add_column(label, justify="right")
    for pid, entry in _rows(truth):
        actual = {f["metric"]: f for f in read.get(pid, []) if f["dimension"] == "total"}
        total = entry["figures"]["total"][""]
        name = f"[bold]{entry['key']}[/] Σ" if entry["scope"] == "rollup" else f"  {entry['key']}"
        table.add_row(name, *(_cell(total.get(m), actual.get(m), percent) for m, _, percent in KEY_METRICS))
    return table


def partnerships_table(truth: dict[str, Any]) -> Table:
    table = Table("partnership", "name", "kind", "members", title="Partnerships (Σ: roll-up of the ones below)")
    for _, entry in _rows(truth):
        members = ", ".join(f"{n} {role}" for role, n in entry["members"].items())
        table.add_row(entry["key"], entry["name"], entry["kind"], members)
    return table


def seed_table(rows: list[tuple[str, str, str, str]]) -> Table:
    table = Table("seed figure", "DOMAIN.md", "ground truth", "assessment", title="The seed figures")
    for row in rows:
        table.add_row(*row)
    return table


def comparison_table(result: Comparison) -> Table:
    """One row per path a reader takes: compared, empty on both sides (no check), extra, missing, mismatches."""
    columns = ("path", "compared", "empty both", "extra", "missing", "mismatches")
    table = Table(*columns, title="Assessment vs ground truth")
    for path in sorted(result.paths, key=_path_order):
        tally = result.paths[path]
        wrong = len(tally.mismatches)
        table.add_row(
            path,
            f"{tally.compared:,}",
            f"{tally.empty:,}",
            f"{tally.extra:,}",
            f"{tally.missing:,}",
            f"[red]{wrong:,}[/]" if wrong else "0",
        )
    return table


def _path_order(path: str) -> tuple[int, str]:
    return (0 if path.startswith("live") else 1 if path[:1].isdigit() else 2), path


def comparison_lines(result: Comparison, limit: int = 40) -> list[str]:
    lines = [f"figures checked: {result.checked:,}; mismatches: {len(result.mismatches):,}"]
    lines += [f"  {m.describe()}" for m in result.mismatches[:limit]]
    if len(result.mismatches) > limit:
        lines.append(f"  … and {len(result.mismatches) - limit:,} more")
    return lines
