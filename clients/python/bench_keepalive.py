"""Calls per second of N sequential ``SELECT 1`` calls on one walk-in, for
one or more copies of the walkindb package (e.g. before and after kept-alive
connections), measured in the same run against the same server.

    python3 clients/python/bench_keepalive.py --url http://127.0.0.1:8080 -n 2000 \\
        --src before=/tmp/walkindb-before --src after=clients/python/src

Each ``--src LABEL=DIR`` names a directory holding a ``walkindb`` package;
every round runs each copy once, in a fresh interpreter, in turn; the median
over the rounds is printed. The server must allow that many calls a minute
from one address and a new walk-in per round: start it with
``WALKINDB_RATE_LIMIT_REQS``, ``WALKINDB_RATE_LIMIT_INSTANCE_REQS``,
``WALKINDB_RATE_LIMIT_NEW_INSTANCES`` and ``WALKINDB_MAX_INSTANCES_PER_IP``
raised (the README's Keep-alive section has the command).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from typing import Dict, List


def measure(url: str, calls: int) -> float:
    from walkindb import Client

    db = Client(url)
    db.execute("SELECT 1")  # creates the walk-in; not timed
    started = time.perf_counter()
    for _ in range(calls):
        db.execute("SELECT 1")
    return calls / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("WALKINDB_BASE_URL", "http://127.0.0.1:8080"))
    parser.add_argument("-n", type=int, default=2000, help="calls per measurement (default 2000)")
    parser.add_argument("--rounds", type=int, default=3, help="measurements per copy (default 3)")
    parser.add_argument("--src", action="append", default=[], metavar="LABEL=DIR",
                        help="a copy of the package to measure (default: this checkout's src/)")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # a single measurement
    options = parser.parse_args()
    if options.one:
        print("{:.1f}".format(measure(options.url, options.n)))
        return 0
    sources = [s.split("=", 1) for s in options.src] or [["this checkout", os.path.join(os.path.dirname(os.path.abspath(__file__)), "src")]]
    rates: Dict[str, List[float]] = {label: [] for label, _ in sources}
    for _ in range(options.rounds):
        for label, src in sources:
            env = dict(os.environ, PYTHONPATH=os.path.abspath(src))
            done = subprocess.run([sys.executable, os.path.abspath(__file__), "--one", "--url", options.url, "-n", str(options.n)],
                                  env=env, stdout=subprocess.PIPE, universal_newlines=True, check=True)
            rates[label].append(float(done.stdout))
    print("{} sequential SELECT 1 calls on one walk-in, {} rounds, Python {}".format(
        options.n, options.rounds, sys.version.split()[0]))
    for label, values in rates.items():
        print("{:>16}: median {:7.1f} calls/s  (rounds: {})".format(label, statistics.median(values),
                                                                   ", ".join("{:.1f}".format(v) for v in values)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
