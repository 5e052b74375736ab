from datetime import date
from uuid import uuid4

import pytest

from shared.contracts.base import Evidence
from shared.contracts.envelope import Envelope
from shared.contracts.training import Withdrawn
from shared.messaging.codec import UndecodableEvent, decode, encode


def a_withdrawal() -> Envelope:
    return Envelope.wrap(
        Withdrawn(last_day=date(2025, 3, 1), reason="family"),
        source="/services/training",
        occurred_on=date(2025, 3, 1),
        partnership_id=uuid4(),
        evidence=Evidence.SCHOOL_RECORD,
        student_id=uuid4(),
        class_id=uuid4(),
    )


def test_an_event_becomes_a_binary_mode_cloudevent_keyed_by_partnership():
    envelope = a_withdrawal()
    message = encode(envelope)
    assert message.key == str(envelope.partnership_id)
    assert message.headers["ce_specversion"] == b"1.0"
    assert message.headers["ce_id"] == str(envelope.id).encode()
    assert message.headers["ce_type"] == b"cycle.Withdrawn"
    assert message.headers["content-type"] == b"application/json"
    assert message.value == b'{"last_day": "2025-03-01", "reason": "family"}'


def test_decoding_gives_back_the_same_envelope():
    envelope = a_withdrawal()
    message = encode(envelope)
    assert decode(message.headers.items(), message.key.encode(), message.value) == envelope


@pytest.mark.parametrize("value", [b"not json", b"[1, 2]", b'{"last_day": "tomorrow", "reason": "family"}', b""])
def test_garbage_is_reported_as_undecodable(value):
    message = encode(a_withdrawal())
    with pytest.raises(UndecodableEvent):
        decode(message.headers.items(), message.key.encode(), value)


def test_a_record_without_cloudevents_headers_is_undecodable():
    with pytest.raises(UndecodableEvent):
        decode([], b"k", b"{}")
