"""The exceptions the SDK raises for failed calls: :class:`WalkinDBError` and
one subclass per server error ``code``.

Every class is picked from the ``code`` field of the server's error body,
never from its message text; a code this version does not know gives a plain
:class:`WalkinDBError` with ``code`` set."""

from __future__ import annotations

from typing import Dict, Optional, Type

__all__ = [
    "WalkinDBError",
    "RateLimitError",
    "UnavailableError",
    "SqlError",
    "StorageError",
    "NetworkError",
    "BadRequestError",
    "DuplicateHeaderError",
    "ForbiddenSqlKeywordError",
    "ForbiddenSqlError",
    "InvalidSqlError",
    "InvalidArgsError",
    "InvalidBatchError",
    "InvalidCsvError",
    "InvalidFormatError",
    "InvalidJsonError",
    "InvalidTableNameError",
    "MissingSessionError",
    "MissingSqlError",
    "ResultRowTooLargeError",
    "NotFoundError",
    "InstanceNotFoundError",
    "MethodNotAllowedError",
    "QueryTimeoutError",
    "ImportTimeoutError",
    "ExportTimeoutError",
    "RequestBodyTimeoutError",
    "PayloadTooLargeError",
    "ImportTooLargeError",
    "UnsupportedMediaTypeError",
    "RateLimitedError",
    "NewInstanceRateLimitedError",
    "TooManyLiveInstancesError",
    "InstanceRateLimitedError",
    "ImportRateLimitedError",
    "HeadersTooLargeError",
    "InternalError",
    "ServerBusyError",
    "InstanceBusyError",
    "ServerStorageFullError",
    "StorageQuotaExceededError",
    "MissingMcpSessionError",
    "UnsupportedProtocolVersionError",
    "ForbiddenOriginError",
    "McpSessionNotFoundError",
    "LengthRequiredError",
    "TooManyMcpSessionsError",
    "ServerDrainingError",
    "ERROR_CLASSES",
    "error_class",
]


class WalkinDBError(Exception):
    """A call to the walkindb server failed.

    Attributes:
        status: the HTTP status code, or ``0`` when no HTTP response arrived
            (connection refused, DNS failure, timeout, broken connection).
        error: the server's ``error`` message, e.g. ``"invalid sql: ..."``;
            for status 0, a description of the network failure.
        retry_after: seconds to wait before retrying, from the ``Retry-After``
            header (sent with 429 and 503), else ``None``.
        hint: advice from the server on fixing the SQL (some 400 responses),
            else ``None``.
        statement: the 1-based index of the failing statement in a
            multi-statement call, an import script, or one batch entry (some
            400 responses), else ``None``.
        code: the server's stable snake_case name for the error, e.g.
            ``"invalid_sql"``, ``"instance_not_found"``; it also picks the
            subclass raised (:data:`ERROR_CLASSES`). ``"network_error"`` for
            status 0 (:class:`NetworkError`, named by the client, never sent
            by the server); ``None`` for answers that are not walkindb's JSON.
        entry: the 1-based index of the failing entry of a :meth:`Client.batch`
            call, else ``None``.
    """

    status: int
    error: str
    retry_after: Optional[float]
    hint: Optional[str]
    statement: Optional[int]
    code: Optional[str]
    entry: Optional[int]

    def __init__(
        self,
        status: int,
        error: str,
        retry_after: Optional[float] = None,
        hint: Optional[str] = None,
        statement: Optional[int] = None,
        code: Optional[str] = None,
        entry: Optional[int] = None,
    ) -> None:
        # Passing every field to Exception keeps the error picklable.
        super().__init__(status, error, retry_after, hint, statement, code, entry)
        self.status = status
        self.error = error
        self.retry_after = retry_after
        self.hint = hint
        self.statement = statement
        self.code = code
        self.entry = entry

    def __str__(self) -> str:
        text = "walkindb error {}: {}".format(self.status, self.error)
        where = []
        if self.entry is not None:
            where.append("entry {}".format(self.entry))
        if self.statement is not None:
            where.append("statement {}".format(self.statement))
        if where:
            text += " ({})".format(", ".join(where))
        if self.hint:
            text += "\nhint: " + self.hint
        if self.retry_after is not None:
            text += "\nretry after {:g}s".format(self.retry_after)
        return text

    def __repr__(self) -> str:
        return "{}(status={!r}, error={!r}, retry_after={!r}, hint={!r}, statement={!r}, code={!r}, entry={!r})".format(
            type(self).__name__,
            self.status, self.error, self.retry_after, self.hint, self.statement, self.code, self.entry
        )


