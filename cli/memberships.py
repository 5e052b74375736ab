"""`cycle memberships backfill`: the localities of memberships learned before they were kept (issue 10).

Run it once after upgrading a deployment whose services learned members before shared_0006_membership_localities;
until then a government does not read the partnerships of those members. It is safe to run again, and beside the
running services: it only fills localities that are NULL, from the MemberJoined that made each row.
"""

from __future__ import annotations

import typer
from rich.table import Table

from cli.ops.context import AsJson, console, errors, print_json, progress_bar, run, settings
from shared.ops.memberships import Backfill, backfill_localities

memberships_app = typer.Typer(help="The party memberships each service keeps to decide who may write and read what.")


def _table(done: Backfill) -> Table:
    table = Table("schema", "localities filled", "still without one")
    for column in table.columns[1:]:
        column.justify = "right"
    for schema, filled in done.filled.items():
        missing = done.still_missing.get(schema, 0)
        table.add_row(schema, f"{filled:,}", f"[{'yellow' if missing else 'green'}]{missing:,}[/]")
    return table


@memberships_app.command()
def backfill(as_json: AsJson = False) -> None:
    """Read the partnership topic from its start and fill every membership's missing locality from its MemberJoined."""
    config = settings()
    with progress_bar() as bar:
        reading = bar.add_task("Reading MemberJoined from the partnership topic", total=None)

        tenths = [0]  # without a terminal (a script, a log) a line at each tenth of the topic instead of the bar

        def advanced(done: Backfill) -> None:
            bar.update(reading, total=done.total, completed=done.read)
            tenth = done.read * 10 // done.total if done.total else 0
            if not errors.is_terminal and tenth > tenths[0]:
                tenths[0] = tenth
                errors.print(f"read {done.read:,} of {done.total:,} records", highlight=False)

        done = run(
            backfill_localities(
                config.kafka_bootstrap_servers,
                config.database_url,
                namespace=config.topic_namespace,
                suffix=config.schema_suffix,
                progress=advanced,
            )
        )
    if as_json:
        print_json(
            {
                "records_read": done.read,
                "joinings": done.joinings,
                "schemas": [
                    {"schema": s, "filled": n, "still_missing": done.still_missing.get(s, 0)}
                    for s, n in done.filled.items()
                ],
            }
        )
        return
    errors.print(f"read {done.read:,} records, {done.joinings:,} MemberJoined", highlight=False)
    if done.filled:
        console.print(_table(done))
    else:
        errors.print("no service schema with party_memberships; services create theirs when they start")
