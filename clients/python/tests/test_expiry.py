"""An expired walk-in answers 404 and the client keeps its session until reset."""

from __future__ import annotations

import time
import unittest

from walkindb import Client, WalkinDBError

from .server_process import LIFTED_LIMITS, ServerProcess

TTL_S = 2
SERVER = ServerProcess(dict(LIFTED_LIMITS, WALKINDB_TTL=str(TTL_S)))


def setUpModule() -> None:
    SERVER.start()


def tearDownModule() -> None:
    SERVER.stop()


class ExpiryTests(unittest.TestCase):
    def test_expired_walkin_is_never_silently_replaced(self) -> None:
        db = Client(SERVER.base_url)
        before = time.time()
        db.execute("CREATE TABLE t(x); INSERT INTO t VALUES(1)")
        after = time.time()
        token = db.session
        # Bounded by the call's own start and end (a loaded machine makes it slow), not a fixed slack.
        self.assertLessEqual(before + TTL_S - 1, db.expires_at)
        self.assertLessEqual(db.expires_at, after + TTL_S + 1)
        time.sleep(max(0.0, db.expires_at - time.time()) + 1.5)
        for _ in range(2):
            with self.assertRaises(WalkinDBError) as caught:
                db.execute("INSERT INTO t VALUES(2)")
            self.assertEqual((caught.exception.status, caught.exception.error), (404, "instance not found"))
            self.assertEqual(db.session, token)
        db.reset_session()
        with self.assertRaises(WalkinDBError) as caught:
            db.execute("SELECT * FROM t")
        self.assertEqual(caught.exception.error, "invalid sql: no such table: t")
        self.assertNotEqual(db.session, token)


if __name__ == "__main__":
    unittest.main()
