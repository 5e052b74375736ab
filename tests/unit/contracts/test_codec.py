from datetime import UTC, date, datetime, timedelta, timezone
from uuid import uuid4

import pytest
from cloudevents.core.bindings import kafka
from cloudevents.core.exceptions import CloudEventValidationError
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from bench.workload import programme
from shared.contracts.base import Evidence
from shared.contracts.envelope import Envelope
from shared.contracts.training import Withdrawn
from shared.messaging import codec
from shared.messaging.codec import UndecodableEvent, decode, encode

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


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


def test_events_of_one_type_share_one_type_name() -> None:
    """A worker keeps a fact of every event with its type: one string for all, not one each."""
    first, second = (encode(a_withdrawal()) for _ in range(2))
    names = [decode(m.headers.items(), m.key.encode(), m.value).type for m in (first, second)]
    assert names[0] == "Withdrawn"
    assert names[0] is names[1]


@pytest.mark.parametrize("value", [b"not json", b"[1, 2]", b'{"last_day": "tomorrow", "reason": "family"}', b""])
def test_garbage_is_reported_as_undecodable(value):
    message = encode(a_withdrawal())
    with pytest.raises(UndecodableEvent):
        decode(message.headers.items(), message.key.encode(), value)


def test_a_record_without_cloudevents_headers_is_undecodable():
    with pytest.raises(UndecodableEvent):
        decode([], b"k", b"{}")


def _through_sdk_only(monkeypatch: pytest.MonkeyPatch, headers: dict[str, bytes], key: bytes, value: bytes) -> object:
    with monkeypatch.context() as patched:
        patched.setattr(codec, "_as_encoded", lambda message: None)
        return _outcome(headers, key, value)


def _outcome(headers: dict[str, bytes], key: bytes, value: bytes) -> object:
    try:
        return decode(headers.items(), key, value)
    except UndecodableEvent as refused:
        return str(refused)  # the reason operators read in the dead-letter headers and `cycle tail`


def test_every_event_of_a_programme_is_read_as_the_sdk_reads_it(monkeypatch: pytest.MonkeyPatch) -> None:
    generated = programme(40, students_per_partnership=20, seed=3)
    events = [*generated.events, a_withdrawal().model_copy(update={"traceparent": TRACEPARENT, "supersedes": uuid4()})]
    assert len({e.type for e in events}) >= 15
    for envelope in events:
        message = encode(envelope)
        headers, key = dict(message.headers), str(message.key).encode()
        assert codec._as_encoded(message) is not None
        assert decode(headers.items(), key, message.value) == envelope
        assert _through_sdk_only(monkeypatch, headers, key, message.value) == envelope


@pytest.mark.parametrize(
    "changed",
    [
        {"ce_time": b"2025-03-01T08:00:00"},  # no zone: the SDK refuses it
        {"ce_time": b"1740787200"},  # not an RFC 3339 time
        {"ce_specversion": b"0.3"},
        {"content-type": b"text/plain"},
        {"ce_source": b""},
        {"ce_subject": b""},
        {"ce_id": b""},
        {"ce_other_name": b"x"},  # not a header `encode` writes
        {"CE_Type": b"cycle.Withdrawn"},  # header names are read lower-cased, as the SDK reads them
    ],
)
def test_a_record_unlike_what_encode_writes_is_left_to_the_sdk_and_read_as_it_reads_it(
    changed: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    message = encode(a_withdrawal())
    headers = {**message.headers, **changed}
    key, value = str(message.key).encode(), message.value
    assert _outcome(headers, key, value) == _through_sdk_only(monkeypatch, headers, key, value)
    if "CE_Type" not in changed:
        assert codec._as_encoded(kafka.KafkaMessage(headers=headers, key=key, value=value)) is None


@pytest.mark.parametrize("value", [b"\x00not json", b"\xff\xfe", b"not json", b"[1, 2]", b""])
def test_a_value_that_is_not_a_json_object_is_refused_for_the_reason_the_sdk_gives(
    value: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = encode(a_withdrawal())
    headers, key = dict(message.headers), str(message.key).encode()
    assert _outcome(headers, key, value) == _through_sdk_only(monkeypatch, headers, key, value)
    assert _outcome(headers, key, value) == "the value is not a JSON object"


def test_a_record_without_a_time_or_an_id_gets_them_from_the_sdk_as_before() -> None:
    envelope = a_withdrawal()
    message = encode(envelope)

    def without(missing: str) -> Envelope:
        headers = {name: raw for name, raw in message.headers.items() if name != missing}
        return decode(headers.items(), str(message.key).encode(), message.value)

    timeless, nameless = without("ce_time"), without("ce_id")
    assert timeless.id == envelope.id
    assert timeless.recorded_at > envelope.recorded_at  # the SDK's now
    assert nameless.recorded_at == envelope.recorded_at
    assert nameless.id != envelope.id  # the SDK's fresh id


def _through_sdk_encoding(envelope: Envelope) -> kafka.KafkaMessage:
    event = CloudEvent(attributes=codec.to_attributes(envelope), data=envelope.data_json())
    return kafka.to_binary(event, JSONFormat())


def test_every_event_of_a_programme_is_written_as_the_sdk_writes_it() -> None:
    generated = programme(40, students_per_partnership=20, seed=3)
    withdrawal = a_withdrawal()
    events = [
        *generated.events,
        withdrawal.model_copy(update={"traceparent": TRACEPARENT, "supersedes": uuid4(), "party_id": uuid4()}),
        withdrawal.model_copy(
            update={"recorded_at": datetime(2019, 9, 2, 9, 30, 0, 120, tzinfo=timezone(timedelta(hours=8)))}
        ),
        withdrawal.model_copy(update={"recorded_at": datetime(2019, 9, 2, 1, 30, tzinfo=UTC), "student_id": None}),
    ]
    for envelope in events:
        ours, sdk = encode(envelope), _through_sdk_encoding(envelope)
        assert list(ours.headers.items()) == list(sdk.headers.items())
        assert (ours.key, ours.value) == (sdk.key, sdk.value)
        assert codec.encoded_headers(envelope) == {name: value.decode() for name, value in sdk.headers.items()}


def test_an_envelope_the_sdk_refuses_is_refused_as_it_refuses_it() -> None:
    envelope = a_withdrawal().model_copy(update={"source": ""})
    with pytest.raises(CloudEventValidationError):
        _through_sdk_encoding(envelope)
    with pytest.raises(CloudEventValidationError):
        encode(envelope)
