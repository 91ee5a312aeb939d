"""Refuse every network connection that leaves this machine, to prove the course needs no network.

Loopback stays open: Jupyter kernels and the browser test talk to 127.0.0.1. Anything else
raises ``NetworkBlocked`` *before* a packet is sent. ``install()`` patches the socket module of
the running interpreter; the notebook test runs this file's source inside each kernel.
"""
import ipaddress
import socket

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


class NetworkBlocked(OSError):
    pass


def is_local(host):
    if not isinstance(host, str):
        return False
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def check_address(address):
    """Raise NetworkBlocked unless ``address`` (a socket address or host name) is on this machine."""
    if isinstance(address, (bytes, str)) and ("/" in str(address) or str(address).startswith("\0")):
        return  # a Unix-domain socket path
    host = address[0] if isinstance(address, tuple) else address
    if not is_local(host):
        raise NetworkBlocked(f"network access is blocked in the course's tests: something tried to reach {address!r}")


def install():
    if getattr(socket.socket.connect, "_dlcourse_guard", False):
        return
    connect, connect_ex, getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

    def guarded_connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            check_address(address)
        return connect(self, address)

    def guarded_connect_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            check_address(address)
        return connect_ex(self, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if host is not None:
            check_address(host.decode() if isinstance(host, bytes) else str(host))
        return getaddrinfo(host, *args, **kwargs)

    for fn in (guarded_connect, guarded_connect_ex, guarded_getaddrinfo):
        fn._dlcourse_guard = True
    socket.socket.connect = guarded_connect
    socket.socket.connect_ex = guarded_connect_ex
    socket.getaddrinfo = guarded_getaddrinfo


def installed():
    return getattr(socket.socket.connect, "_dlcourse_guard", False) and \
        getattr(socket.getaddrinfo, "_dlcourse_guard", False)
