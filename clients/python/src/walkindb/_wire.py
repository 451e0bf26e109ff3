"""Translation between Python values and walkindb's JSON wire format."""

from __future__ import annotations

import base64
import binascii
import email.utils
import json
import math
import time
from collections.abc import Mapping
from typing import Any, Dict, List, Optional, Union

from .errors import WalkinDBError, error_class
from .result import CsvImport, Result

# What a caller may pass as one bound value.
_SCALARS = (type(None), bool, int, float, str)
_BINARY = (bytes, bytearray, memoryview)

# Longest slice of a non-JSON error body quoted in an exception message.
_MAX_QUOTED_BODY = 200


def encode_args(args: Any) -> Union[List[Any], Dict[str, Any]]:
    """Turn ``args`` into the JSON the server binds: a list for positional
    parameters, an object for named ones."""
    if isinstance(args, Mapping):
        named = {}
        for key, value in args.items():
            if not isinstance(key, str):
                raise TypeError("args keys must be str, got {}".format(type(key).__name__))
            named[key] = encode_value(value)
        return named
    # A str or bytes is iterable, but passing one as args is always a mistake.
    if isinstance(args, (str,) + _BINARY):
        raise TypeError("args must be a list/tuple (positional) or a dict (named), not {}".format(type(args).__name__))
    try:
        values = iter(args)
    except TypeError:
        raise TypeError("args must be a list/tuple (positional) or a dict (named), not {}".format(type(args).__name__)) from None
    return [encode_value(value) for value in values]


def encode_batch(entries: Any) -> Dict[str, Any]:
    """The JSON object of a batch call: ``{"batch": [{"sql": ..., "args": ...}, ...]}``.

    An entry is a SQL string, a ``(sql, args)`` pair (or ``(sql,)``), or a
    mapping with ``"sql"`` and optionally ``"args"``.
    """
    # A str is iterable too, but would make one entry per character.
    if isinstance(entries, (str, Mapping) + _BINARY):
        raise TypeError("batch entries must be a list or tuple of entries, not {}".format(type(entries).__name__))
    try:
        items = list(entries)
    except TypeError:
        raise TypeError("batch entries must be a list or tuple of entries, not {}".format(type(entries).__name__)) from None
    return {"batch": [_batch_entry(number, item) for number, item in enumerate(items, 1)]}


