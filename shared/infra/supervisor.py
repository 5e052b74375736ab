import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

import structlog

from shared.config import InfraSettings
from shared.infra.components import COMPONENTS, Component, Kind, find_component, importable
from shared.infra.health import healthy
from shared.infra.kafka_cluster import LocalKafkaCluster
from shared.infra.kafka_local import REPO_ROOT, LocalKafka, ensure_kafka_jars
from shared.infra.net import port_open
from shared.infra.postgres_local import LocalPostgres
from shared.infra.processes import alive, log_tail, start_ticks, stop_process
from shared.infra.serve import fresh_metrics_dir, serve_command
from shared.infra.stack_state import Running, StackState
from shared.messaging.topics import ensure_topics, product_topics

log = structlog.get_logger(__name__)


class Health(StrEnum):
    HEALTHY = "healthy"
    UNHEALTHY = "unhealthy"
    STOPPED = "stopped"


@dataclass(frozen=True)
class ComponentStatus:
    name: str
    address: str
    pid: int | None
    health: Health


class SupervisorError(RuntimeError):
    pass


class Observer(Protocol):
    def starting(self, name: str) -> None: ...
    def ready(self, name: str, address: str, note: str) -> None: ...
    def skipped(self, name: str, reason: str) -> None: ...


@dataclass
class _Launch:
    component: Component
    process: subprocess.Popen[bytes]
    address: str
    started: float


