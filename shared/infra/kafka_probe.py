import socket
import struct

from shared.infra.net import split_host_port

_METADATA_V0 = struct.pack(">hhih", 3, 0, 1, 5) + b"probe" + struct.pack(">i", 0)


def _read_exact(sock: socket.socket, size: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            raise ConnectionError("broker closed the connection")
        chunks += chunk
    return bytes(chunks)


def broker_count(bootstrap: str, timeout: float = 2.0) -> int:
    """Brokers listed by a Metadata v0 answer: a blocking probe that needs no event loop.

    Kafka 4 still accepts Metadata v0 (KAFKA-18648), and it answers only once the broker serves requests.
    """
    host, port = split_host_port(bootstrap.split(",")[0])
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        sock.sendall(struct.pack(">i", len(_METADATA_V0)) + _METADATA_V0)
        (size,) = struct.unpack(">i", _read_exact(sock, 4))
        body = _read_exact(sock, size)
    (count,) = struct.unpack_from(">i", body, 4)
    return int(count)


def kafka_healthy(bootstrap: str, timeout: float = 2.0) -> bool:
    """Whether any broker of a bootstrap list answers: a cluster with one node down still serves."""
    for address in bootstrap.split(","):
        try:
            if broker_count(address, timeout) > 0:
                return True
        except (OSError, struct.error):
            continue
    return False
