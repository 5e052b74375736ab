"""The assessment worker as a faust app, split by role as faust's own examples split one: the app (`app.py`), its
topics, tables, agent, recovery callback and timer, each a module; `create_worker_app` wires them."""

from __future__ import annotations

from services.assessment.settings import AssessmentSettings
from services.assessment.streams import changelog_flush, fetch_wait, handover
from services.assessment.streams.agents import add_assess_agent
from services.assessment.streams.app import Worker, faust_app
from services.assessment.streams.recovery import add_recovery
from services.assessment.streams.stalls import add_stall_watch
from services.assessment.streams.tables import create_tables
from services.assessment.streams.timers import add_flush_timer, add_live_timer, add_task_dump
from services.assessment.streams.topics import prepare, source_topic

__all__ = ["Worker", "create_worker_app", "prepare"]


def create_worker_app(settings: AssessmentSettings) -> Worker:
    changelog_flush.install()
    handover.install()
    fetch_wait.install()
    app = faust_app(settings)
    worker = Worker(app, settings, create_tables(app, settings), source_topic(app, settings))
    add_assess_agent(worker)
    add_recovery(worker)
    add_flush_timer(worker)
    add_live_timer(worker)
    add_task_dump(worker)
    add_stall_watch(worker)
    return worker
