"""Free loopback ports for the real servers the tests start."""

import socket


def free_port():
    """A loopback port free over TCP and over UDP: Caddy also serves HTTP/3 (UDP) on its
    HTTPS port, and the DNS server listens on both. The suite's two passes run side by
    side, so a port the other pass holds over UDP alone must not be handed out."""
    while True:
        with socket.socket() as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = tcp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
            return port