class Supervisor:
    """Starts, checks and stops the COMPONENTS of the local stack; state lives in `state_dir` (`.run`).

    `ports` moves HTTP components off their usual ports (a second stack beside the first, as `make chaos` runs);
    `env` is added to every service's environment.
    """

    def __init__(
        self,
        settings: InfraSettings,
        state_dir: Path | None = None,
        repo_root: Path = REPO_ROOT,
        *,
        ports: Mapping[str, int] | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.settings = settings
        self.repo_root = repo_root
        self.state = StackState((state_dir or settings.state_dir).resolve())
        self._ports = dict(ports or {})
        self._env = dict(env or {})

    def up(
        self, observer: Observer, timeout: float = 90, brokers: int = 1, processes: int | None = None
    ) -> list[ComponentStatus]:
        """`brokers` > 1 starts a KRaft cluster of that many nodes (replication 3, min.insync.replicas 2);
        `processes` > 1 runs each stage service as that many processes behind its port (default: as many as it was
        last started with, else CYCLE_SERVICE_PROCESSES)."""
        self.state.logs_dir.mkdir(parents=True, exist_ok=True)
        if brokers > 1:
            kafka = self._cluster(brokers, observer, timeout)
        else:
            kafka = self._infrastructure("kafka", self.settings.kafka_bootstrap_servers, observer, timeout)
        database = self._infrastructure("postgres", self.settings.database_url, observer, timeout)
        created = asyncio.run(ensure_topics(kafka, product_topics(), self.settings.topic_partitions))
        observer.ready("topics", kafka, f"{len(created)} created, {self.settings.topic_partitions} partitions each")
        env = self.service_env(kafka, database)
        launches = [
            launch
            for component in COMPONENTS
            if component.is_service
            and (launch := self._launch(component, env, observer, processes or self._processes(component))) is not None
        ]
        self._await_services(launches, observer, time.monotonic() + timeout)
        return self.status()

    def service_env(self, kafka: str, database: str) -> dict[str, str]:
        return {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": kafka,
            "DATABASE_URL": database,
            "PYTHONUNBUFFERED": "1",
            **self._env,
        }

    def start_component(self, component: Component, observer: Observer, timeout: float = 90) -> ComponentStatus:
        """(Re)start one component of a stack that is up, e.g. after it was killed; waits until it is healthy."""
        recorded = self.state.load().get(component.name)
        if recorded is not None and recorded.external:
            raise SupervisorError(f"{component.name} was given by the environment; it is not ours to start")
        if component.name.startswith("kafka-"):
            self._restart_node(component.name, observer, timeout)
        elif component.kind in (Kind.KAFKA, Kind.POSTGRES):
            self._infrastructure(component.name, None, observer, timeout)
        else:
            kafka, database = self.state.address("kafka"), self.state.address("postgres")
            if not kafka or not database:
                raise SupervisorError("the broker and the database must be up before a service starts")
            launch = self._launch(component, self.service_env(kafka, database), observer, self._processes(component))
            if launch is not None:
                self._await_services([launch], observer, time.monotonic() + timeout)
        return self._status(component, self.state.load()[component.name])

    def _reusable(self, component: Component) -> Running | None:
        entry = self.state.load().get(component.name)
        if entry is None or not entry.process_alive():
            return None
        return entry if healthy(component, entry.address, entry.pid) else None

    def _infrastructure(self, name: str, given: str | None, observer: Observer, timeout: float) -> str:
        component = find_component(name)
        if given:
            if not healthy(component, given, None):
                raise SupervisorError(f"{name} at {given} (from the environment) does not answer")
            self.state.record(Running(name, given))
            observer.ready(name, given, "from the environment")
            return given
        if (entry := self._reusable(component)) is not None:
            observer.ready(name, entry.address, "already running")
            return entry.address
        observer.starting(name)
        started = time.monotonic()
        address, pid = self._start_infrastructure(component, timeout)
        self.state.record(Running(name, address, pid, start_ticks(pid) if pid else None))
        observer.ready(name, address, f"started in {time.monotonic() - started:.1f}s")
        return address

    def _cluster(self, brokers: int, observer: Observer, timeout: float) -> str:
        """Nodes recorded as kafka-1..n, and `kafka` with the bootstrap list that clients use."""
        names = [f"kafka-{node}" for node in range(1, brokers + 1)]
        running = [entry for name in names if (entry := self._reusable(Component(name, Kind.KAFKA))) is not None]
        bootstrap = ",".join(entry.address for entry in running)
        if len(running) == brokers:
            observer.ready("kafka", bootstrap, f"{brokers} brokers already running")
            return bootstrap
        observer.starting(f"kafka ({brokers} brokers)")
        started = time.monotonic()
        cluster = self._local_cluster(brokers)
        bootstrap = cluster.start(timeout)
        for name, node in zip(names, cluster.nodes, strict=True):
            pid = node.pid
            self.state.record(Running(name, node.bootstrap, pid, start_ticks(pid) if pid else None))
            observer.ready(name, node.bootstrap, f"node {node.node_id}")
        self.state.record(Running("kafka", bootstrap))
        observer.ready("kafka", bootstrap, f"{brokers} brokers started in {time.monotonic() - started:.1f}s")
        return bootstrap

    def _restart_node(self, name: str, observer: Observer, timeout: float) -> None:
        if self._reusable(Component(name, Kind.KAFKA)) is not None:
            return
        observer.starting(name)
        cluster = self._local_cluster(len([n for n in self.state.load() if n.startswith("kafka-")]))
        node = cluster.node(int(name.removeprefix("kafka-")))
        node.start(timeout)
        pid = node.pid
        self.state.record(Running(name, node.bootstrap, pid, start_ticks(pid) if pid else None))
        observer.ready(name, node.bootstrap, f"node {node.node_id} restarted")

    def _local_cluster(self, brokers: int) -> LocalKafkaCluster:
        libdir = ensure_kafka_jars(self.repo_root, self.settings.cache_dir)
        workdir = self.state.state_dir / "kafka-cluster"
        return LocalKafkaCluster(workdir, brokers, libdir, log_dir=self.state.logs_dir, stop_at_exit=False)

    def _start_infrastructure(self, component: Component, timeout: float) -> tuple[str, int | None]:
        workdir, log_path = self.state.state_dir / component.name, self.state.log_path(component.name)
        if component.kind is Kind.KAFKA:
            libdir = ensure_kafka_jars(self.repo_root, self.settings.cache_dir)
            broker = LocalKafka(workdir, libdir=libdir, log_path=log_path, stop_at_exit=False)
            return broker.start(timeout), broker.pid
        # An acknowledged fact must survive PostgreSQL being killed (make chaos): commits wait for their WAL to
        # reach the kernel, which costs little with fsync off.
        database = LocalPostgres(workdir, log_path=log_path, stop_at_exit=False, synchronous_commit=True)
        return database.start(timeout), database.pid

    def _launch(
        self, component: Component, env: dict[str, str], observer: Observer, processes: int = 1
    ) -> _Launch | None:
        if component.target is None or component.module is None:
            raise SupervisorError(f"{component.name} names no module to run")
        if not importable(component.module):
            observer.skipped(component.name, f"{component.module} does not exist yet")
            return None
        if (entry := self._reusable(component)) is not None:
            observer.ready(component.name, entry.address, "already running")
            return None
        port = self._ports.get(component.name, component.port)
        self._stop_leftovers(component, port)
        if port is not None and port_open("127.0.0.1", port):
            raise SupervisorError(f"{component.name}: port {port} is taken by another process")
        observer.starting(component.name)
        python = [sys.executable, "-m"]
        processes = processes if component.scales_out else 1
        if component.kind is Kind.HTTP and processes > 1 and port is not None:  # processes of their own on one port
            command, address = serve_command(component.target, port, processes), f"http://127.0.0.1:{port}"
            env = {**env, **fresh_metrics_dir(self.state.state_dir / component.name / "metrics")}
        elif component.kind is Kind.HTTP:
            command = [*python, "uvicorn", "--factory", component.target, "--host", "127.0.0.1"]
            command += ["--port", str(port)]
            address = f"http://127.0.0.1:{port}"
        else:
            command, address = [*python, component.target], ""
        with self.state.log_path(component.name).open("ab") as output:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=self.repo_root,
                env=env,
                start_new_session=True,
            )
        self.state.record(Running(component.name, address, process.pid, start_ticks(process.pid), processes))
        return _Launch(component, process, address, time.monotonic())

    def _processes(self, component: Component) -> int:
        """As many as it was last started with, else CYCLE_SERVICE_PROCESSES."""
        recorded = self.state.load().get(component.name)
        return recorded.processes if recorded is not None else self.settings.service_processes

    def _stop_leftovers(self, component: Component, port: int | None) -> None:
        """The processes a service's killed leader left behind, still finishing their requests (serve.py stops them
        with it): its process group is killed, and its port awaited free."""
        entry = self.state.load().get(component.name)
        if entry is None or entry.pid is None or entry.processes == 1 or alive(entry.pid):
            return
        stop_process(entry.pid, timeout=5)  # a dead leader: SIGKILL to its group
        deadline = time.monotonic() + 10
        while port is not None and port_open("127.0.0.1", port) and time.monotonic() < deadline:
            time.sleep(0.05)

    def _await_services(self, launches: list[_Launch], observer: Observer, deadline: float) -> None:
        waiting = list(launches)
        while waiting:
            for launch in list(waiting):
                name = launch.component.name
                if launch.process.poll() is not None:
                    self._fail(launch, f"{name} exited with {launch.process.returncode}")
                if healthy(launch.component, launch.address, launch.process.pid):
                    waiting.remove(launch)
                    observer.ready(name, launch.address, f"started in {time.monotonic() - launch.started:.1f}s")
            if waiting and time.monotonic() > deadline:
                self._fail(waiting[0], f"{waiting[0].component.name} not healthy in time")
            if waiting:
                time.sleep(0.2)

    def _fail(self, launch: _Launch, reason: str) -> None:
        name = launch.component.name
        stop_process(launch.process.pid, timeout=10)
        launch.process.wait(timeout=10)
        self.state.forget(name)
        raise SupervisorError(
            f"{reason}; last lines of {self.state.log_path(name)}:\n{log_tail(self.state.log_path(name))}"
        )

    def status(self) -> list[ComponentStatus]:
        entries = self.state.load()
        table = {component.name: component for component in COMPONENTS}
        names = [name for name in table if name in entries] + sorted(name for name in entries if name not in table)
        return [self._status(table.get(name, _unlisted(name)), entries[name]) for name in names]

    def _status(self, component: Component, entry: Running) -> ComponentStatus:
        if not entry.external and not entry.process_alive():
            health = Health.STOPPED
        elif healthy(component, entry.address, entry.pid):
            health = Health.HEALTHY
        else:
            health = Health.UNHEALTHY
        return ComponentStatus(component.name, entry.address, entry.pid, health)

    def down(self, timeout: float = 30) -> list[str]:
        """Stop services, then the broker(s), then the database, each by its recorded pid; returns the names.
        The members of each rank stop together: the nodes of a cluster stopped one by one would leave the last
        waiting out its timeout for a quorum that is gone."""
        entries = self.state.load()
        for pid_file in self.state.state_dir.glob("*.pid"):
            if pid_file.stem not in entries and pid_file.read_text().strip().isdigit():
                entries[pid_file.stem] = Running(pid_file.stem, "", int(pid_file.read_text()))
        stopped: list[str] = []
        for rank in (0, 1, 2):
            names = [name for name in entries if _rank(name) == rank]
            with ThreadPoolExecutor(max(1, len(names))) as pool:
                results = pool.map(lambda name: self._stop(entries[name], timeout), names)
            stopped += [name for name, was_running in zip(names, results, strict=True) if was_running]
            for name in names:
                self.state.forget(name)
        return stopped

    @staticmethod
    def _stop(entry: Running, timeout: float) -> bool:
        if entry.pid is None or not entry.process_alive():
            return False
        # SIGINT is PostgreSQL's fast shutdown; its SIGTERM would wait for every client to leave.
        sig = signal.SIGINT if entry.name == "postgres" else signal.SIGTERM
        stop_process(entry.pid, timeout=timeout, sig=sig)
        log.info("component_stopped", name=entry.name, pid=entry.pid)
        return True

    def log_files(self, name: str | None = None) -> list[Path]:
        if name is not None:
            return [self.state.log_path(name)]
        return sorted(self.state.logs_dir.glob("*.log"))


def _rank(name: str) -> int:
    """Stopping order: services, then the broker or its nodes, then the database."""
    if name == "postgres":
        return 2
    return 1 if name == "kafka" or name.startswith("kafka-") else 0


def _unlisted(name: str) -> Component:
    """A node of a cluster is checked as a broker; any other entry the table no longer lists, by its process."""
    return Component(name, Kind.KAFKA) if name.startswith("kafka-") else Component(name, Kind.WORKER)
