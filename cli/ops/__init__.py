"""`cycle topics|tail|lag|dlq|outbox`: the operator's view of topics, consumers, dead letters and outboxes.

Registered with `app.add_typer(ops_app)`; its commands join the top level of `cycle`.
"""

from __future__ import annotations

import typer

from cli.ops import dlq, lag, outbox, tail, topics

ops_app = typer.Typer()
ops_app.command()(topics.topics)
ops_app.command("tail")(tail.tail_command)
ops_app.command()(lag.lag)
ops_app.add_typer(dlq.app, name="dlq")
ops_app.command()(outbox.outbox)
