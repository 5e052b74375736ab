"""Worker entry point: `python -m services.assessment.worker` (settings from the environment)."""

from __future__ import annotations

import asyncio
import logging

import faust

from services.assessment.settings import AssessmentSettings
from services.assessment.streams import create_worker_app, prepare
from services.assessment.streams.exit_guard import guard_exit_after_crash
from services.assessment.streams.memory import pace_collector
from shared.observability.logs import configure_logging


def main() -> None:
    settings = AssessmentSettings()
    configure_logging(settings.log_level, settings.log_format)
    pace_collector()
    asyncio.run(prepare(settings))
    worker = create_worker_app(settings)
    level = settings.log_level.upper()
    logging.basicConfig(level=getattr(logging, level, logging.INFO))
    runner = faust.Worker(worker.app, loglevel=level.lower(), quiet=True)
    # faust's terminal spinner turns the root logger to DEBUG and spins on every record: every aiokafka debug line
    # of every send was formatted (3% of a rebuild's samples). Without it the root logger keeps `level`.
    runner.spinner = None
    guard_exit_after_crash(worker.app)
    runner.execute_from_commandline()


if __name__ == "__main__":
    main()
