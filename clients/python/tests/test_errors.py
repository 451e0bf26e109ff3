"""Every error status the server can send, mapped by the SDK to the
WalkinDBError subclass of its code."""

from __future__ import annotations

import json
import re
import socket
import time
import unittest
import urllib.error
import urllib.request

import walkindb
from walkindb import (
    ERROR_CLASSES,
    Client,
    ForbiddenSqlKeywordError,
    InstanceNotFoundError,
    InvalidSqlError,
    NetworkError,
    NotFoundError,
    QueryTimeoutError,
    RateLimitError,
    SqlError,
    StorageError,
    StorageQuotaExceededError,
    UnavailableError,
    WalkinDBError,
)
from walkindb._wire import error_from_response

from .server_process import LIFTED_LIMITS, REPO_ROOT, ServerProcess, closed_port_url

SERVER = ServerProcess(LIFTED_LIMITS)
ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
BAD_TOKEN = "wkn_" + "A" * 107


def setUpModule() -> None:
    SERVER.start()


def tearDownModule() -> None:
    SERVER.stop()


def api_error_table() -> dict:
    """code -> HTTP status, from the error table of docs/API.md."""
    rows = re.findall(r"^\| (\d{3}) \| .*? \| `([a-z_]+)` \|", (REPO_ROOT / "docs" / "API.md").read_text("utf-8"), re.M)
    return {code: int(status) for status, code in rows}


def log_count(status: int) -> int:
    return sum(1 for line in SERVER.access_log_lines() if line.strip() and json.loads(line).get("http_status") == status)


def await_log_count(status: int, at_least: int) -> int:
    deadline = time.monotonic() + 10
    while log_count(status) < at_least and time.monotonic() < deadline:
        time.sleep(0.05)  # polling the log file, not timing
    return log_count(status)


class ErrorClassTests(unittest.TestCase):
    GROUPS = {
        RateLimitError: {"rate_limited", "new_instance_rate_limited", "too_many_live_instances", "instance_rate_limited",
                         "import_rate_limited", "too_many_mcp_sessions"},
        UnavailableError: {"server_busy", "instance_busy", "server_draining"},
        SqlError: {"forbidden_sql_keyword", "forbidden_sql", "invalid_sql"},
        StorageError: {"storage_quota_exceeded", "server_storage_full"},
    }

    def test_every_code_of_the_api_error_table_has_its_class(self) -> None:
        table = api_error_table()
        self.assertGreaterEqual(len(table), 30)
        self.assertEqual(set(table), set(ERROR_CLASSES) - {"network_error"})
        for code, cls in ERROR_CLASSES.items():
            # PascalCase(code) + "Error", without doubling a code's own "_error".
            name = "".join(w.title() for w in code.split("_"))
            expected = "QueryTimeoutError" if code == "timeout" else name if name.endswith("Error") else name + "Error"
            self.assertEqual(cls.__name__, expected)
            self.assertIs(getattr(walkindb, cls.__name__), cls)  # exported from the package
            self.assertIn(cls.__name__, walkindb.__all__)

    def test_grouping_bases_hold_exactly_their_codes(self) -> None:
        for base, codes in self.GROUPS.items():
            self.assertEqual({code for code, cls in ERROR_CLASSES.items() if issubclass(cls, base)}, codes, base.__name__)
        table = api_error_table()
        self.assertEqual({c for c, status in table.items() if status == 429}, self.GROUPS[RateLimitError])

    def test_the_class_comes_from_the_code_not_the_message(self) -> None:
        error = error_from_response(400, None, b'{"error": "rate limit exceeded", "code": "invalid_sql"}')
        self.assertIs(type(error), InvalidSqlError)
        error = error_from_response(429, {"Retry-After": "3"}, b'{"error": "invalid sql: x", "code": "rate_limited"}')
        self.assertIsInstance(error, RateLimitError)
        self.assertEqual(error.retry_after, 3.0)

    def test_an_unknown_code_is_a_plain_walkindb_error_that_keeps_it(self) -> None:
        error = error_from_response(418, None, b'{"error": "something new", "code": "brand_new_code"}')
        self.assertIs(type(error), WalkinDBError)
        self.assertEqual((error.status, error.code, error.error), (418, "brand_new_code", "something new"))
        plain = error_from_response(502, None, b"<html>bad gateway</html>")
        self.assertIs(type(plain), WalkinDBError)
        self.assertIsNone(plain.code)

    def test_subclasses_pickle_and_repr_with_their_name(self) -> None:
        import pickle

        error = error_from_response(507, None, b'{"error": "instance storage quota exceeded", "code": "storage_quota_exceeded"}')
        copy = pickle.loads(pickle.dumps(error))
        self.assertIs(type(copy), StorageQuotaExceededError)
        self.assertEqual(repr(copy), repr(error))
        self.assertTrue(repr(error).startswith("StorageQuotaExceededError(status=507"))

    def test_real_answers_raise_their_classes(self) -> None:
        db = Client(SERVER.base_url)
        with self.assertRaises(InvalidSqlError) as caught:
            db.execute("SELEC 1")
        self.assertIsInstance(caught.exception, SqlError)
        with self.assertRaises(ForbiddenSqlKeywordError):
            db.execute("ATTACH DATABASE 'x' AS y")
        with self.assertRaises(InstanceNotFoundError):
            Client(SERVER.base_url, session=BAD_TOKEN).execute("SELECT 1")
        with self.assertRaises(NotFoundError):
            Client(SERVER.base_url + "/nope").execute("SELECT 1")
        with self.assertRaises(NetworkError) as network:
            Client(closed_port_url()).execute("SELECT 1")
        self.assertEqual((network.exception.status, network.exception.code), (0, "network_error"))

    def test_a_408_is_raised_as_query_timeout_and_never_retried(self) -> None:
        db = Client(SERVER.base_url, max_retries=2)
        db.execute("SELECT 1")
        before = await_log_count(408, 0)
        with self.assertRaises(QueryTimeoutError) as caught:
            db.execute(ENDLESS)
        self.assertEqual((caught.exception.status, caught.exception.code), (408, "timeout"))
        self.assertEqual(await_log_count(408, before + 1), before + 1)
        ok_before = log_count(200)
        db.execute("SELECT 'after'")  # a later request is logged after the 408 ...
        await_log_count(200, ok_before + 1)
        self.assertEqual(log_count(408), before + 1)  # ... and still one 408: no retry


