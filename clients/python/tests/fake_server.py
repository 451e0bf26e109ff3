"""A scripted HTTP/1.1 server on 127.0.0.1 for the client's transport tests:
behaviour the real server shows only by chance (an idle connection closed at
the wrong moment, a 503 on demand, a call held open).

Each request is answered by ``respond(request)``, which returns an
``Answer`` or ``None`` to close the connection without answering.
"""

from __future__ import annotations

import http.server
import json
import ssl
import threading
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional


@dataclass
class Request:
    method: str
    path: str
    headers: Dict[str, str]
    body: bytes
    connection: int  # which TCP connection carried it, counting from 1
    number_on_connection: int  # 1 for the first request of its connection


@dataclass
class Answer:
    status: int = 200
    body: Dict = field(default_factory=lambda: {"columns": ["x"], "rows": [[1]], "rows_affected": 0, "truncated": False})
    headers: Dict[str, str] = field(default_factory=dict)
    close_after: bool = False  # close the connection afterwards, without saying so


class FakeServer:
    def __init__(self, respond: Callable[[Request], Optional[Answer]], tls: Optional[ssl.SSLContext] = None) -> None:
        self.respond = respond
        self.requests: List[Request] = []
        self.connections = 0
        self.closed = 0  # connections the server has closed
        self._lock = threading.Lock()
        self.changed = threading.Condition(self._lock)
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                with fake._lock:
                    fake.connections += 1
                    self.connection_number = fake.connections
                self.served = 0

            def log_message(self, format: str, *args: object) -> None:  # quiet
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                self.served += 1
                request = Request(self.command, self.path, {k: v for k, v in self.headers.items()}, body,
                                  self.connection_number, self.served)
                with fake.changed:
                    fake.requests.append(request)
                    fake.changed.notify_all()
                answer = fake.respond(request)
                if answer is None:
                    self.close_connection = True
                    return
                payload = json.dumps(answer.body).encode("utf-8")
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
                self.wfile.flush()
                if answer.close_after:
                    self.close_connection = True

            do_GET = do_POST = _handle

        class Server(http.server.ThreadingHTTPServer):
            def shutdown_request(self, request: object) -> None:
                super().shutdown_request(request)  # type: ignore[arg-type]
                with fake.changed:
                    fake.closed += 1
                    fake.changed.notify_all()

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        scheme = "https" if tls is not None else "http"
        self.base_url = "{}://127.0.0.1:{}".format(scheme, self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-walkindb", daemon=True)

    def __enter__(self) -> "FakeServer":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def wait_for_closed(self, count: int, timeout: float = 10.0) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.closed >= count, timeout)

    def wait_for_requests(self, count: int, timeout: float = 10.0) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: len(self.requests) >= count, timeout)