# Grouping bases: catch a whole family of codes at once.


class RateLimitError(WalkinDBError):
    """Every 429: a budget is spent; ``retry_after`` says when it refills."""


class UnavailableError(WalkinDBError):
    """503 ``server_busy`` / ``instance_busy``: nothing ran; retry shortly."""


class SqlError(WalkinDBError):
    """400: the SQL was refused (blocked feature) or SQLite rejected it."""


class StorageError(WalkinDBError):
    """The walk-in's own 10 MB cap (507) or the server's disk guard (503)."""


class NetworkError(WalkinDBError):
    """No HTTP answer arrived: refused connection, DNS failure, timeout,
    broken connection. ``status`` is 0 and ``code`` is ``"network_error"``
    (a name the client gives; the server never sends it)."""


# One class per server code: PascalCase(code) + "Error", without doubling the
# "Error" of a code that ends in "_error" (internal_error -> InternalError, as
# network_error -> NetworkError); ``timeout`` is QueryTimeoutError, as Python
# has a built-in TimeoutError.


class BadRequestError(WalkinDBError):
    """400 ``bad_request``: malformed HTTP caught by the HTTP layer."""


class DuplicateHeaderError(WalkinDBError):
    """400 ``duplicate_header``."""


class ForbiddenSqlKeywordError(SqlError):
    """400 ``forbidden_sql_keyword``: a blocked keyword (ATTACH, load_extension, ...)."""


class ForbiddenSqlError(SqlError):
    """400 ``forbidden_sql``: the authorizer refused an operation."""


class InvalidSqlError(SqlError):
    """400 ``invalid_sql``: SQLite refused or failed a statement."""


class InvalidArgsError(WalkinDBError):
    """400 ``invalid_args``: the bound values do not match the parameters."""


class InvalidBatchError(WalkinDBError):
    """400 ``invalid_batch``."""


class InvalidCsvError(WalkinDBError):
    """400 ``invalid_csv``: the CSV was refused; nothing was written."""


class InvalidFormatError(WalkinDBError):
    """400 ``invalid_format``: an export format other than sqlite or sql."""


class InvalidJsonError(WalkinDBError):
    """400 ``invalid_json``."""


class InvalidTableNameError(WalkinDBError):
    """400 ``invalid_table_name``."""


class MissingSessionError(WalkinDBError):
    """400 ``missing_session``: an export without a walk-in."""


class MissingSqlError(WalkinDBError):
    """400 ``missing_sql``."""


class ResultRowTooLargeError(WalkinDBError):
    """400 ``result_row_too_large``: one row alone is over 1 MiB."""


class NotFoundError(WalkinDBError):
    """404 ``not_found``: an unknown path (check ``base_url``)."""


class InstanceNotFoundError(WalkinDBError):
    """404 ``instance_not_found``: the walk-in expired or the token is wrong."""


class MethodNotAllowedError(WalkinDBError):
    """405 ``method_not_allowed``."""


class QueryTimeoutError(WalkinDBError):
    """408 ``timeout``: the call passed its 2 s deadline and was rolled back."""


class ImportTimeoutError(WalkinDBError):
    """408 ``import_timeout``: the import was rolled back."""


class ExportTimeoutError(WalkinDBError):
    """408 ``export_timeout``."""


class RequestBodyTimeoutError(WalkinDBError):
    """408 ``request_body_timeout``: the request body arrived too slowly."""


class PayloadTooLargeError(WalkinDBError):
    """413 ``payload_too_large``: a /sql body over 8192 bytes."""


class ImportTooLargeError(WalkinDBError):
    """413 ``import_too_large``."""


class UnsupportedMediaTypeError(WalkinDBError):
    """415 ``unsupported_media_type``."""


class RateLimitedError(RateLimitError):
    """429 ``rate_limited``: the per-IP request budget is spent."""


class NewInstanceRateLimitedError(RateLimitError):
    """429 ``new_instance_rate_limited``: the per-IP creation budget is spent."""


class TooManyLiveInstancesError(RateLimitError):
    """429 ``too_many_live_instances``."""


class InstanceRateLimitedError(RateLimitError):
    """429 ``instance_rate_limited``: this walk-in's own budget is spent."""