class ErrorCase(unittest.TestCase):
    def raises(self, db: Client, sql: str, args: object = None) -> WalkinDBError:
        with self.assertRaises(WalkinDBError) as caught:
            db.execute(sql, args)
        return caught.exception


class BadRequestTests(ErrorCase):
    db: Client

    @classmethod
    def setUpClass(cls) -> None:
        cls.db = Client(SERVER.base_url)
        cls.db.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)")

    def test_sql_error_on_a_new_walkin_still_hands_over_the_session(self) -> None:
        db = Client(SERVER.base_url)
        error = self.raises(db, "SELEC 1")
        self.assertEqual(error.status, 400)
        self.assertEqual(error.error, 'invalid sql: near "SELEC": syntax error')
        self.assertIsNone(error.retry_after)
        # The walk-in was created before the SQL failed: the client keeps it.
        self.assertIsNotNone(db.session)
        self.assertIsInstance(db.expires_at, int)
        token = db.session
        self.assertEqual(db.execute("SELECT 1").rows, [[1]])
        self.assertEqual(db.session, token)

    def test_no_such_table_hints_at_the_tables_that_exist(self) -> None:
        error = self.raises(self.db, "SELECT * FROM missing")
        self.assertEqual((error.status, error.error), (400, "invalid sql: no such table: missing"))
        self.assertIsInstance(error.hint, str)
        self.assertIn("notes", error.hint)

    def test_no_such_column_hints_at_the_closest_column(self) -> None:
        error = self.raises(self.db, "SELECT bdy FROM notes")
        self.assertEqual((error.status, error.error), (400, "invalid sql: no such column: bdy"))
        self.assertIsInstance(error.hint, str)
        self.assertIn("body", error.hint)

    def test_double_quoted_string_hints_at_single_quotes(self) -> None:
        error = self.raises(self.db, 'INSERT INTO notes(body) VALUES("hello")')
        self.assertEqual((error.status, error.error), (400, "invalid sql: no such column: hello"))
        self.assertIsInstance(error.hint, str)
        self.assertIn("'hello'", error.hint)

    def test_statement_names_the_failing_statement(self) -> None:
        error = self.raises(self.db, "SELECT 1; SELECT 2; SELECT * FROM missing")
        self.assertEqual((error.status, error.error, error.statement), (400, "invalid sql: no such table: missing", 3))

    def test_a_failed_call_keeps_nothing(self) -> None:
        error = self.raises(self.db, "INSERT INTO notes(body) VALUES('lost'); SELECT * FROM missing")
        self.assertEqual((error.status, error.statement), (400, 2))
        self.assertEqual(self.db.execute("SELECT count(*) FROM notes WHERE body = 'lost'").rows, [[0]])

    def test_missing_sql_creates_no_walkin(self) -> None:
        for sql in ("", "   ", "-- only a comment"):
            with self.subTest(sql=sql):
                db = Client(SERVER.base_url)
                error = self.raises(db, sql)
                self.assertEqual((error.status, error.error), (400, "missing sql"))
                self.assertIsNone(db.session)

    def test_forbidden_keyword(self) -> None:
        db = Client(SERVER.base_url)
        error = self.raises(db, "ATTACH DATABASE 'other.db' AS other")
        self.assertEqual((error.status, error.error), (400, "forbidden sql keyword: ATTACH"))
        self.assertIsNone(error.hint)
        self.assertIsNone(db.session)

    def test_forbidden_by_the_authorizer(self) -> None:
        error = self.raises(self.db, "PRAGMA max_page_count = 100000")
        self.assertEqual((error.status, error.error), (400, "forbidden sql: PRAGMA max_page_count"))

    def test_invalid_args_from_the_server(self) -> None:
        cases = [
            ("SELECT ?", [1, 2]),  # a value left over
            ("SELECT ?, ?", [1]),  # a value missing
            ("SELECT ?", [2**63]),  # outside int64
            ("SELECT :a", {"a": 1, "b": 2}),  # a key nobody uses
            ("SELECT :a, :b", {"a": 1}),  # a parameter without a key
        ]
        for sql, args in cases:
            with self.subTest(sql=sql, args=args):
                error = self.raises(self.db, sql, args)
                self.assertEqual(error.status, 400)
                self.assertTrue(error.error.startswith("invalid args: "), error.error)

    def test_result_row_too_large(self) -> None:
        error = self.raises(self.db, "SELECT randomblob(1000000)")
        self.assertEqual((error.status, error.error), (400, "result row too large"))

    def test_unsupported_arg_types_fail_before_sending(self) -> None:
        db = Client(closed_port_url())  # nothing listens: proves no request is made
        with self.assertRaises(TypeError):
            db.execute("SELECT ?", [{1, 2}])
        with self.assertRaises(TypeError):
            db.execute("SELECT ?", [object()])
        with self.assertRaises(TypeError):
            db.execute("SELECT ?", "abc")
        with self.assertRaises(TypeError):
            db.execute(b"SELECT 1")  # type: ignore[arg-type]
        with self.assertRaises(ValueError):
            db.execute("SELECT ?", [float("nan")])


