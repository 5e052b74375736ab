"""W3C trace context: a child span keeps its trace, anything malformed starts a new one, events carry it."""

from __future__ import annotations

from uuid import uuid4

from shared.messaging.codec import decode, encode
from shared.observability import tracing
from tests.support.backbone import withdrawal

PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def test_a_child_span_keeps_the_trace_and_its_flags_with_a_new_span_id():
    child = tracing.child_of(PARENT)
    assert child.startswith("00-4bf92f3577b34da6a3ce929d0e0e4736-")
    assert child.endswith("-01")
    assert child.split("-")[2] != "00f067aa0ba902b7"


def test_a_missing_or_malformed_parent_starts_a_new_trace():
    for parent in (None, "", "garbage", "00-" + "0" * 32 + "-00f067aa0ba902b7-01", PARENT.upper(), PARENT + "x"):
        child = tracing.child_of(parent)
        assert tracing.trace_id_of(child) != "4bf92f3577b34da6a3ce929d0e0e4736"
        assert tracing.child_of(child).split("-")[1] == tracing.trace_id_of(child)


def test_the_current_span_is_set_inside_the_block_and_restored_after():
    assert tracing.current() is None
    with tracing.span(PARENT) as inner:
        assert tracing.current() == inner
    assert tracing.current() is None


def test_an_event_carries_its_traceparent_through_the_kafka_encoding():
    event = withdrawal(uuid4()).model_copy(update={"traceparent": PARENT})
    message = encode(event)
    assert message.headers["ce_traceparent"] == PARENT.encode()
    assert decode(list(message.headers.items()), message.key, message.value) == event