def _batch_entry(number: int, item: Any) -> Dict[str, Any]:
    if isinstance(item, str):
        sql, args = item, None
    elif isinstance(item, Mapping) and isinstance(item.get("sql"), str) and set(item) <= {"sql", "args"}:
        sql, args = item["sql"], item.get("args")
    elif isinstance(item, (tuple, list)) and len(item) in (1, 2) and isinstance(item[0], str):
        sql, args = item[0], (item[1] if len(item) == 2 else None)
    else:
        raise TypeError(
            "batch entry {} must be a SQL str, a (sql, args) pair or a {{'sql': ..., 'args': ...}} dict, got {!r}".format(
                number, _short(item)
            )
        )
    entry: Dict[str, Any] = {"sql": sql}
    if args is not None:
        entry["args"] = encode_args(args)
    return entry


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def encode_value(value: Any) -> Any:
    """Encode one bound value; BLOBs travel as ``{"base64": ...}``."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("walkindb cannot bind {!r}: JSON has no NaN or infinity".format(value))
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, _BINARY):
        return {"base64": base64.b64encode(bytes(value)).decode("ascii")}
    raise TypeError(
        "cannot bind a {} value: use None, bool, int, float, str, bytes, bytearray or memoryview".format(type(value).__name__)
    )


def decode_value(value: Any) -> Any:
    """Decode one result value: ``{"base64": ...}`` objects become ``bytes``."""
    if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("base64"), str):
        return base64.b64decode(value["base64"], validate=True)
    return value


def parse_result(status: int, body: bytes) -> Result:
    """Build a :class:`Result` from a 2xx response body."""
    try:
        return _result(_json_object(body))
    except (ValueError, TypeError, binascii.Error) as exc:
        raise _invalid_response(status, exc) from None


def parse_results(status: int, body: bytes) -> List[Result]:
    """Build one :class:`Result` per entry from a batch answer ``{"results": [...]}``."""
    try:
        results = _json_object(body).get("results")
        if not isinstance(results, list):
            raise ValueError("no results list")
        return [_result(item) for item in results]
    except (ValueError, TypeError, binascii.Error) as exc:
        raise _invalid_response(status, exc) from None


def parse_csv_import(status: int, body: bytes) -> CsvImport:
    """Build a :class:`CsvImport` from the answer to a CSV import."""
    try:
        doc = _json_object(body)
        table, columns = doc.get("table"), doc.get("columns")
        if not isinstance(table, str) or not isinstance(columns, list):
            raise ValueError("no table or columns")
        return CsvImport(table=table, columns=list(columns), rows_affected=int(doc.get("rows_affected") or 0))
    except (ValueError, TypeError) as exc:
        raise _invalid_response(status, exc) from None


def _json_object(body: bytes) -> Dict[str, Any]:
    doc = json.loads(body.decode("utf-8"))
    if not isinstance(doc, dict):
        raise ValueError("not a JSON object")
    return doc


def _result(doc: Any) -> Result:
    if not isinstance(doc, dict):
        raise ValueError("a result is not a JSON object")
    columns = doc.get("columns") or []
    rows = [[decode_value(v) for v in row] for row in (doc.get("rows") or [])]
    return Result(
        columns=list(columns),
        rows=rows,
        rows_affected=int(doc.get("rows_affected") or 0),
        truncated=bool(doc.get("truncated", False)),
    )


def _invalid_response(status: int, exc: Exception) -> WalkinDBError:
    return WalkinDBError(status, "invalid response from server: {}".format(exc))


def error_from_response(status: int, headers: Any, body: bytes) -> WalkinDBError:
    """Map a non-2xx response to the :class:`WalkinDBError` subclass of its
    ``code`` (a plain ``WalkinDBError`` for an unknown or absent code).

    ``headers`` is anything with a case-insensitive ``get`` (an
    ``http.client.HTTPMessage``), or ``None``.
    """
    error = None
    hint = None
    statement = None
    code = None
    entry = None
    try:
        doc = json.loads(body.decode("utf-8"))
    except ValueError:
        doc = None
    if isinstance(doc, dict):
        if isinstance(doc.get("error"), str):
            error = doc["error"]
        if isinstance(doc.get("hint"), str):
            hint = doc["hint"]
        if isinstance(doc.get("code"), str):
            code = doc["code"]
        statement = _index(doc.get("statement"))
        entry = _index(doc.get("entry"))
    if error is None:
        # Not walkindb's JSON (a proxy page, a bare 400 from the HTTP stack).
        text = body.decode("utf-8", "replace").strip()[:_MAX_QUOTED_BODY]
        error = "HTTP {}".format(status) + (": " + text if text else "")
        location = _header(headers, "Location")
        if location:
            error += " (redirected to {})".format(location)
    # The class comes from the body's code only, never from the message text.
    return error_class(code)(
        status,
        error,
        retry_after=parse_retry_after(_header(headers, "Retry-After")),
        hint=hint,
        statement=statement,
        code=code,
        entry=entry,
    )


def _index(value: Any) -> Optional[int]:
    # bool is an int subclass; a true/false "statement" is not an index.
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def parse_retry_after(value: Optional[str]) -> Optional[float]:
    """Read ``Retry-After`` as seconds: either a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        # Python 3.8 returns None for some malformed dates; HTTP dates are GMT.
        if when is None or when.tzinfo is None:
            return None
        seconds = max(0.0, when.timestamp() - time.time())
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return seconds


def parse_ttl(value: Optional[str]) -> Optional[int]:
    """Read ``X-Walkin-Ttl`` (unix seconds) as an int."""
    if not value:
        return None
    try:
        return int(value.strip())
    except ValueError:
        try:
            return int(float(value))
        except (ValueError, OverflowError):
            return None


def _header(headers: Any, name: str) -> Optional[str]:
    if headers is None:
        return None
    value = headers.get(name)
    return value if isinstance(value, str) else None

