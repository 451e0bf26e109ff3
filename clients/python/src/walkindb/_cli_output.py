"""What the command line prints: aligned tables, JSON, countdowns, and the
exit status for each kind of error."""

from __future__ import annotations

import base64
import json
import time
from typing import Any, List, Optional

from .errors import InstanceNotFoundError, NetworkError, NotFoundError, RateLimitError, SqlError, UnavailableError, WalkinDBError
from .result import Result

# Exit statuses of `python -m walkindb exec` (documented in the README).
EXIT_OK = 0
EXIT_OTHER = 1  # any other error answer (408, 413, 507, 500, ...)
EXIT_USAGE = 2  # bad command line (argparse's own status)
EXIT_NETWORK = 3  # no answer: refused, DNS, timeout
EXIT_RETRY_LATER = 4  # 429 / 503 still refused after the client's retries
EXIT_SQL = 5  # the SQL was refused or failed
EXIT_NOT_FOUND = 6  # the walk-in expired (or the token/URL is wrong)

# Longest cell shown in a table; longer values are cut with "...".
MAX_CELL = 60


def exit_status(error: WalkinDBError) -> int:
    if isinstance(error, NetworkError) or error.status == 0:
        return EXIT_NETWORK
    if isinstance(error, (RateLimitError, UnavailableError)) or error.status in (429, 503):
        return EXIT_RETRY_LATER
    if isinstance(error, SqlError):
        return EXIT_SQL
    if isinstance(error, (InstanceNotFoundError, NotFoundError)):
        return EXIT_NOT_FOUND
    return EXIT_OTHER


def cell(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bytes):
        return "x'" + value.hex() + "'"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _cut(text: str) -> str:
    text = text.replace("\n", "\\n")
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 3] + "..."


def table(result: Result) -> str:
    """The result as an aligned text table, or a one-line summary when the
    call returned no columns."""
    if not result.columns:
        return "ok, {} row{} affected".format(result.rows_affected, "" if result.rows_affected == 1 else "s")
    header = [_cut(c) for c in result.columns]
    rows = [[_cut(cell(v)) for v in row] for row in result.rows]
    widths = [len(h) for h in header]
    for row in rows:
        for i, text in enumerate(row):
            widths[i] = max(widths[i], len(text))
    numeric = [all(isinstance(row[i], (int, float)) and not isinstance(row[i], bool) for row in result.rows if row[i] is not None)
               for i in range(len(header))]

    def line(cells: List[str]) -> str:
        return " | ".join(c.rjust(w) if n else c.ljust(w) for c, w, n in zip(cells, widths, numeric)).rstrip()

    out = [line(header), "-+-".join("-" * w for w in widths)]
    out.extend(line(row) for row in rows)
    count = len(rows)
    footer = "({} row{})".format(count, "" if count == 1 else "s")
    if result.truncated:
        footer += " truncated by the server at 10 000 rows / 1 MiB"
    out.append(footer)
    return "\n".join(out)


def as_json(result: Result) -> str:
    """The result as one JSON object, BLOBs as ``{"base64": ...}`` as on the wire."""

    def value(v: Any) -> Any:
        return {"base64": base64.b64encode(v).decode("ascii")} if isinstance(v, bytes) else v

    return json.dumps(
        {
            "columns": result.columns,
            "rows": [[value(v) for v in row] for row in result.rows],
            "rows_affected": result.rows_affected,
            "truncated": result.truncated,
        },
        ensure_ascii=False,
    )


def countdown(expires_at: Optional[int], now: Optional[float] = None) -> Optional[str]:
    """``"9:41"`` until expiry, ``"expired"`` after it, ``None`` when unknown."""
    if expires_at is None:
        return None
    left = int(expires_at - (time.time() if now is None else now))
    if left <= 0:
        return "expired"
    return "{}:{:02d}".format(left // 60, left % 60)
