"""A KRaft cluster of three nodes (each broker and controller) on loopback, from the same jars as `LocalKafka`.

Topics get three replicas and an acks=all write needs two of them in sync (min.insync.replicas 2), so any one
node may die, a partition leader included, without losing an acknowledged record (issue 13).
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Self

from shared.infra.kafka_local import LocalKafka, Quorum, new_cluster_id
from shared.infra.net import free_port


class LocalKafkaCluster:
    """Nodes 1..n in `workdir/node-<id>`; the quorum (ports, cluster id) is kept in `workdir/quorum.json` so a
    stopped cluster restarts at the same addresses with its data."""

    def __init__(
        self,
        workdir: Path,
        nodes: int = 3,
        libdir: Path | None = None,
        *,
        log_dir: Path | None = None,
        stop_at_exit: bool = True,
    ) -> None:
        if nodes < 1:
            raise ValueError("a cluster has at least one node")
        self.workdir = workdir.resolve()
        self.quorum = self._quorum(nodes)
        self.nodes = [
            LocalKafka(
                self.workdir / f"node-{node}",
                libdir=libdir,
                log_path=(log_dir / f"kafka-{node}.log") if log_dir else None,
                stop_at_exit=stop_at_exit,
                node_id=node,
                quorum=self.quorum,
            )
            for node in sorted(self.quorum.controller_ports)
        ]

    def _quorum(self, nodes: int) -> Quorum:
        recorded = self.workdir / "quorum.json"
        if recorded.exists():
            saved = json.loads(recorded.read_text())
            ports = {int(node): int(port) for node, port in saved["controller_ports"].items()}
            if len(ports) == nodes:
                return Quorum(saved["cluster_id"], ports)
        quorum = Quorum(new_cluster_id(), {node: free_port() for node in range(1, nodes + 1)})
        self.workdir.mkdir(parents=True, exist_ok=True)
        recorded.write_text(json.dumps({"cluster_id": quorum.cluster_id, "controller_ports": quorum.controller_ports}))
        return quorum

    @property
    def bootstrap(self) -> str:
        return ",".join(node.bootstrap for node in self.nodes)

    @property
    def running(self) -> bool:
        return all(node.running for node in self.nodes)

    def node(self, node_id: int) -> LocalKafka:
        return next(node for node in self.nodes if node.node_id == node_id)

    def node_at(self, address: str) -> LocalKafka:
        return next(node for node in self.nodes if node.bootstrap == address)

    def start(self, timeout: float = 120) -> str:
        """Launch every node, then wait for each: a node is ready only once a majority of controllers runs."""
        deadline = time.monotonic() + timeout
        with ThreadPoolExecutor(len(self.nodes)) as pool:  # formatting storage costs each node a JVM start
            list(pool.map(LocalKafka.launch, self.nodes))
        try:
            for node in self.nodes:
                node.await_ready(deadline)
        except BaseException:
            self.kill()
            raise
        return self.bootstrap

    def stop(self, timeout: float = 30) -> None:
        """All nodes at once: stopped one by one, the last would wait out its timeout for a quorum that is gone."""
        with ThreadPoolExecutor(len(self.nodes)) as pool:
            list(pool.map(lambda node: node.stop(timeout), self.nodes))

    def kill(self) -> None:
        for node in self.nodes:
            node.kill()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
