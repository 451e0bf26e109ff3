"""The single exception type the SDK raises for failed calls."""

from __future__ import annotations

from typing import Optional


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
        code: the server's stable snake_case name for the error (branch on
            it), e.g. ``"invalid_sql"``, ``"instance_not_found"``; ``None``
            for status 0 and for answers that are not walkindb's JSON.
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
        return "WalkinDBError(status={!r}, error={!r}, retry_after={!r}, hint={!r}, statement={!r}, code={!r}, entry={!r})".format(
            self.status, self.error, self.retry_after, self.hint, self.statement, self.code, self.entry
        )
