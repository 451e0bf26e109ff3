"""Client.execute, sessions, value types, BLOBs and healthz against a real server."""

from __future__ import annotations

import json
import os
import re
import threading
import time
import unittest
from unittest import mock

import walkindb
from walkindb import Client, Result, WalkinDBError

from .server_process import LIFTED_LIMITS, ServerProcess, closed_port_url

SERVER = ServerProcess(LIFTED_LIMITS)
TOKEN = re.compile(r"^wkn_[A-Za-z0-9_-]{107}$")
COUNT_TO = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < {}) SELECT n FROM c"


def setUpModule() -> None:
    SERVER.start()


def tearDownModule() -> None:
    SERVER.stop()


class SessionTests(unittest.TestCase):
    def test_first_call_creates_the_walkin_and_records_session_and_expiry(self) -> None:
        db = Client(SERVER.base_url)
        self.assertIsNone(db.session)
        self.assertIsNone(db.expires_at)
        before = time.time()
        result = db.execute("SELECT 1 AS one")
        self.assertEqual(result, Result(columns=["one"], rows=[[1]], rows_affected=0, truncated=False))
        self.assertRegex(db.session, TOKEN)
        self.assertIsInstance(db.expires_at, int)
        # Default TTL is 600 s from creation.
        self.assertLessEqual(abs(db.expires_at - (before + 600)), 3)

    def test_later_calls_reuse_the_walkin_and_keep_the_first_expiry(self) -> None:
        db = Client(SERVER.base_url)
        db.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)")
        token, expiry = db.session, db.expires_at
        inserted = db.execute("INSERT INTO notes(body) VALUES('hello')")
        self.assertEqual(inserted.rows_affected, 1)
        result = db.execute("SELECT * FROM notes")
        self.assertEqual(result.columns, ["id", "body"])
        self.assertEqual(result.rows, [[1, "hello"]])
        self.assertEqual(db.session, token)
        self.assertEqual(db.expires_at, expiry)

    def test_session_given_to_constructor_reaches_the_same_walkin(self) -> None:
        first = Client(SERVER.base_url)
        first.execute("CREATE TABLE shared(x); INSERT INTO shared VALUES(42)")
        second = Client(SERVER.base_url, session=first.session)
        self.assertEqual(second.session, first.session)
        self.assertEqual(second.execute("SELECT x FROM shared").rows, [[42]])
        self.assertEqual(second.session, first.session)
        # The expiry is only reported to the call that created the walk-in.
        self.assertIsNone(second.expires_at)

    def test_empty_session_counts_as_none(self) -> None:
        db = Client(SERVER.base_url, session="")
        self.assertIsNone(db.session)
        db.execute("SELECT 1")
        self.assertRegex(db.session, TOKEN)

    def test_reset_session_starts_a_new_empty_walkin(self) -> None:
        db = Client(SERVER.base_url)
        db.execute("CREATE TABLE gone(x)")
        old = db.session
        db.reset_session()
        self.assertIsNone(db.session)
        self.assertIsNone(db.expires_at)
        with self.assertRaises(WalkinDBError) as caught:
            db.execute("SELECT * FROM gone")
        self.assertEqual(caught.exception.status, 400)
        self.assertEqual(caught.exception.error, "invalid sql: no such table: gone")
        self.assertRegex(db.session, TOKEN)
        self.assertNotEqual(db.session, old)
        self.assertIsInstance(db.expires_at, int)

    def test_session_and_expires_at_are_read_only(self) -> None:
        db = Client(SERVER.base_url)
        with self.assertRaises(AttributeError):
            db.session = "wkn_x"  # type: ignore[misc]
        with self.assertRaises(AttributeError):
            db.expires_at = 1  # type: ignore[misc]

    def test_threads_sharing_a_fresh_client_create_one_walkin(self) -> None:
        db = Client(SERVER.base_url)
        before = SERVER.instance_count()
        results = []
        threads = [threading.Thread(target=lambda: results.append(db.execute("SELECT 7").rows)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(results, [[[7]]] * 8)
        self.assertEqual(SERVER.instance_count(), before + 1)
        db.close()

    def test_sequential_calls_reuse_one_kept_alive_connection(self) -> None:
        with Client(SERVER.base_url) as db:
            db.execute("CREATE TABLE k(x)")
            pool = db._transport._idle  # internals: the real server kept the connection open
            self.assertEqual(len(pool), 1)
            connection, local = pool[0], pool[0].sock.getsockname()
            for n in range(5):
                db.execute("INSERT INTO k VALUES (?)", [n])
            self.assertEqual(db.export_sql().count("INSERT INTO"), 5)
            self.assertEqual(pool, [connection])
            self.assertEqual(connection.sock.getsockname(), local)
        self.assertEqual(pool, [])  # closed on leaving the block


class BaseUrlTests(unittest.TestCase):
    def test_default_base_url_without_environment(self) -> None:
        with mock.patch.dict(os.environ):
            os.environ.pop("WALKINDB_BASE_URL", None)
            self.assertEqual(Client().base_url, "http://127.0.0.1:8080")

    def test_environment_supplies_the_base_url(self) -> None:
        with mock.patch.dict(os.environ, {"WALKINDB_BASE_URL": SERVER.base_url}):
            db = Client()
        self.assertEqual(db.base_url, SERVER.base_url)
        self.assertEqual(db.execute("SELECT 'env'").rows, [["env"]])

    def test_explicit_base_url_beats_the_environment(self) -> None:
        with mock.patch.dict(os.environ, {"WALKINDB_BASE_URL": closed_port_url()}):
            db = Client(SERVER.base_url)
        self.assertEqual(db.execute("SELECT 2").rows, [[2]])

    def test_trailing_slash_is_ignored(self) -> None:
        db = Client(SERVER.base_url + "/")
        self.assertEqual(db.base_url, SERVER.base_url)
        self.assertEqual(db.execute("SELECT 3").rows, [[3]])
        self.assertTrue(db.healthz())

    def test_non_http_base_url_is_refused(self) -> None:
        with self.assertRaises(ValueError):
            Client("ftp://127.0.0.1:1")


class ValueTests(unittest.TestCase):
    db: Client

    @classmethod
    def setUpClass(cls) -> None:
        cls.db = Client(SERVER.base_url)

    def test_result_value_types(self) -> None:
        result = self.db.execute(
            "SELECT 1 AS i, 2.0 AS r, 'tëxt ☃' AS t, NULL AS n, 9223372036854775807 AS big,"
            " -9223372036854775807 - 1 AS small, 1e308 * 10 AS inf, x'00ff10' AS b"
        )
        self.assertEqual(result.columns, ["i", "r", "t", "n", "big", "small", "inf", "b"])
        self.assertEqual(result.rows, [[1, 2.0, "tëxt ☃", None, 9223372036854775807, -9223372036854775808, None, b"\x00\xff\x10"]])
        row = result.rows[0]
        self.assertIs(type(row[0]), int)
        self.assertIs(type(row[1]), float)
        self.assertIs(type(row[7]), bytes)

    def test_positional_args_of_every_json_type(self) -> None:
        args = [True, False, None, 1.5, "tëxt ☃", 2**63 - 1, -(2**63), 3]
        result = self.db.execute("SELECT ?, ?, ?, ?, ?, ?, ?, typeof(?)", args)
        self.assertEqual(result.rows, [[1, 0, None, 1.5, "tëxt ☃", 2**63 - 1, -(2**63), "integer"]])

    def test_tuple_and_generator_args_bind_positionally(self) -> None:
        self.assertEqual(self.db.execute("SELECT ? + ?", (2, 3)).rows, [[5]])
        self.assertEqual(self.db.execute("SELECT ? * ?", (n for n in (4, 5))).rows, [[20]])

    def test_float_args_stay_real_and_int_args_stay_integer(self) -> None:
        self.assertEqual(self.db.execute("SELECT typeof(?1), ?1", [2.0]).rows, [["real", 2.0]])
        self.assertEqual(self.db.execute("SELECT typeof(?1), ?1", [2]).rows, [["integer", 2]])

    def test_positional_args_are_shared_out_across_statements(self) -> None:
        db = Client(SERVER.base_url)
        result = db.execute(
            "CREATE TABLE p(a, b); INSERT INTO p VALUES(?, ?); INSERT INTO p VALUES(?2, ?1);"
            " SELECT a, b FROM p ORDER BY rowid",
            [1, 2, 3, 4],
        )
        self.assertEqual(result.rows, [[1, 2], [4, 3]])
        self.assertEqual(result.rows_affected, 2)

    def test_named_args_bind_every_prefix(self) -> None:
        result = self.db.execute("SELECT :a + @b, $c, :a", {"a": 1, "b": 2, "c": "x"})
        self.assertEqual(result.rows, [[3, "x", 1]])

    def test_rows_affected_sums_the_writes(self) -> None:
        db = Client(SERVER.base_url)
        result = db.execute(
            "CREATE TABLE r(x); INSERT INTO r VALUES(1),(2),(3);"
            " UPDATE r SET x = x + 10 WHERE x > 1; DELETE FROM r WHERE x = 1"
        )
        self.assertEqual(result, Result(columns=[], rows=[], rows_affected=6, truncated=False))

    def test_columns_come_from_a_select_without_rows(self) -> None:
        result = self.db.execute("SELECT 1 AS a, 2 AS b WHERE 0")
        self.assertEqual(result, Result(columns=["a", "b"], rows=[], rows_affected=0, truncated=False))

    def test_rows_are_truncated_at_ten_thousand(self) -> None:
        result = self.db.execute(COUNT_TO.format(10001))
        self.assertTrue(result.truncated)
        self.assertEqual(len(result.rows), 10000)
        self.assertEqual(result.rows[0], [1])
        self.assertEqual(result.rows[-1], [10000])

    def test_exactly_ten_thousand_rows_are_not_truncated(self) -> None:
        result = self.db.execute(COUNT_TO.format(10000))
        self.assertFalse(result.truncated)
        self.assertEqual(len(result.rows), 10000)


class BlobTests(unittest.TestCase):
    db: Client

    @classmethod
    def setUpClass(cls) -> None:
        cls.db = Client(SERVER.base_url)

    def test_bytes_bytearray_and_memoryview_bind_as_blobs(self) -> None:
        data = bytes(range(256))
        for value in (data, bytearray(data), memoryview(data)):
            with self.subTest(kind=type(value).__name__):
                result = self.db.execute("SELECT typeof(?1), length(?1), hex(?1), ?1", [value])
                self.assertEqual(result.rows, [["blob", 256, data.hex().upper(), data]])
                self.assertIs(type(result.rows[0][3]), bytes)

    def test_empty_blob_round_trips(self) -> None:
        self.assertEqual(self.db.execute("SELECT typeof(?1), length(?1), ?1", [b""]).rows, [["blob", 0, b""]])

    def test_named_blob_is_stored_and_read_back(self) -> None:
        data = os.urandom(5000)
        self.db.execute("CREATE TABLE blobs(id INTEGER PRIMARY KEY, data BLOB)")
        self.db.execute("INSERT INTO blobs(data) VALUES(:data)", {"data": data})
        self.assertEqual(self.db.execute("SELECT data FROM blobs").rows, [[data]])

    def test_large_blob_from_the_server_decodes(self) -> None:
        result = self.db.execute("SELECT randomblob(500000) AS b")
        self.assertEqual(len(result.rows[0][0]), 500000)
        self.assertIs(type(result.rows[0][0]), bytes)


class FullTextTests(unittest.TestCase):
    def test_create_virtual_table_affects_no_rows(self) -> None:
        # the contract: only INSERT, REPLACE, UPDATE and DELETE count towards rows_affected.
        created = Client(SERVER.base_url).execute("CREATE VIRTUAL TABLE docs USING fts5(body)")
        self.assertEqual(created, Result(columns=[], rows=[], rows_affected=0, truncated=False))

    def test_fts5_table_ranks_passages_with_bm25(self) -> None:
        db = Client(SERVER.base_url)
        db.execute("CREATE VIRTUAL TABLE docs USING fts5(body)")
        inserted = db.execute(
            "INSERT INTO docs(rowid, body) VALUES (1, 'apples and pears'), (2, 'apples apples apples'), (3, 'nothing here')"
        )
        self.assertEqual(inserted.rows_affected, 3)
        ranked = db.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs)", ["apples"])
        self.assertEqual(ranked.rows, [[2], [1]])


class HealthzTests(unittest.TestCase):
    def test_live_server_is_healthy_and_no_walkin_is_created(self) -> None:
        db = Client(SERVER.base_url)
        before = SERVER.instance_count()
        self.assertIs(db.healthz(), True)
        self.assertIsNone(db.session)
        self.assertEqual(SERVER.instance_count(), before)

    def test_unreachable_server_is_not_healthy(self) -> None:
        self.assertIs(Client(closed_port_url()).healthz(), False)

    def test_wrong_path_is_not_healthy(self) -> None:
        self.assertIs(Client(SERVER.base_url + "/nowhere").healthz(), False)


class IdentityTests(unittest.TestCase):
    def test_version_and_default_user_agent(self) -> None:
        self.assertEqual(walkindb.__version__, "0.2.0")
        self.assertTrue(walkindb.__file__.startswith(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")))

    def test_user_agents_reach_the_access_log(self) -> None:
        Client(SERVER.base_url).execute("SELECT 'default agent'")
        Client(SERVER.base_url, user_agent="sdk-test-agent/1.0").execute("SELECT 'custom agent'")
        expected = {"walkindb-python/0.2.0", "sdk-test-agent/1.0"}
        seen = set()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not expected <= seen:
            seen = {json.loads(line).get("user_agent") for line in SERVER.access_log_lines() if line.strip()}
            time.sleep(0.1)
        self.assertLessEqual(expected, seen)


if __name__ == "__main__":
    unittest.main()
