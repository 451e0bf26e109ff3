"""Smoke test: ``python -m walkindb [--base-url URL]``.

Provisions a walk-in, runs ``SELECT 1`` in it and prints the session token
on stdout, so ``TOKEN=$(python -m walkindb)`` works in a shell. Exits 0 on
success; on failure prints the error on stderr and exits 1.
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from ._version import __version__
from .client import Client
from .errors import WalkinDBError


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m walkindb",
        description="Provision a walkindb walk-in, run SELECT 1 in it and print its session token.",
    )
    parser.add_argument(
        "--base-url",
        default=None,
        help="server address (default: $WALKINDB_BASE_URL, else http://127.0.0.1:8080)",
    )
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per network operation (default: 10)")
    parser.add_argument("--version", action="version", version="walkindb-python " + __version__)
    options = parser.parse_args(argv)

    try:
        client = Client(base_url=options.base_url, timeout=options.timeout)
    except ValueError as exc:
        parser.error(str(exc))  # exits with status 2
    try:
        result = client.execute("SELECT 1")
    except WalkinDBError as exc:
        print(exc, file=sys.stderr)
        return 1
    if result.rows != [[1]]:
        print("walkindb: SELECT 1 returned {!r}".format(result.rows), file=sys.stderr)
        return 1
    if not client.session:
        print("walkindb: the server did not return a session token", file=sys.stderr)
        return 1
    print(client.session)
    return 0


if __name__ == "__main__":
    sys.exit(main())
