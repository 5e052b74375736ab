"""Worker entry point: `python -m services.assessment.worker` (settings from the environment)."""

from __future__ import annotations

import asyncio
import logging

import faust

from services.assessment.settings import AssessmentSettings
from services.assessment.streams import create_worker_app, prepare


def main() -> None:
    settings = AssessmentSettings()
    asyncio.run(prepare(settings))
    worker = create_worker_app(settings)
    level = settings.log_level.upper()
    logging.basicConfig(level=getattr(logging, level, logging.INFO))
    faust.Worker(worker.app, loglevel=level.lower(), quiet=True).execute_from_commandline()


if __name__ == "__main__":
    main()