class ImportRateLimitedError(RateLimitError):
    """429 ``import_rate_limited``: the per-IP upload budget is spent."""


class HeadersTooLargeError(WalkinDBError):
    """431 ``headers_too_large``."""


class InternalError(WalkinDBError):
    """500 ``internal_error``: a server bug."""


class ServerBusyError(UnavailableError):
    """503 ``server_busy``: nothing was committed."""


class InstanceBusyError(UnavailableError):
    """503 ``instance_busy``: another call held the walk-in for 2 s."""


class ServerStorageFullError(StorageError):
    """503 ``server_storage_full``: the server's data volume is nearly full."""


class StorageQuotaExceededError(StorageError):
    """507 ``storage_quota_exceeded``: the walk-in hit its 10 MB cap."""


class MissingMcpSessionError(WalkinDBError):
    """400 ``missing_mcp_session``: a ``/mcp`` request without ``Mcp-Session-Id``."""


class UnsupportedProtocolVersionError(WalkinDBError):
    """400 ``unsupported_protocol_version``: ``/mcp`` with an unknown ``MCP-Protocol-Version``."""


class ForbiddenOriginError(WalkinDBError):
    """403 ``forbidden_origin``: ``/mcp`` from a browser origin the server does not allow."""


class McpSessionNotFoundError(WalkinDBError):
    """404 ``mcp_session_not_found``: the MCP session ended; initialize again."""


class LengthRequiredError(WalkinDBError):
    """411 ``length_required``: a large ``/mcp`` body sent without ``Content-Length``."""


class TooManyMcpSessionsError(RateLimitError):
    """429 ``too_many_mcp_sessions``: this address holds the most MCP sessions allowed."""


class ServerDrainingError(UnavailableError):
    """503 ``server_draining``: the node makes no new walk-in; calls with a session still work."""


ERROR_CLASSES: Dict[str, Type[WalkinDBError]] = {
    "bad_request": BadRequestError,
    "duplicate_header": DuplicateHeaderError,
    "forbidden_sql_keyword": ForbiddenSqlKeywordError,
    "forbidden_sql": ForbiddenSqlError,
    "invalid_sql": InvalidSqlError,
    "invalid_args": InvalidArgsError,
    "invalid_batch": InvalidBatchError,
    "invalid_csv": InvalidCsvError,
    "invalid_format": InvalidFormatError,
    "invalid_json": InvalidJsonError,
    "invalid_table_name": InvalidTableNameError,
    "missing_session": MissingSessionError,
    "missing_sql": MissingSqlError,
    "result_row_too_large": ResultRowTooLargeError,
    "not_found": NotFoundError,
    "instance_not_found": InstanceNotFoundError,
    "method_not_allowed": MethodNotAllowedError,
    "timeout": QueryTimeoutError,
    "import_timeout": ImportTimeoutError,
    "export_timeout": ExportTimeoutError,
    "request_body_timeout": RequestBodyTimeoutError,
    "payload_too_large": PayloadTooLargeError,
    "import_too_large": ImportTooLargeError,
    "unsupported_media_type": UnsupportedMediaTypeError,
    "rate_limited": RateLimitedError,
    "new_instance_rate_limited": NewInstanceRateLimitedError,
    "too_many_live_instances": TooManyLiveInstancesError,
    "instance_rate_limited": InstanceRateLimitedError,
    "import_rate_limited": ImportRateLimitedError,
    "headers_too_large": HeadersTooLargeError,
    "internal_error": InternalError,
    "server_busy": ServerBusyError,
    "instance_busy": InstanceBusyError,
    "server_storage_full": ServerStorageFullError,
    "storage_quota_exceeded": StorageQuotaExceededError,
    "missing_mcp_session": MissingMcpSessionError,
    "unsupported_protocol_version": UnsupportedProtocolVersionError,
    "forbidden_origin": ForbiddenOriginError,
    "mcp_session_not_found": McpSessionNotFoundError,
    "length_required": LengthRequiredError,
    "too_many_mcp_sessions": TooManyMcpSessionsError,
    "server_draining": ServerDrainingError,
    "network_error": NetworkError,
}
"""The class raised for each ``code``; any other code raises a plain
:class:`WalkinDBError` (with ``code`` set)."""


def error_class(code: Optional[str]) -> Type[WalkinDBError]:
    """The exception class for a server ``code`` (``WalkinDBError`` when unknown)."""
    return ERROR_CLASSES.get(code or "", WalkinDBError)
