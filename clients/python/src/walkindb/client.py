"""The walkindb HTTP client."""

from __future__ import annotations

import http.client
import json
import os
import socket
import threading
import urllib.error
import urllib.request
from typing import Any, Dict, Optional, Tuple

from ._version import __version__
from ._wire import encode_args, error_from_response, parse_result, parse_ttl
from .errors import WalkinDBError
from .result import Result

DEFAULT_BASE_URL = "http://127.0.0.1:8080"
DEFAULT_USER_AGENT = "walkindb-python/" + __version__
SESSION_HEADER = "X-Walkin-Session"
TTL_HEADER = "X-Walkin-Ttl"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Surface redirects as errors: urllib would silently turn a redirected
    POST into a body-less GET, which the server answers with a confusing 405."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


class Client:
    """A connection to one walk-in database on a walkindb server.

    The first :meth:`execute` creates the walk-in; the client stores the
    session token the server returns and sends it on every later call, so all
    calls of one ``Client`` reach the same database until it expires (ten
    minutes after creation) or :meth:`reset_session` is called.

    Calls made from several threads on one ``Client`` run one at a time, as
    the server would run them anyway.

    Args:
        base_url: the server's address. Defaults to the ``WALKINDB_BASE_URL``
            environment variable when set, else ``http://127.0.0.1:8080``.
        session: an existing ``wkn_...`` token to reuse a walk-in created
            elsewhere. ``None`` (or ``""``) creates a new one on first use.
        timeout: seconds to wait for the connection and for each read of the
            response; a timeout raises :class:`WalkinDBError` with status 0.
        user_agent: the ``User-Agent`` header; defaults to
            ``walkindb-python/<version>``.
    """

    def __init__(
        self,
        base_url: Optional[str] = None,
        session: Optional[str] = None,
        timeout: float = 10.0,
        user_agent: Optional[str] = None,
    ) -> None:
        if base_url is None:
            base_url = os.environ.get("WALKINDB_BASE_URL") or DEFAULT_BASE_URL
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("base_url must start with http:// or https://, got {!r}".format(base_url))
        if timeout <= 0:
            raise ValueError("timeout must be positive, got {!r}".format(timeout))
        self._base_url = base_url.rstrip("/")
        self._session: Optional[str] = session or None
        self._expires_at: Optional[int] = None
        self._timeout = float(timeout)
        self._user_agent = user_agent or DEFAULT_USER_AGENT
        self._opener = urllib.request.build_opener(_NoRedirect)
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        """The server address this client talks to (without a trailing ``/``)."""
        return self._base_url

    @property
    def session(self) -> Optional[str]:
        """The walk-in's ``wkn_...`` token, or ``None`` before the first call."""
        return self._session

    @property
    def expires_at(self) -> Optional[int]:
        """Unix time (seconds) at which the server deletes the walk-in.

        ``None`` until this client has created a walk-in, and also when the
        session was passed to the constructor (the server only reports the
        expiry to the call that created the walk-in).
        """
        return self._expires_at

    def reset_session(self) -> None:
        """Forget the walk-in; the next :meth:`execute` provisions a new one."""
        self._session = None
        self._expires_at = None

    def execute(self, sql: str, args: Any = None) -> Result:
        """Run ``sql`` (one or more ``;``-separated statements) in the walk-in.

        The statements of one call run in a single transaction: if any of
        them fails, nothing the call did is kept.

        Args:
            sql: the SQL text. The whole request body is capped at 8192 bytes.
            args: bound parameters. A list or tuple binds ``?``/``?NNN``
                parameters in order across the statements; a dict binds
                ``:name``/``@name``/``$name`` by name (keys without the prefix).
                Values may be ``None``, ``bool``, ``int``, ``float``, ``str``,
                or ``bytes``/``bytearray``/``memoryview`` (bound as BLOBs).

        Returns:
            The :class:`Result` of the call.

        Raises:
            WalkinDBError: the server answered with a non-2xx status, or the
                request failed on the network or timed out (status 0). A 404
                ``instance not found`` keeps the session: call
                :meth:`reset_session` to start a new, empty walk-in.
            TypeError: ``sql`` is not a str, or ``args`` holds a value of an
                unsupported type.
            ValueError: ``args`` holds a NaN or infinite float.
        """
        if not isinstance(sql, str):
            raise TypeError("sql must be a str, got {}".format(type(sql).__name__))
        payload: Dict[str, Any] = {"sql": sql}
        if args is not None:
            payload["args"] = encode_args(args)
        body = json.dumps(payload, ensure_ascii=False, allow_nan=False).encode("utf-8")
        with self._lock:
            headers = {"Content-Type": "application/json", "Accept": "application/json", "User-Agent": self._user_agent}
            if self._session:
                headers[SESSION_HEADER] = self._session
            status, response_headers, response_body = self._send("POST", "/sql", body, headers)
            # Any response may be the one that created the walk-in, errors included.
            token = response_headers.get(SESSION_HEADER) if response_headers is not None else None
            if token:
                self._session = token.strip()
                self._expires_at = parse_ttl(response_headers.get(TTL_HEADER))
        if not 200 <= status < 300:
            raise error_from_response(status, response_headers, response_body)
        return parse_result(status, response_body)

    def healthz(self) -> bool:
        """Return ``True`` when the server answers ``GET /healthz`` with
        ``{"status": "ok"}``, ``False`` otherwise. Never raises."""
        try:
            status, _, body = self._send("GET", "/healthz", None, {"Accept": "application/json", "User-Agent": self._user_agent})
            if status != 200:
                return False
            doc = json.loads(body.decode("utf-8"))
            return isinstance(doc, dict) and doc.get("status") == "ok"
        except Exception:
            return False

    def _send(self, method: str, path: str, body: Optional[bytes], headers: Dict[str, str]) -> Tuple[int, Any, bytes]:
        """Send one request; return (status, headers, body) for every HTTP
        answer and raise WalkinDBError(0, ...) when none arrives."""
        request = urllib.request.Request(self._base_url + path, data=body, headers=headers, method=method)
        try:
            with self._opener.open(request, timeout=self._timeout) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as exc:
            try:
                data = exc.read()
            except (OSError, http.client.HTTPException):
                data = b""
            finally:
                exc.close()
            return exc.code, exc.headers, data
        except socket.timeout:
            raise self._timed_out() from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, socket.timeout):
                raise self._timed_out() from None
            raise WalkinDBError(0, "cannot reach {}: {}".format(self._base_url, exc.reason)) from None
        except (OSError, http.client.HTTPException) as exc:
            raise WalkinDBError(0, "connection to {} failed: {}".format(self._base_url, exc or type(exc).__name__)) from None

    def _timed_out(self) -> WalkinDBError:
        return WalkinDBError(0, "request to {} timed out after {:g}s".format(self._base_url, self._timeout))

    def __repr__(self) -> str:
        # Show only the token's prefix: the full token grants access to the walk-in.
        shown = self._session[:12] + "..." if self._session else None
        return "Client(base_url={!r}, session={!r})".format(self._base_url, shown)
