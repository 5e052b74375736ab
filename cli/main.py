"""Entry point of the `cycle` command."""

from __future__ import annotations

from cli import assessment
from shared.cli import app

app.add_typer(assessment.app, name="assessment")

__all__ = ["app"]
