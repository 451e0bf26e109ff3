"""The command line: ``python -m walkindb [shell|exec] ...``.

- ``python -m walkindb [--base-url URL]``: smoke test. Provisions a walk-in,
  runs ``SELECT 1`` in it and prints the session token on stdout, so
  ``TOKEN=$(python -m walkindb)`` works in a shell. Exits 0 on success; on
  failure prints the error on stderr and exits 1.
- ``python -m walkindb shell [--url URL] [--session TOKEN]``: an interactive
  SQL shell (see ``.help`` inside it).
- ``python -m walkindb exec "SQL" [--url URL] [--session TOKEN] [--json|--table]``:
  one call for scripts; the exit status says what kind of error happened
  (``_cli_output.exit_status``), and a newly created session is printed on
  stderr as ``WALKINDB_SESSION=wkn_...``.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional

from ._cli_output import EXIT_OK, as_json, exit_status, table
from ._version import __version__
from .client import Client
from .errors import WalkinDBError

URL_HELP = "server address (default: $WALKINDB_BASE_URL, else http://127.0.0.1:8080)"


def main(argv: Optional[List[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if args and args[0] == "shell":
        return _shell(args[1:])
    if args and args[0] == "exec":
        return _exec(args[1:])
    return _smoke(args)


def _smoke(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m walkindb",
        description="Provision a walkindb walk-in, run SELECT 1 in it and print its session token. "
        "Also: 'python -m walkindb shell' (interactive SQL) and 'python -m walkindb exec SQL' (one call for scripts).",
    )
    parser.add_argument("--base-url", default=None, help=URL_HELP)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per network operation (default: 10)")
    parser.add_argument("--version", action="version", version="walkindb-python " + __version__)
    options = parser.parse_args(argv)

    client = _client(parser, options.base_url, None, options.timeout)
    try:
        result = client.execute("SELECT 1")
    except WalkinDBError as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        client.close()
    if result.rows != [[1]]:
        print("walkindb: SELECT 1 returned {!r}".format(result.rows), file=sys.stderr)
        return 1
    if not client.session:
        print("walkindb: the server did not return a session token", file=sys.stderr)
        return 1
    print(client.session)
    return 0


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", "--base-url", dest="url", default=None, help=URL_HELP)
    parser.add_argument(
        "--session",
        default=None,
        help="a wkn_... token of an existing walk-in (default: $WALKINDB_SESSION, else a new walk-in)",
    )
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per network operation (default: 10)")
    parser.add_argument("--max-retries", type=int, default=2, help="retries of a 429/503 answer (default: 2; 0 = off)")


def _client(parser: argparse.ArgumentParser, url: Optional[str], session: Optional[str], timeout: float,
            max_retries: int = 2) -> Client:
    try:
        return Client(base_url=url, session=session, timeout=timeout, max_retries=max_retries)
    except ValueError as exc:
        parser.error(str(exc))  # exits with status 2
        raise  # unreachable


def _shell(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m walkindb shell", description="Interactive SQL shell on a walk-in.")
    _common(parser)
    options = parser.parse_args(argv)
    session = options.session if options.session is not None else os.environ.get("WALKINDB_SESSION")
    client = _client(parser, options.url, session, options.timeout, options.max_retries)
    from ._shell import run_shell

    return run_shell(client)


def _exec(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m walkindb exec",
        description="Run SQL in a walk-in and print the result. Exit status: 0 ok, 1 other error, 2 usage, "
        "3 network, 4 rate-limited or busy, 5 SQL error, 6 walk-in (or URL) not found.",
    )
    parser.add_argument("sql", help="the SQL text; '-' reads it from stdin")
    _common(parser)
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--json", dest="form", action="store_const", const="json", help="print the result as one JSON object")
    form.add_argument("--table", dest="form", action="store_const", const="table", help="print an aligned table (default)")
    options = parser.parse_args(argv)
    sql = sys.stdin.read() if options.sql == "-" else options.sql
    session = options.session if options.session is not None else os.environ.get("WALKINDB_SESSION")
    client = _client(parser, options.url, session, options.timeout, options.max_retries)
    had_session = client.session is not None
    try:
        result = client.execute(sql)
    except WalkinDBError as exc:
        print(exc, file=sys.stderr)
        return exit_status(exc)
    finally:
        # A failed call may have created the walk-in too; say so either way.
        if not had_session and client.session:
            print("WALKINDB_SESSION=" + client.session, file=sys.stderr)
        client.close()
    print(as_json(result) if options.form == "json" else table(result))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
