"""Ports for the servers tests and benchmarks start: one in this process is handed a listening socket, which keeps
its port from the moment it is chosen; a port another process binds is chosen where outgoing connections are not
given ports."""

import socket

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
