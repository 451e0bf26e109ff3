"""The walkindb HTTP client."""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.parse
from typing import Any, Dict, List, Optional, Tuple

from ._upload import CsvData, csv_body
from ._version import __version__
from ._transport import Transport
from ._wire import (
    encode_args,
    encode_batch,
    error_from_response,
    parse_csv_import,
    parse_result,
    parse_results,
    parse_retry_after,
    parse_ttl,
)
from .errors import WalkinDBError
from .result import CsvImport, Result

DEFAULT_BASE_URL = "http://127.0.0.1:8080"
DEFAULT_USER_AGENT = "walkindb-python/" + __version__
SESSION_HEADER = "X-Walkin-Session"
TTL_HEADER = "X-Walkin-Ttl"

# Retries: only answers given before anything ran (429 budgets, 503 busy).
RETRIED_STATUSES = frozenset((429, 503))
DEFAULT_MAX_RETRIES = 2
MAX_RETRY_WAIT_S = 10.0
DEFAULT_RETRY_AFTER_S = 1.0  # when a 429/503 comes without Retry-After


class Client:
    """A connection to one walk-in database on a walkindb server.

    The first call (:meth:`execute`, :meth:`batch`, :meth:`import_csv` or
    :meth:`import_sql`) creates the walk-in; the client stores the
    session token the server returns and sends it on every later call, so all
    calls of one ``Client`` reach the same database until it expires (ten
    minutes after creation) or :meth:`reset_session` is called.

    A ``Client`` may be shared between threads. While the call that creates
    the walk-in is in flight, other calls wait for it and then use its
    session (if it fails, the next waiting call creates the walk-in instead),
    so exactly one walk-in is created; after that, calls run concurrently.

    Connections are kept alive: a small pool of persistent HTTP/1.1
    connections (one per thread calling at the same time, up to four kept
    idle), reopened transparently when the server closed an idle one.

    A ``429`` or ``503`` answer (the server refused before running anything)
    is retried after its ``Retry-After`` (1 s when absent), at most
    ``max_retries`` times and 10 s of waiting in all; nothing else is retried.

    Args:
        base_url: the server's address. Defaults to the ``WALKINDB_BASE_URL``
            environment variable when set, else ``http://127.0.0.1:8080``.
        session: an existing ``wkn_...`` token to reuse a walk-in created
            elsewhere. ``None`` (or ``""``) creates a new one on first use.
        timeout: seconds to wait for the connection and for each read of the
            response; a timeout raises :class:`NetworkError` (status 0).
        user_agent: the ``User-Agent`` header; defaults to
            ``walkindb-python/<version>``.
        max_retries: how many times a 429/503 answer is retried (default 2);
            ``0`` turns retries off.
    """

    def __init__(
        self,
        base_url: Optional[str] = None,
        session: Optional[str] = None,
        timeout: float = 10.0,
        user_agent: Optional[str] = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
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
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError("max_retries must be an int >= 0, got {!r}".format(max_retries))
        self._max_retries = max_retries
        self._transport = Transport(self._base_url, self._timeout)
        # Guards the session; callers wait on it while the creating call runs.
        self._created = threading.Condition()
        self._creating = False

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
        """Forget the walk-in; the next call provisions a new one."""
        with self._created:
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
            WalkinDBError: the server answered with a non-2xx status (after
                the retries of 429/503); the subclass follows the answer's
                ``code`` (e.g. :class:`InvalidSqlError`,
                :class:`RateLimitedError`). :class:`NetworkError` (status 0)
                when the request failed on the network or timed out. A 404
                :class:`InstanceNotFoundError` keeps the session: call
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
        status, body = self._call("POST", "/sql", _json_body(payload), "application/json")
        return parse_result(status, body)

    def batch(self, entries: Any) -> List[Result]:
        """Run several calls' worth of SQL in one request and one transaction,
        with one :class:`Result` per entry.

        Args:
            entries: 1 to 50 entries, each a SQL str (one or more statements),
                a ``(sql, args)`` pair, or a ``{"sql": ..., "args": ...}`` dict;
                ``args`` as for :meth:`execute`. The whole request body is
                capped at 8192 bytes, as for :meth:`execute`.

        Returns:
            One :class:`Result` per entry, in order; an entry of several
            statements gives its last statement's result. Once the answer's
            10 000 rows / 1 MiB are spent, later entries still run but come back
            with no rows and ``truncated`` set.

        Raises:
            WalkinDBError: as for :meth:`execute`. If any entry fails, nothing
                the batch did is kept; ``entry`` names the failing entry
                (1-based) and ``statement`` the statement within it. A bad list
                of entries (none, or over 50) is ``400 invalid batch: ...``
                (code ``invalid_batch``).
            TypeError, ValueError: an entry or its args cannot be sent; nothing
                is sent.
        """
        status, body = self._call("POST", "/sql", _json_body(encode_batch(entries)), "application/json")
        return parse_results(status, body)

    def export(self) -> bytes:
        """Download the walk-in as a SQLite database file.

        Returns:
            The file's bytes (they start with ``b"SQLite format 3\\0"``): a
            consistent snapshot, readable by ``sqlite3.connect`` once written
            to disk.

        Raises:
            WalkinDBError: as for :meth:`execute`. A client with no session
                yet has no walk-in to export: the request goes out without a
                session and the server answers ``400 missing session`` (code
                ``missing_session``); an expired walk-in is ``404 instance
                not found``.
        """
        _, body = self._call("GET", "/db", None, None, accept="application/vnd.sqlite3, application/json")
        return body

    def export_sql(self) -> str:
        """Download the walk-in as SQL text, like the sqlite3 shell's ``.dump``:
        ``BEGIN TRANSACTION;``, the schema, one ``INSERT`` per row, ``COMMIT;``.

        :meth:`import_sql` takes the text back unchanged (into this walk-in or
        another). Raises as :meth:`export` does.
        """
        status, body = self._call("GET", "/db?format=sql", None, None, accept="application/sql, application/json")
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise WalkinDBError(status, "invalid response from server: {}".format(exc)) from None

    def import_csv(self, table: str, data: CsvData, header: bool = True) -> CsvImport:
        """Load CSV rows (RFC 4180, UTF-8) into ``table``.

        A table that does not exist is created, each column typed from all of
        its values (INTEGER, else REAL, else TEXT; an empty field is NULL);
        an existing one gets the rows appended, matched by column name. Without
        a session this creates the walk-in, as :meth:`execute` does.

        Args:
            table: a plain identifier (letters, digits, ``_``; not ``sqlite_...``).
            data: the CSV as a ``str`` (the text itself, never a file name),
                ``bytes``/``bytearray``/``memoryview``, a path
                (``pathlib.Path`` or another ``os.PathLike``; streamed from
                disk), or a file object open for reading (binary preferred;
                read to its end).
            header: ``True`` when the first line names the columns; ``False``
                names them ``c1``, ``c2``, ...

        Returns:
            A :class:`CsvImport`: the table, the columns filled and the number
            of rows inserted.

        Raises:
            WalkinDBError: as for :meth:`execute`, and for the import's own
                limits: ``400`` codes ``invalid_csv`` and
                ``invalid_table_name``, ``413 import_too_large`` (over 4 MB
                by default), ``429 import_rate_limited``, ``408
                import_timeout``. A refused import leaves the walk-in as it was.
            TypeError: ``table`` is not a str or ``data`` has another type.
        """
        if not isinstance(table, str):
            raise TypeError("table must be a str, got {}".format(type(table).__name__))
        query = urllib.parse.urlencode({"table": table, "header": "true" if header else "false"})
        body, length = csv_body(data)
        try:
            status, answer = self._call("POST", "/import?" + query, body, "text/csv", length=length)
        finally:
            if not isinstance(body, bytes):
                body.close()
        return parse_csv_import(status, answer)

    def import_sql(self, script: str) -> Result:
        """Run a SQL script of any size up to the import cap (4 MB by default)
        as one transaction, e.g. the text of :meth:`export_sql`.

        The script goes through exactly the checks :meth:`execute` applies; it
        may be wrapped in one outer ``BEGIN TRANSACTION;`` ... ``COMMIT;``.
        Without a session this creates the walk-in.

        Returns:
            The :class:`Result` of the script, as :meth:`execute` returns it.

        Raises:
            WalkinDBError: as for :meth:`execute` (``statement`` counts from
                the script's start), plus the import limits of
                :meth:`import_csv`. On any error nothing is kept.
            TypeError: ``script`` is not a str.
        """
        if not isinstance(script, str):
            raise TypeError("script must be a str, got {}".format(type(script).__name__))
        status, body = self._call("POST", "/import", script.encode("utf-8"), "application/sql")
        return parse_result(status, body)

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

    def _call(
        self,
        method: str,
        path: str,
        body: Any,
        content_type: Optional[str],
        accept: str = "application/json",
        length: Optional[int] = None,
    ) -> Tuple[int, bytes]:
        """One call on the walk-in: send the session (if any), take a new one
        from the answer, retry 429/503 as allowed, raise unless 2xx.

        While a call without a session is in flight (it creates the walk-in),
        other calls wait for it and then carry its token; if it fails, the
        next waiting call becomes the creating one.
        """
        headers = {"Accept": accept, "User-Agent": self._user_agent}
        if content_type is not None:
            headers["Content-Type"] = content_type
        if length is not None:
            headers["Content-Length"] = str(length)
        with self._created:
            while self._session is None and self._creating:
                self._created.wait()
            creating = self._session is None
            if creating:
                self._creating = True
        try:
            status, response_headers, response_body = self._send_with_retries(method, path, body, headers)
        finally:
            if creating:
                with self._created:
                    self._creating = False
                    self._created.notify_all()
        if not 200 <= status < 300:
            raise error_from_response(status, response_headers, response_body)
        return status, response_body

    def _send_with_retries(self, method: str, path: str, body: Any, headers: Dict[str, str]) -> Tuple[int, Any, bytes]:
        """Send, and again after ``Retry-After`` for a 429 or 503 answer (the
        server refused before running anything), at most ``max_retries``
        times and ``MAX_RETRY_WAIT_S`` seconds of waiting in all."""
        start = body.tell() if body is not None and not isinstance(body, bytes) else None
        retries = 0
        waited = 0.0
        while True:
            session = self._session
            if session:
                headers[SESSION_HEADER] = session
            status, response_headers, response_body = self._transport.send(method, path, body, headers)
            # Any response may be the one that created the walk-in, errors included.
            token = response_headers.get(SESSION_HEADER) if response_headers is not None else None
            if token:
                with self._created:
                    self._session = token.strip()
                    self._expires_at = parse_ttl(response_headers.get(TTL_HEADER))
            if status not in RETRIED_STATUSES or retries >= self._max_retries:
                return status, response_headers, response_body
            delay = parse_retry_after(response_headers.get("Retry-After"))
            delay = DEFAULT_RETRY_AFTER_S if delay is None else delay
            if waited + delay > MAX_RETRY_WAIT_S or not _rewind(body, start):
                return status, response_headers, response_body
            time.sleep(delay)
            waited += delay
            retries += 1

    def _send(self, method: str, path: str, body: Any, headers: Dict[str, str]) -> Tuple[int, Any, bytes]:
        """Send one request; return (status, headers, body) for every HTTP
        answer and raise NetworkError (status 0) when none arrives."""
        return self._transport.send(method, path, body, headers)

    def close(self) -> None:
        """Close the client's idle keep-alive connections. The client stays
        usable: a later call opens a new connection. Also called on leaving a
        ``with Client(...) as db:`` block."""
        self._transport.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        # Show only the token's prefix: the full token grants access to the walk-in.
        shown = self._session[:12] + "..." if self._session else None
        return "Client(base_url={!r}, session={!r})".format(self._base_url, shown)


def _json_body(payload: Dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, allow_nan=False).encode("utf-8")


def _rewind(body: Any, start: Optional[int]) -> bool:
    """Put a streamed body back where it started, for a retry."""
    if start is None:
        return True
    try:
        body.seek(start)
        return True
    except (AttributeError, OSError, ValueError):
        return False
