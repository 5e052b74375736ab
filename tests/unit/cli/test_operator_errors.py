"""What an operator reads when Kafka refuses: the cause a client wrapped, and a fenced replay told apart."""

from aiokafka.errors import InvalidTxnState, KafkaError, ProducerFenced, UnknownError, UnknownTopicOrPartitionError

from shared.ops.errors import BrokerRefused
from shared.ops.replay import _taken_over


def _wrapped(cause: BaseException) -> KafkaError:
    try:
        raise KafkaError("Unexpected error during batch delivery") from cause
    except KafkaError as error:
        return error


def test_a_refusal_names_the_error_the_client_wrapped():
    message = str(BrokerRefused("127.0.0.1:9092", _wrapped(InvalidTxnState())))
    assert "Unexpected error during batch delivery" in message
    assert "caused by InvalidTxnState" in message


def test_a_replay_is_taken_over_when_fenced_however_deep_the_client_wrapped_it():
    assert _taken_over(ProducerFenced())
    assert _taken_over(_wrapped(InvalidTxnState()))
    assert _taken_over(_wrapped(_wrapped(ProducerFenced())))


def test_a_code_newer_than_the_client_on_a_replay_is_a_take_over():
    # PRODUCER_FENCED (90) and TRANSACTION_ABORTABLE (120) are past aiokafka's table: it raises UnknownError for them
    assert _taken_over(_wrapped(UnknownError()))


def test_other_refusals_are_not_a_take_over():
    assert not _taken_over(_wrapped(UnknownTopicOrPartitionError()))
    assert not _taken_over(KafkaError("Unexpected error during batch delivery"))
