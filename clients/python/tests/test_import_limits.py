"""The import limits as the SDK reports them, on servers with small limits."""

from __future__ import annotations

import tempfile
import unittest
from pathlib import Path

from walkindb import Client, WalkinDBError

from .server_process import LIFTED_LIMITS, ServerProcess

MB = 1024 * 1024


def csv_of(size: int) -> bytes:
    """A one-column CSV of exactly `size` bytes."""
    line = b"0123456789abcdef0123456789abcdef0123456789abcdef012345678\n"  # 59 bytes
    body = b"v\n" + line * ((size - 2) // len(line))
    return body + b"x" * (size - len(body))


class ImportTooLargeTests(unittest.TestCase):
    server: ServerProcess

    @classmethod
    def setUpClass(cls) -> None:
        cls.server = ServerProcess(dict(LIFTED_LIMITS, WALKINDB_IMPORT_MAX_MB="1", WALKINDB_IMPORT_BUDGET_MB="1000"))
        cls.server.start()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.stop()

    def test_a_body_over_the_cap_is_import_too_large_from_bytes_and_from_a_path(self) -> None:
        data = csv_of(MB + MB // 2)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "big.csv"
            path.write_bytes(data)
            for kind, source in (("bytes", data), ("path", path)):
                with self.subTest(kind=kind):
                    db = Client(self.server.base_url)
                    db.execute("SELECT 1")
                    with self.assertRaises(WalkinDBError) as caught:
                        db.import_csv("big", source)
                    error = caught.exception
                    self.assertEqual((error.status, error.code, error.error), (413, "import_too_large", "import exceeds 1 MB"))
                    self.assertEqual(db.execute("SELECT count(*) FROM sqlite_schema").rows, [[0]])

    def test_a_body_under_the_cap_is_imported(self) -> None:
        data = csv_of(MB - 1000)
        db = Client(self.server.base_url)
        answer = db.import_csv("fits", data)
        self.assertEqual(answer.rows_affected, data.count(b"\n"))


class ImportBudgetTests(unittest.TestCase):
    server: ServerProcess

    @classmethod
    def setUpClass(cls) -> None:
        cls.server = ServerProcess(dict(LIFTED_LIMITS, WALKINDB_IMPORT_MAX_MB="1", WALKINDB_IMPORT_BUDGET_MB="2"))
        cls.server.start()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.stop()

    def test_a_spent_import_budget_is_import_rate_limited_with_retry_after(self) -> None:
        db = Client(self.server.base_url)
        data = csv_of(MB - 1000)
        error = None
        # 2 MB a minute: the third import of nearly 1 MB cannot fit.
        for attempt in range(3):
            try:
                db.import_csv("t{}".format(attempt), data)
            except WalkinDBError as exc:
                error = exc
                break
        self.assertIsNotNone(error, "three imports of ~1 MB passed a 2 MB budget")
        assert error is not None
        self.assertEqual((error.status, error.code, error.error), (429, "import_rate_limited", "import rate limit exceeded"))
        self.assertIsNotNone(error.retry_after)
        assert error.retry_after is not None
        self.assertGreater(error.retry_after, 0)


if __name__ == "__main__":
    unittest.main()
