"""Tests for the walkindb Python SDK, run against a real walkindb server.

Run from the repository root:
    python3 -m unittest discover -s clients/python/tests -t clients/python -v
"""

import os
import sys

# Import the SDK from this checkout's src/ without installing it.
SRC_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
if SRC_DIR not in sys.path:
    sys.path.insert(0, SRC_DIR)

# All test traffic goes to 127.0.0.1: keep any configured HTTP proxy out of it.
_no_proxy = [p for p in os.environ.get("no_proxy", "").split(",") if p]
for _host in ("127.0.0.1", "localhost"):
    if _host not in _no_proxy:
        _no_proxy.append(_host)
os.environ["no_proxy"] = os.environ["NO_PROXY"] = ",".join(_no_proxy)
