"""Request bodies for imports: CSV given as text, bytes, a path or a file."""

from __future__ import annotations

import os
from typing import Any, BinaryIO, Tuple, Union

# The forms import_csv accepts; a str is CSV text, never a file name (pass a
# pathlib.Path for a file).
CsvData = Union[str, bytes, bytearray, memoryview, "os.PathLike[str]", BinaryIO]


def csv_body(data: Any) -> Tuple[Union[bytes, BinaryIO], int]:
    """Return ``(body, length)``. A path is opened and streamed from disk (the
    caller closes the returned file); everything else is read into bytes."""
    if isinstance(data, str):
        return _sized(data.encode("utf-8"))
    if isinstance(data, memoryview):
        return _sized(data.tobytes())
    if isinstance(data, (bytes, bytearray)):
        return _sized(bytes(data))
    if isinstance(data, os.PathLike):
        path = os.fspath(data)
        if not isinstance(path, str):
            path = os.fsdecode(path)
        stream = open(path, "rb")
        try:
            return stream, os.fstat(stream.fileno()).st_size
        except BaseException:
            stream.close()
            raise
    read = getattr(data, "read", None)
    if callable(read):
        # Imports are capped at a few MB on the server, so reading the rest of
        # the file is cheap; it also copes with text files (str chunks).
        content = read()
        if isinstance(content, str):
            return _sized(content.encode("utf-8"))
        if isinstance(content, (bytes, bytearray, memoryview)):
            return _sized(bytes(content))
        raise TypeError("the CSV file's read() returned {}, not bytes or str".format(type(content).__name__))
    raise TypeError(
        "CSV data must be a str, bytes, bytearray, memoryview, a path (os.PathLike) or a file object, not {}".format(
            type(data).__name__
        )
    )


def _sized(body: bytes) -> Tuple[bytes, int]:
    return body, len(body)
