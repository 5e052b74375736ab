import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from shared.observability.logs import configure_logging


@pytest.fixture
def unconfigured() -> Iterator[None]:
    structlog.reset_defaults()
    yield
    structlog.reset_defaults()


def test_a_service_logs_one_json_object_a_line_with_utc_time_and_level(
    unconfigured: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("info")
    log = structlog.get_logger("test")
    log.info("fact recorded", type="ApplicationSubmitted", event_id="e-1")
    log.debug("not shown at info")

    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["event"] == "fact recorded"
    assert (entry["level"], entry["type"], entry["event_id"]) == ("info", "ApplicationSubmitted", "e-1")
    assert entry["timestamp"].endswith("Z")


def test_the_console_form_and_a_higher_level(unconfigured: None, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("WARNING", "console")
    log = structlog.get_logger("test")
    log.info("hidden")
    log.warning("outbox backlog", rows=1200)

    out = capsys.readouterr().out
    assert "hidden" not in out
    assert "outbox backlog" in out
    assert "rows=1200" in out
    assert not out.lstrip().startswith("{")


def test_a_process_that_configured_structlog_keeps_its_configuration(
    unconfigured: None, capsys: pytest.CaptureFixture[str]
) -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(40))
    configure_logging("debug")
    structlog.get_logger("test").warning("below error")

    assert capsys.readouterr().out == ""


def test_uvicorns_own_lines_are_written_as_json_too(unconfigured: None) -> None:
    stream = io.StringIO()
    access = logging.getLogger("uvicorn.access")
    handler = logging.StreamHandler(stream)
    access.addHandler(handler)
    access.setLevel(logging.INFO)  # as uvicorn's configuration sets it
    try:
        configure_logging("info")
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/health", "1.1", 200)
    finally:
        access.removeHandler(handler)
        access.setLevel(logging.NOTSET)

    entry = json.loads(stream.getvalue())
    assert entry["event"] == '127.0.0.1:5000 - "GET /health HTTP/1.1" 200'
    assert entry["level"] == "info"
    assert entry["timestamp"].endswith("Z")
