"""429 from a server whose per-IP request budget is 3 per minute."""

from __future__ import annotations

import json
import time
import unittest

from walkindb import Client, RateLimitedError, WalkinDBError

from .server_process import ServerProcess
from .test_cli import run_cli

SERVER = ServerProcess({"WALKINDB_RATE_LIMIT_REQS": "3"})


def setUpModule() -> None:
    SERVER.start()


def tearDownModule() -> None:
    SERVER.stop()


class RateLimitTests(unittest.TestCase):
    def test_fourth_request_in_a_minute_gets_429_with_retry_after(self) -> None:
        db = Client(SERVER.base_url)
        for n in range(3):
            self.assertEqual(db.execute("SELECT ?", [n]).rows, [[n]])
        token = db.session
        with self.assertRaises(WalkinDBError) as caught:
            db.execute("SELECT 4")
        error = caught.exception
        self.assertIsInstance(error, RateLimitedError)
        self.assertEqual((error.status, error.error, error.code), (429, "rate limit exceeded", "rate_limited"))
        self.assertIsInstance(error.retry_after, float)
        # One request comes back every 20 s at 3 per minute.
        self.assertGreater(error.retry_after, 0)
        self.assertLessEqual(error.retry_after, 20)
        self.assertIsNone(error.hint)
        self.assertEqual(db.session, token)
        # /healthz is outside the budget.
        self.assertIs(db.healthz(), True)
        # A wait of up to 20 s passes the client's 10 s: raised at once, not retried.
        self.assertEqual(self.logged_statuses(4).count(429), 1)
        # The command line says "rate-limited" by its exit status.
        done = run_cli(["exec", "SELECT 5", "--url", SERVER.base_url, "--session", token or ""])
        self.assertEqual(done.returncode, 4, done.stderr)
        self.assertTrue(done.stderr.startswith("walkindb error 429: rate limit exceeded"), done.stderr)
        self.assertEqual(done.stdout, "")

    def logged_statuses(self, count: int) -> list:
        deadline = time.monotonic() + 10
        while True:
            seen = [json.loads(line)["http_status"] for line in SERVER.access_log_lines() if line.strip()]
            if len(seen) >= count or time.monotonic() > deadline:
                return seen
            time.sleep(0.05)  # polling the access log, not timing


if __name__ == "__main__":
    unittest.main()