class NotFoundTests(ErrorCase):
    def test_unknown_session_raises_404_and_keeps_the_session(self) -> None:
        db = Client(SERVER.base_url, session=BAD_TOKEN)
        for _ in range(2):
            error = self.raises(db, "SELECT 1")
            self.assertEqual((error.status, error.error), (404, "instance not found"))
            self.assertEqual(db.session, BAD_TOKEN)
            self.assertIsNone(db.expires_at)
        db.reset_session()
        self.assertEqual(db.execute("SELECT 1").rows, [[1]])
        self.assertNotEqual(db.session, BAD_TOKEN)

    def test_tampered_session_raises_404(self) -> None:
        real = Client(SERVER.base_url)
        real.execute("SELECT 1")
        last = real.session[-1]
        tampered = real.session[:-1] + ("B" if last != "B" else "C")
        error = self.raises(Client(SERVER.base_url, session=tampered), "SELECT 1")
        self.assertEqual((error.status, error.error), (404, "instance not found"))

    def test_unknown_path_raises_404(self) -> None:
        db = Client(SERVER.base_url + "/nope")
        error = self.raises(db, "SELECT 1")
        self.assertEqual((error.status, error.error), (404, "not found"))
        self.assertIsNone(db.session)


class LimitTests(ErrorCase):
    def test_408_on_a_runaway_query_and_the_call_is_rolled_back(self) -> None:
        db = Client(SERVER.base_url)
        db.execute("SELECT 1")
        started = time.monotonic()
        error = self.raises(db, "CREATE TABLE t408(x); " + ENDLESS)
        elapsed = time.monotonic() - started
        self.assertEqual((error.status, error.error), (408, "query exceeded 2s timeout"))
        self.assertGreaterEqual(elapsed, 1.9)
        self.assertLess(elapsed, 8)
        self.assertEqual(db.execute("SELECT count(*) FROM sqlite_schema WHERE name = 't408'").rows, [[0]])

    def test_413_above_8192_bytes_and_not_at_8192(self) -> None:
        # Bodies built with the client's encoding: json.dumps defaults, UTF-8.
        overhead = len(json.dumps({"sql": "SELECT ''"}).encode("utf-8"))

        def sql_for_body_of(size: int) -> str:
            return "SELECT '" + "x" * (size - overhead) + "'"

        at_limit = sql_for_body_of(8192)
        self.assertEqual(len(json.dumps({"sql": at_limit}).encode("utf-8")), 8192)
        self.assertEqual(Client(SERVER.base_url).execute(at_limit).rows, [["x" * (8192 - overhead)]])
        fresh = Client(SERVER.base_url)
        error = self.raises(fresh, sql_for_body_of(8193))
        self.assertEqual((error.status, error.error), (413, "sql payload exceeds 8 KB"))
        self.assertIsNone(fresh.session)

    def test_415_maps_to_walkindb_error(self) -> None:
        # The client always sends JSON, so send the wrong media type by hand.
        request = urllib.request.Request(
            SERVER.base_url + "/sql", data=b'{"sql": "SELECT 1"}', headers={"Content-Type": "text/plain"}, method="POST"
        )
        with self.assertRaises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=10)
        response = caught.exception
        body = response.read()
        response.close()
        error = error_from_response(response.code, response.headers, body)
        self.assertEqual((error.status, error.error), (415, "content-type must be application/json"))
        self.assertIsNone(error.retry_after)
        self.assertIsNone(error.hint)
        self.assertIsNone(error.statement)

    def test_507_when_the_walkin_passes_10_mb_and_the_call_is_rolled_back(self) -> None:
        db = Client(SERVER.base_url)
        db.execute("CREATE TABLE big(b BLOB)")
        # 999 000 bytes: a row's record must stay under SQLite's 1 000 000-byte LENGTH limit.
        four_megabytes = (
            "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 4)"
            " INSERT INTO big SELECT randomblob(999000) FROM c"
        )
        self.assertEqual(db.execute(four_megabytes).rows_affected, 4)
        self.assertEqual(db.execute(four_megabytes).rows_affected, 4)
        error = self.raises(db, four_megabytes)
        self.assertEqual((error.status, error.error), (507, "instance storage quota exceeded"))
        self.assertEqual(db.execute("SELECT count(*) FROM big").rows, [[8]])


