"""`python -m walkindb` run as a subprocess with PYTHONPATH=src."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import unittest
from typing import Dict, List, Optional

from walkindb import Client

from . import SRC_DIR
from .server_process import LIFTED_LIMITS, ServerProcess, closed_port_url

SERVER = ServerProcess(LIFTED_LIMITS)
TOKEN_LINE = re.compile(r"^wkn_[A-Za-z0-9_-]{107}\n$")


def setUpModule() -> None:
    SERVER.start()


def tearDownModule() -> None:
    SERVER.stop()


def run_cli(args: List[str], env: Optional[Dict[str, str]] = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "WALKINDB_BASE_URL"}
    full_env["PYTHONPATH"] = SRC_DIR
    full_env.update(env or {})
    # Run outside the checkout so only PYTHONPATH can find the package.
    with tempfile.TemporaryDirectory() as cwd:
        return subprocess.run(
            [sys.executable, "-m", "walkindb"] + args,
            env=full_env,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            universal_newlines=True,
            timeout=60,
        )


class CliTests(unittest.TestCase):
    def test_prints_a_working_session_token(self) -> None:
        done = run_cli(["--base-url", SERVER.base_url])
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertRegex(done.stdout, TOKEN_LINE)
        self.assertEqual(done.stderr, "")
        token = done.stdout.strip()
        self.assertEqual(Client(SERVER.base_url, session=token).execute("SELECT 1").rows, [[1]])

    def test_base_url_from_the_environment(self) -> None:
        done = run_cli([], env={"WALKINDB_BASE_URL": SERVER.base_url})
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertRegex(done.stdout, TOKEN_LINE)

    def test_unreachable_server_exits_1_with_the_error_on_stderr(self) -> None:
        url = closed_port_url()
        done = run_cli(["--base-url", url])
        self.assertEqual(done.returncode, 1)
        self.assertEqual(done.stdout, "")
        self.assertTrue(done.stderr.startswith("walkindb error 0: cannot reach " + url), done.stderr)

    def test_http_error_exits_1_with_the_error_on_stderr(self) -> None:
        done = run_cli(["--base-url", SERVER.base_url + "/nope"])
        self.assertEqual(done.returncode, 1)
        self.assertEqual(done.stdout, "")
        self.assertEqual(done.stderr, "walkindb error 404: not found\n")

    def test_bad_base_url_is_a_usage_error(self) -> None:
        done = run_cli(["--base-url", "ftp://127.0.0.1:1"])
        self.assertEqual(done.returncode, 2)
        self.assertEqual(done.stdout, "")
        self.assertIn("base_url must start with http:// or https://", done.stderr)

    def test_version_flag(self) -> None:
        done = run_cli(["--version"])
        self.assertEqual((done.returncode, done.stdout), (0, "walkindb-python 0.2.0\n"))


if __name__ == "__main__":
    unittest.main()
