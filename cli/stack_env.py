"""Point settings read from the environment at the running stack recorded by `cycle up`."""

from __future__ import annotations

import os
from pathlib import Path

from shared.config import InfraSettings
from shared.infra.stack_state import StackState


def use_running_stack(state_dir: Path | None = None) -> None:
    state = StackState(state_dir or InfraSettings().state_dir)
    for variable, component in (("KAFKA_BOOTSTRAP_SERVERS", "kafka"), ("DATABASE_URL", "postgres")):
        address = state.address(component)
        if address and not os.environ.get(variable):
            os.environ[variable] = address


def service_url(name: str, state_dir: Path | None = None) -> str | None:
    return StackState(state_dir or InfraSettings().state_dir).address(name)
