import random
import socket
import time
from pathlib import Path

EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
_chooser = random.SystemRandom()


def free_port(host: str = "127.0.0.1") -> int:
    """A port free now, for a process that binds it itself (a broker, PostgreSQL, a service under uvicorn). It is
    taken below the kernel's ephemeral range, where no outgoing connection is given it before that process binds
    (one was, between the two, and a bench service failed with "address already in use"). A server in this process
    is handed a socket from `listening_socket` instead. Not uvicorn's `--fd`: uvicorn makes an AF_UNIX socket object
    of the descriptor, asyncio then leaves Nagle's algorithm on, and every response waited 40 ms for an ACK."""
    low = _ephemeral_low()
    for _ in range(200):
        port = _chooser.randrange(max(1024, low - 12_000), low)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
            return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return port_of(sock)


def _ephemeral_low() -> int:
    try:
        return int(EPHEMERAL_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32_768  # Linux's default


def listening_socket(host: str = "127.0.0.1") -> socket.socket:
    """A socket bound to a port the kernel chose, already listening: a server in this process handed it
    (`uvicorn.Server.serve(sockets=...)`) cannot lose the port to another socket before it serves."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((host, 0))
    sock.listen(2048)
    return sock


def port_of(sock: socket.socket) -> int:
    port: int = sock.getsockname()[1]
    return port


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_for_port(host: str, port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not port_open(host, port):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{host}:{port} did not accept connections within {timeout:.0f}s")
        time.sleep(0.1)


def split_host_port(address: str) -> tuple[str, int]:
    host, _, port = address.strip().rpartition(":")
    return host or "127.0.0.1", int(port)
