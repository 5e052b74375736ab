import atexit
import base64
import fcntl
import json
import shutil
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

import structlog

from shared.config import InfraSettings
from shared.infra.kafka_probe import kafka_healthy
from shared.infra.net import free_port, port_open
from shared.infra.processes import log_tail, stop_process

log = structlog.get_logger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
STARTED_MARKER = b"Kafka Server started"
_JARS_MARKER = ".complete"
_JVM_FLAGS = [
    "-Xms256m",
    "-Xmx768m",
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:InitiatingHeapOccupancyPercent=35",
    "-XX:+ExplicitGCInvokesConcurrent",
    # C1 only. A local broker lives minutes to hours on a machine it shares with everything else, and C2's compile
    # threads took about half of its CPU in those minutes: following the scaled programme (2,000 students, 2 cores)
    # the broker used 8.0 CPU s with C1 alone against 15.8 with both, and the drive took 43.5 s against 50.5, while
    # ProducerPerformance and the raw aiokafka loops measured the same within their noise.
    "-XX:TieredStopAtLevel=1",
    "-Djava.awt.headless=true",
]


class KafkaStartError(RuntimeError):
    pass


@dataclass(frozen=True)
class Quorum:
    """The static controller quorum of a cluster: every node's id and controller port, and the cluster's id."""

    cluster_id: str
    controller_ports: dict[int, int]

    @property
    def voters(self) -> str:
        return ",".join(f"{node}@127.0.0.1:{port}" for node, port in sorted(self.controller_ports.items()))

    @property
    def replication(self) -> int:
        return min(3, len(self.controller_ports))


