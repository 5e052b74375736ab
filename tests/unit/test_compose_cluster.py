"""docker-compose.cluster.yml turns the stack's one broker into three: one quorum, three replicas, two in sync."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).parents[2]
BASE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
CLUSTER = yaml.safe_load((ROOT / "docker-compose.cluster.yml").read_text())
BROKERS = ("kafka", "kafka-2", "kafka-3")


def merged_env(name: str) -> dict[str, str]:
    base = BASE["services"].get(name, {}).get("environment", {})
    return {**base, **CLUSTER["services"][name]["environment"]}


def test_three_brokers_form_one_quorum_with_their_own_ids_and_addresses():
    envs = [merged_env(name) for name in BROKERS]
    assert [env["KAFKA_NODE_ID"] for env in envs] == ["1", "2", "3"]
    assert {env["KAFKA_CONTROLLER_QUORUM_VOTERS"] for env in envs} == {"1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093"}
    assert len({env["CLUSTER_ID"] for env in envs}) == 1
    for name, env in zip(BROKERS, envs, strict=True):
        assert env["KAFKA_ADVERTISED_LISTENERS"] == f"PLAINTEXT://{name}:9092"


def test_every_topic_and_internal_log_has_three_replicas_and_needs_two():
    for env in (merged_env(name) for name in BROKERS):
        assert env["KAFKA_DEFAULT_REPLICATION_FACTOR"] == env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "3"
        assert env["KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"] == "3"
        assert env["KAFKA_MIN_INSYNC_REPLICAS"] == env["KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"] == "2"


def test_every_service_that_talks_to_kafka_bootstraps_from_all_three_brokers():
    services = {
        name for name, spec in BASE["services"].items() if "KAFKA_BOOTSTRAP_SERVERS" in (spec.get("environment") or {})
    }
    overlaid = {name for name in CLUSTER["services"] if name not in BROKERS}
    assert overlaid == services
    for name in services:
        spec = CLUSTER["services"][name]
        assert spec["environment"]["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092,kafka-2:9092,kafka-3:9092"
        assert set(BROKERS) <= set(spec["depends_on"])
