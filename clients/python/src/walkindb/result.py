"""The values returned by successful calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, List


@dataclass
class Result:
    """The outcome of one successful ``POST /sql`` call.

    Attributes:
        columns: column names of the last statement that produced columns
            (a SELECT, a reading PRAGMA, anything with RETURNING); empty when
            no statement of the call had columns.
        rows: that statement's rows, each a list in column order. INTEGER
            values are ``int``, REAL ``float``, TEXT ``str``, NULL ``None``
            and BLOB ``bytes``. A REAL that was NaN or infinite is ``None``.
        rows_affected: rows inserted, updated or deleted by the call's
            INSERT, REPLACE, UPDATE and DELETE statements.
        truncated: ``True`` when the server cut the rows at 10 000 rows or
            1 MiB of encoded data.
    """

    columns: List[str] = field(default_factory=list)
    rows: List[List[Any]] = field(default_factory=list)
    rows_affected: int = 0
    truncated: bool = False


@dataclass
class CsvImport:
    """The outcome of a successful :meth:`Client.import_csv`.

    Attributes:
        table: the table the rows went into.
        columns: its columns that the CSV filled, in the CSV's order (``c1``,
            ``c2``, ... when the CSV had no header line).
        rows_affected: how many rows were inserted.
    """

    table: str = ""
    columns: List[str] = field(default_factory=list)
    rows_affected: int = 0
