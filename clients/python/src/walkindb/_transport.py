"""Kept-alive HTTP/1.1 connections to one server, on ``http.client``.

A :class:`Transport` holds a small pool of idle connections: a call takes
one (or opens one), sends its request, reads the whole answer and puts the
connection back. One thread making calls one after another therefore uses a
single TCP (or TLS) connection; threads calling at the same time each get
their own.

A pooled connection may have been closed by the server while it sat idle.
Two checks make that invisible without ever sending a request twice when the
server may have run it:

1. Before a pooled connection is used, it is polled: a connection the server
   closed is readable (end of file), so it is dropped and a fresh one is
   opened. No request has left yet.
2. If sending on a reused connection still fails (the close raced the poll),
   the request is sent once more on a fresh connection only when the server
   cannot have run it: the failure came while writing the request (a server
   never runs a request it has not read whole), or the method is ``GET``
   (exports and ``/healthz`` change nothing). A ``POST`` whose request was
   written whole and whose answer never came raises :class:`NetworkError`.
"""

from __future__ import annotations

import base64
import http.client
import select
import socket
import ssl
import threading
import urllib.parse
import urllib.request
import weakref
from typing import Any, Dict, List, Optional, Tuple

from .errors import NetworkError

# Idle connections kept per client; more threads than this still work, their
# extra connections are closed after use.
MAX_IDLE = 4


class Transport:
    """Sends requests to ``base_url`` (``http://`` or ``https://``, optionally
    with a path prefix) over pooled persistent connections."""

    def __init__(self, base_url: str, timeout: float) -> None:
        parts = urllib.parse.urlsplit(base_url)
        if not parts.hostname:
            raise ValueError("base_url has no host: {!r}".format(base_url))
        self._base_url = base_url
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port or (443 if self._https else 80)
        self._prefix = parts.path.rstrip("/")
        self._timeout = timeout
        self._context = ssl.create_default_context() if self._https else None
        self._proxy = _proxy_for(parts.scheme, parts.netloc)
        self._idle: List[http.client.HTTPConnection] = []
        self._lock = threading.Lock()
        # A client dropped without close() still closes its idle sockets.
        weakref.finalize(self, _close_all, self._idle)

    def send(self, method: str, path: str, body: Any, headers: Dict[str, str]) -> Tuple[int, Any, bytes]:
        """Send one request; return ``(status, headers, body)`` for any HTTP
        answer. Raise :class:`NetworkError` when no answer arrives."""
        target = self._target(path)
        if self._proxy is not None and not self._https and self._proxy[2]:
            headers = dict(headers, **self._proxy[2])
        start = body.tell() if _is_stream(body) else None
        for attempt in (1, 2):
            conn, reused = self._take()
            if conn.sock is None:
                try:
                    conn.connect()
                except socket.timeout:
                    conn.close()
                    raise self._timed_out() from None
                except OSError as exc:
                    conn.close()
                    raise NetworkError(0, "cannot reach {}: {}".format(self._base_url, exc), code="network_error") from None
            written = False
            try:
                conn.request(method, target, body=body, headers=headers)
                written = True
                response = conn.getresponse()
                data = response.read()
            except socket.timeout:
                conn.close()
                raise self._timed_out() from None
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                unanswered = written and isinstance(exc, (http.client.RemoteDisconnected, ConnectionResetError))
                safe = not written or (unanswered and method == "GET")
                if reused and attempt == 1 and safe and (start is None or _rewind(body, start)):
                    continue  # the server had closed the idle connection
                text = str(exc) or type(exc).__name__
                if written and method != "GET":
                    text += " (the request was sent; it may or may not have run)"
                raise NetworkError(0, "connection to {} failed: {}".format(self._base_url, text), code="network_error") from None
            self._give_back(conn, response)
            return response.status, response.headers, data
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        """Close the idle connections; later calls open new ones."""
        with self._lock:
            idle = list(self._idle)
            del self._idle[:]
        _close_all(idle)

    def _target(self, path: str) -> str:
        if self._proxy is not None and not self._https:
            # A plain-HTTP proxy takes the absolute URL.
            return "http://{}:{}{}{}".format(_host_in_url(self._host), self._port, self._prefix, path)
        return self._prefix + path

    def _take(self) -> Tuple[http.client.HTTPConnection, bool]:
        while True:
            with self._lock:
                conn = self._idle.pop() if self._idle else None
            if conn is None:
                return self._open(), False
            if conn.sock is not None and not _dropped(conn.sock, self._timeout):
                return conn, True
            conn.close()

    def _give_back(self, conn: http.client.HTTPConnection, response: http.client.HTTPResponse) -> None:
        # http.client closes the socket itself after "Connection: close".
        if response.will_close or conn.sock is None:
            conn.close()
            return
        with self._lock:
            if len(self._idle) < MAX_IDLE:
                self._idle.append(conn)
                return
        conn.close()

    def _open(self) -> http.client.HTTPConnection:
        host, port = self._host, self._port
        if self._proxy is not None:
            host, port = self._proxy[0], self._proxy[1]
        if self._https:
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(host, port, timeout=self._timeout, context=self._context)
            if self._proxy is not None:
                conn.set_tunnel(self._host, self._port, headers=self._proxy[2])
        else:
            conn = http.client.HTTPConnection(host, port, timeout=self._timeout)
        return conn

    def _timed_out(self) -> NetworkError:
        return NetworkError(0, "request to {} timed out after {:g}s".format(self._base_url, self._timeout), code="network_error")


def _close_all(connections: List[http.client.HTTPConnection]) -> None:
    for conn in list(connections):
        conn.close()


def _dropped(sock: socket.socket, timeout: float) -> bool:
    """True when an idle connection cannot carry a request: the peer closed
    it (end of file), reset it, or sent bytes nobody asked for."""
    try:
        readable = select.select([sock], [], [], 0)[0]
    except (OSError, ValueError):
        return True
    if not readable:
        return False
    try:
        sock.setblocking(False)
        try:
            sock.recv(1)
        finally:
            sock.settimeout(timeout)
    except (ssl.SSLWantReadError, BlockingIOError):
        return False  # TLS housekeeping (a session ticket), no application data
    except OSError:
        return True
    return True  # end of file, or stray bytes: either way not usable


def _is_stream(body: Any) -> bool:
    return body is not None and not isinstance(body, (bytes, bytearray, memoryview, str))


def _rewind(body: Any, start: int) -> bool:
    try:
        body.seek(start)
        return True
    except (AttributeError, OSError, ValueError):
        return False


def _host_in_url(host: str) -> str:
    return "[{}]".format(host) if ":" in host else host


def _proxy_for(scheme: str, netloc: str) -> Optional[Tuple[str, int, Dict[str, str]]]:
    """The proxy from ``http_proxy``/``https_proxy`` (honouring ``no_proxy``),
    as urllib would pick it: ``(host, port, tunnel headers)`` or ``None``."""
    proxy = urllib.request.getproxies().get(scheme)
    if not proxy or urllib.request.proxy_bypass(netloc):
        return None
    if "://" not in proxy:
        proxy = "http://" + proxy
    parts = urllib.parse.urlsplit(proxy)
    if not parts.hostname:
        return None
    headers: Dict[str, str] = {}
    if parts.username is not None:
        credentials = "{}:{}".format(urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or ""))
        headers["Proxy-Authorization"] = "Basic " + base64.b64encode(credentials.encode("utf-8")).decode("ascii")
    return parts.hostname, parts.port or 8080, headers