def ensure_kafka_jars(repo_root: Path = REPO_ROOT, cache_dir: Path | None = None) -> Path:
    """The broker's jar directory, resolved from Maven Central on first use (infra/kafka/pom.xml)."""
    cache = cache_dir or InfraSettings().cache_dir
    libdir = (repo_root / cache / "kafka-libs").resolve()
    if (libdir / _JARS_MARKER).exists():
        return libdir
    libdir.parent.mkdir(parents=True, exist_ok=True)
    with (libdir.parent / "kafka-libs.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # parallel test sessions would otherwise download twice
        if not (libdir / _JARS_MARKER).exists():
            _download_jars(repo_root / "infra" / "kafka" / "pom.xml", libdir)
    return libdir


def _download_jars(pom: Path, libdir: Path) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise KafkaStartError("Maven (mvn) is needed once to fetch the Kafka jars; install maven")
    log.info("kafka_jars_download", libdir=str(libdir))
    started = time.monotonic()
    goal = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies"
    command = [mvn, "-B", "-q", "-f", str(pom), goal, "-DincludeScope=runtime", f"-DoutputDirectory={libdir}"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise KafkaStartError(f"mvn failed ({result.returncode}):\n{result.stdout[-4000:]}{result.stderr[-4000:]}")
    (libdir / _JARS_MARKER).write_text(time.strftime("%Y-%m-%dT%H:%M:%S\n"))
    log.info("kafka_jars_ready", jars=len(list(libdir.glob("*.jar"))), seconds=round(time.monotonic() - started, 1))


def new_cluster_id() -> str:
    """Base64url of 16 random bytes, as Kafka's Uuid prints it; never starting with '-', which the tool's argument
    parser would read as an option."""
    while True:
        candidate = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not candidate.startswith("-"):
            return candidate


class LocalKafka:
    """One KRaft broker+controller on loopback, its data kept in `workdir` across stop() and start(); alone, or
    node `node_id` of a `quorum` (see shared/infra/kafka_cluster.py)."""

    def __init__(
        self,
        workdir: Path,
        port: int | None = None,
        controller_port: int | None = None,
        libdir: Path | None = None,
        *,
        log_path: Path | None = None,
        stop_at_exit: bool = True,
        node_id: int = 1,
        quorum: Quorum | None = None,
    ) -> None:
        self.workdir = workdir.resolve()
        self.log_path = (log_path or self.workdir / "kafka.log").resolve()
        self._libdir = libdir
        self._stop_at_exit = stop_at_exit
        self._process: subprocess.Popen[bytes] | None = None
        self._log_offset = 0
        self._launched_at = 0.0
        self.node_id = node_id
        self.quorum = quorum
        if quorum is not None:
            controller_port = quorum.controller_ports[node_id]
        self.port, self.controller_port = self._ports(port, controller_port)

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _ports(self, port: int | None, controller_port: int | None) -> tuple[int, int]:
        recorded = self.workdir / "ports.json"
        if recorded.exists():
            saved = json.loads(recorded.read_text())  # clients of the last run reconnect to the same address
            port, controller_port = port or int(saved["port"]), controller_port or int(saved["controller_port"])
        return port or free_port(), controller_port or free_port()

    def _write_config(self) -> Path:
        self.workdir.mkdir(parents=True, exist_ok=True)
        ports = {"port": self.port, "controller_port": self.controller_port}
        (self.workdir / "ports.json").write_text(json.dumps(ports))
        broker, controller = f"127.0.0.1:{self.port}", f"127.0.0.1:{self.controller_port}"
        settings = {
            "process.roles": "broker,controller",
            "node.id": str(self.node_id),
            "listeners": f"PLAINTEXT://{broker},CONTROLLER://{controller}",
            "advertised.listeners": f"PLAINTEXT://{broker},CONTROLLER://{controller}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": str(self.workdir / "data"),
            "num.partitions": "1",
            "auto.create.topics.enable": "false",
            "num.network.threads": "2",
            "num.io.threads": "2",
            **(_single_node(controller) if self.quorum is None else _cluster_node(self.quorum)),
            "group.initial.rebalance.delay.ms": "0",
            # After a kill -9 the restarted broker waits out its old session before unfencing (default 9 s).
            "broker.session.timeout.ms": "3000",
            "broker.heartbeat.interval.ms": "500",
        }
        path = self.workdir / "server.properties"
        path.write_text("".join(f"{key}={value}\n" for key, value in settings.items()))
        return path

    def _java(self, main: str, *args: str) -> list[str]:
        libdir = self._libdir or ensure_kafka_jars()
        log4j = REPO_ROOT / "infra" / "kafka" / "log4j2.properties"
        return ["java", *_JVM_FLAGS, f"-Dlog4j2.configurationFile={log4j}", "-cp", f"{libdir}/*", main, *args]

    def _format(self, config: Path) -> None:
        if (self.workdir / "data" / "meta.properties").exists():
            return
        if self.quorum is None:
            command = self._java("kafka.tools.StorageTool", "format", "--standalone", "-t", new_cluster_id())
        else:  # a static quorum (controller.quorum.voters): every node formatted with the cluster's one id
            command = self._java("kafka.tools.StorageTool", "format", "-t", self.quorum.cluster_id)
        command += ["-c", str(config), "--ignore-formatted"]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise KafkaStartError(f"kafka storage format failed:\n{result.stdout}{result.stderr}")

    def start(self, timeout: float = 90) -> str:
        if self.running:
            return self.bootstrap
        started = time.monotonic()
        self.launch()
        self.await_ready(started + timeout)
        return self.bootstrap

    def launch(self) -> None:
        """Start the process and return at once; `await_ready` waits for it. A cluster launches every node first:
        no node is ready before a majority of the controllers runs."""
        if self.running:
            return
        config = self._write_config()
        self._format(config)
        for taken in (self.port, self.controller_port):
            if port_open("127.0.0.1", taken):
                raise KafkaStartError(
                    f"port {taken} is taken by another process (a broker left running on {self.workdir}?)"
                )
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        self._launched_at = time.monotonic()
        with self.log_path.open("ab") as output:
            self._process = subprocess.Popen(
                self._java("kafka.Kafka", str(config)),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=self.workdir,
                start_new_session=True,
            )
        if self._stop_at_exit:
            atexit.register(self.stop)

    def await_ready(self, deadline: float) -> None:
        if self._process is None:
            raise KafkaStartError(f"kafka node {self.node_id} was not launched")
        self._await_ready(self._process, self._log_offset, deadline)
        log.info(
            "kafka_started",
            bootstrap=self.bootstrap,
            node=self.node_id,
            pid=self.pid,
            seconds=round(time.monotonic() - self._launched_at, 1),
        )

    def _await_ready(self, process: subprocess.Popen[bytes], log_offset: int, deadline: float) -> None:
        while True:
            if process.poll() is not None:
                self._process = None
                raise KafkaStartError(f"kafka exited with {process.returncode}:\n{log_tail(self.log_path)}")
            if self._log_says_started(log_offset) or kafka_healthy(self.bootstrap, timeout=1):
                return
            if time.monotonic() > deadline:
                self.kill()
                raise KafkaStartError(f"kafka not ready in time; log tail:\n{log_tail(self.log_path)}")
            time.sleep(0.2)

    def _log_says_started(self, offset: int) -> bool:
        with self.log_path.open("rb") as file:
            file.seek(offset)
            return STARTED_MARKER in file.read()

    def stop(self, timeout: float = 30) -> None:
        """Controlled shutdown (SIGTERM), SIGKILL after `timeout`; does nothing when not running."""
        self._end(signal.SIGTERM, timeout)

    def kill(self) -> None:
        """SIGKILL at once, as a crash would; the data stays for the next start()."""
        self._end(signal.SIGKILL, 5)

    def _end(self, sig: signal.Signals, timeout: float) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        atexit.unregister(self.stop)
        stop_process(process.pid, timeout=timeout, sig=sig)
        process.wait(timeout=10)
        log.info("kafka_stopped", pid=process.pid, returncode=process.returncode)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _single_node(controller: str) -> dict[str, str]:
    return {
        "controller.quorum.bootstrap.servers": controller,
        # One broker: the defaults (3 replicas, min ISR 2) leave group and transaction coordinators stuck.
        "offsets.topic.replication.factor": "1",
        "offsets.topic.num.partitions": "1",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "transaction.state.log.num.partitions": "1",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
    }


def _cluster_node(quorum: Quorum) -> dict[str, str]:
    """Every partition on three nodes and an acks=all write on two of them: one node may die, nothing is lost."""
    replicas, in_sync = str(quorum.replication), str(max(1, quorum.replication - 1))
    return {
        "controller.quorum.voters": quorum.voters,
        "default.replication.factor": replicas,
        "min.insync.replicas": in_sync,
        "offsets.topic.replication.factor": replicas,
        "offsets.topic.num.partitions": "3",
        "transaction.state.log.replication.factor": replicas,
        "transaction.state.log.min.isr": in_sync,
        "transaction.state.log.num.partitions": "3",
        "share.coordinator.state.topic.replication.factor": replicas,
        "share.coordinator.state.topic.min.isr": in_sync,
        "unclean.leader.election.enable": "false",
    }
