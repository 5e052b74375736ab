"""Ports for the processes tests and benchmarks start: a server handed a listening socket keeps its port from the
moment it is chosen; a port a process binds itself is chosen where outgoing connections are not given ports."""

import socket
import subprocess
import sys

from shared.infra.net import _ephemeral_low, free_port, listening_socket, port_of


def test_a_free_port_lies_below_the_ephemeral_range_and_binds() -> None:
    ports = {free_port() for _ in range(20)}
    assert all(1024 <= port < _ephemeral_low() for port in ports)
    for port in ports:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))


def test_the_port_of_a_listening_socket_is_held_before_its_server_starts() -> None:
    with listening_socket() as held, socket.socket() as other:
        try:
            other.bind(("127.0.0.1", port_of(held)))
        except OSError:
            return
        raise AssertionError("another socket took the port of a listening socket")


def test_a_child_process_handed_the_socket_serves_on_its_port() -> None:
    with listening_socket() as sock:
        fd = sock.fileno()
        serve = "import socket, sys; s = socket.socket(fileno=int(sys.argv[1])); c, _ = s.accept(); c.sendall(b'ok')"
        child = subprocess.Popen([sys.executable, "-c", serve, str(fd)], pass_fds=(fd,))
        port = port_of(sock)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
            assert client.recv(2) == b"ok"
    finally:
        assert child.wait(timeout=10) == 0