class NetworkErrorTests(ErrorCase):
    def test_closed_port_gives_status_0(self) -> None:
        db = Client(closed_port_url())
        error = self.raises(db, "SELECT 1")
        self.assertEqual(error.status, 0)
        self.assertIn("Connection refused", error.error)
        self.assertIsNone(error.retry_after)
        self.assertIsNone(db.session)

    def test_client_timeout_on_a_slow_query_gives_status_0(self) -> None:
        db = Client(SERVER.base_url, timeout=0.5)
        started = time.monotonic()
        error = self.raises(db, ENDLESS)
        elapsed = time.monotonic() - started
        self.assertEqual(error.status, 0)
        self.assertIn("timed out after 0.5s", error.error)
        self.assertLess(elapsed, 1.8)  # the client gave up, not the server's 2 s deadline
        self.assertIsNone(db.session)

    def test_server_that_never_answers_gives_status_0(self) -> None:
        # The kernel completes the connection from the backlog; nobody ever replies.
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen(8)
            db = Client("http://127.0.0.1:{}".format(silent.getsockname()[1]), timeout=0.3)
            error = self.raises(db, "SELECT 1")
            self.assertEqual(error.status, 0)
            self.assertIn("timed out", error.error)
            self.assertIs(db.healthz(), False)


if __name__ == "__main__":
    unittest.main()
