"""429 from a server whose per-IP request budget is 3 per minute."""

from __future__ import annotations

import unittest

from walkindb import Client, WalkinDBError

from .server_process import ServerProcess

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
        self.assertEqual((error.status, error.error), (429, "rate limit exceeded"))
        self.assertIsInstance(error.retry_after, float)
        # One request comes back every 20 s at 3 per minute.
        self.assertGreater(error.retry_after, 0)
        self.assertLessEqual(error.retry_after, 20)
        self.assertIsNone(error.hint)
        self.assertEqual(db.session, token)
        # /healthz is outside the budget.
        self.assertIs(db.healthz(), True)


if __name__ == "__main__":
    unittest.main()
