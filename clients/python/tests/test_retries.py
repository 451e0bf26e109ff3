"""Retries of real 429s, from a server whose per-IP request budget is 12 a
minute (one request back every 5 s, so Retry-After is at most 5 s and two
retries fit in the client's 10 s)."""

from __future__ import annotations

import json
import time
import unittest
from typing import Callable

from walkindb import Client, RateLimitedError, RateLimitError

from .server_process import LIFTED_LIMITS, ServerProcess

SERVER = ServerProcess(dict(LIFTED_LIMITS, WALKINDB_RATE_LIMIT_REQS="12"))
ATTEMPTS = 3  # a loaded machine may take long enough between two steps for the budget to refill


def setUpModule() -> None:
    SERVER.start()


def tearDownModule() -> None:
    SERVER.stop()


def statuses() -> list:
    return [json.loads(line)["http_status"] for line in SERVER.access_log_lines() if line.strip()]


def await_log(condition: Callable[[list], bool]) -> list:
    deadline = time.monotonic() + 10
    seen = statuses()
    while not condition(seen) and time.monotonic() < deadline:
        time.sleep(0.05)  # polling the access log, not timing
        seen = statuses()
    return seen


def spend_the_budget(token: str) -> int:
    """Send requests until one is refused; return the number of log lines then."""
    spender = Client(SERVER.base_url, session=token, max_retries=0)
    for _ in range(100):
        try:
            spender.execute("SELECT 'spend'")
        except RateLimitedError:
            spender.close()
            return len(await_log(lambda seen: seen.count(429) >= 1 and seen[-1] == 429))
    raise AssertionError("the budget of 12 a minute never ran out")


class RetryTests(unittest.TestCase):
    token: str

    @classmethod
    def setUpClass(cls) -> None:
        owner = Client(SERVER.base_url)
        owner.execute("CREATE TABLE t(x)")
        cls.token = owner.session or ""

    def test_a_429_is_retried_after_retry_after_and_the_call_succeeds(self) -> None:
        for _ in range(ATTEMPTS):
            logged = spend_the_budget(self.token)
            db = Client(SERVER.base_url, session=self.token)  # default: 2 retries, 10 s
            result = db.execute("INSERT INTO t VALUES (1) RETURNING x")
            self.assertEqual(result.rows, [[1]])
            after = await_log(lambda seen: len(seen) >= logged + 1 and seen[-1] == 200)[logged:]
            if after and after[0] == 429:  # the first try was refused, a retry went through
                self.assertEqual(after[-1], 200)
                self.assertLessEqual(after.count(429), 2)
                return
        self.fail("the call never met a spent budget in {} attempts".format(ATTEMPTS))

    def test_max_retries_zero_raises_the_first_429(self) -> None:
        for _ in range(ATTEMPTS):
            logged = spend_the_budget(self.token)
            db = Client(SERVER.base_url, session=self.token, max_retries=0)
            try:
                db.execute("SELECT 'no retry'")
            except RateLimitedError as exc:
                self.assertIsInstance(exc, RateLimitError)
                self.assertEqual((exc.status, exc.code), (429, "rate_limited"))
                self.assertGreater(exc.retry_after or 0, 0)
                self.assertLessEqual(exc.retry_after or 0, 5)
                self.assertEqual(await_log(lambda seen: len(seen) > logged)[logged:], [429])
                return
        self.fail("the call never met a spent budget in {} attempts".format(ATTEMPTS))


if __name__ == "__main__":
    unittest.main()
