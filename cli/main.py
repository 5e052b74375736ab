"""Entry point of the `cycle` command."""

from __future__ import annotations

from cli import assessment, importing
from cli.memberships import memberships_app
from cli.ops import ops_app
from cli.security import audit, clients_app
from shared.cli import app
from simulation.cli import simulation_app

app.add_typer(assessment.app, name="assessment")
app.add_typer(simulation_app)  # simulate and report join the top level
app.add_typer(ops_app)  # topics, tail, lag, dlq, outbox join the top level
app.add_typer(importing.app)  # import joins the top level
app.add_typer(clients_app, name="clients")
app.add_typer(memberships_app, name="memberships")
app.command()(audit)

__all__ = ["app"]
