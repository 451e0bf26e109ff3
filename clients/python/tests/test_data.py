"""Client.batch, export, export_sql, import_csv and import_sql against a real server."""

from __future__ import annotations

import io
import os
import re
import sqlite3
import tempfile
import unittest
from pathlib import Path

from walkindb import Client, CsvImport, Result, WalkinDBError

from .server_process import LIFTED_LIMITS, ServerProcess, closed_port_url

SERVER = ServerProcess(LIFTED_LIMITS)
TOKEN = re.compile(r"^wkn_[A-Za-z0-9_-]{107}$")
BAD_TOKEN = "wkn_" + "A" * 107
COUNT_TO = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < {}) SELECT n FROM c"
CSV = "id,name,score\n1,ada,9.5\n2,\"grace, rear admiral\",\n3,\"line\nbreak\",7\n"
CSV_ROWS = [[1, "ada", 9.5], [2, "grace, rear admiral", None], [3, "line\nbreak", 7.0]]


def setUpModule() -> None:
    SERVER.start()


def tearDownModule() -> None:
    SERVER.stop()


class DataCase(unittest.TestCase):
    def raises(self, call, *args, **kwargs) -> WalkinDBError:  # type: ignore[no-untyped-def]
        with self.assertRaises(WalkinDBError) as caught:
            call(*args, **kwargs)
        return caught.exception


class BatchTests(DataCase):
    def test_one_result_per_entry_in_every_entry_form(self) -> None:
        db = Client(SERVER.base_url)
        results = db.batch(
            [
                "CREATE TABLE t(a INTEGER, b)",
                ("INSERT INTO t VALUES (?, ?), (?, ?)", [1, "one", 2, b"\x00\xff"]),
                {"sql": "INSERT INTO t VALUES (:a, :b)", "args": {"a": 3, "b": 3.5}},
                ["SELECT a, b FROM t ORDER BY a"],
            ]
        )
        self.assertEqual(
            results,
            [
                Result([], [], 0, False),
                Result([], [], 2, False),
                Result([], [], 1, False),
                Result(["a", "b"], [[1, "one"], [2, b"\x00\xff"], [3, 3.5]], 0, False),
            ],
        )

    def test_a_batch_creates_the_walkin_and_the_client_keeps_it(self) -> None:
        db = Client(SERVER.base_url)
        db.batch(["CREATE TABLE kept(x)", "INSERT INTO kept VALUES (7)"])
        self.assertRegex(db.session, TOKEN)
        self.assertIsInstance(db.expires_at, int)
        self.assertEqual(db.execute("SELECT x FROM kept").rows, [[7]])

    def test_an_entry_of_several_statements_gives_its_last_result(self) -> None:
        results = Client(SERVER.base_url).batch(["SELECT 1; SELECT 2 AS two", "SELECT 3 AS three"])
        self.assertEqual([(r.columns, r.rows) for r in results], [(["two"], [[2]]), (["three"], [[3]])])

    def test_a_failing_entry_undoes_the_whole_batch_and_is_named(self) -> None:
        db = Client(SERVER.base_url)
        db.execute("CREATE TABLE notes(body TEXT)")
        error = self.raises(db.batch, ["INSERT INTO notes VALUES ('lost')", "SELECT 1; SELECT * FROM missing"])
        self.assertEqual(
            (error.status, error.code, error.error, error.entry, error.statement),
            (400, "invalid_sql", "invalid sql: no such table: missing", 2, 2),
        )
        self.assertIn("(entry 2, statement 2)", str(error))
        self.assertEqual(db.execute("SELECT count(*) FROM notes").rows, [[0]])

    def test_bad_args_name_their_entry(self) -> None:
        error = self.raises(Client(SERVER.base_url).batch, ["SELECT 1", ("SELECT ?", [1, 2])])
        self.assertEqual((error.status, error.code, error.entry), (400, "invalid_args", 2))
        self.assertTrue(error.error.startswith("invalid args: "), error.error)

    def test_no_entries_or_too_many_is_invalid_batch(self) -> None:
        for entries in ([], ["SELECT 1"] * 51):
            with self.subTest(count=len(entries)):
                db = Client(SERVER.base_url)
                error = self.raises(db.batch, entries)
                self.assertEqual(
                    (error.status, error.code, error.error), (400, "invalid_batch", "invalid batch: must have 1 to 50 entries")
                )
                self.assertIsNone(db.session)

    def test_fifty_entries_are_accepted(self) -> None:
        results = Client(SERVER.base_url).batch([("SELECT ?", [n]) for n in range(50)])
        self.assertEqual([r.rows for r in results], [[[n]] for n in range(50)])

    def test_the_row_cap_spans_the_batch_and_later_entries_still_run(self) -> None:
        db = Client(SERVER.base_url)
        db.execute("CREATE TABLE after(x)")
        first, second = db.batch([COUNT_TO.format(10000), "INSERT INTO after VALUES (1) RETURNING x"])
        self.assertEqual((len(first.rows), first.truncated), (10000, False))
        self.assertEqual(second, Result(["x"], [], 1, True))
        self.assertEqual(db.execute("SELECT x FROM after").rows, [[1]])

    def test_entries_that_cannot_be_sent_fail_before_sending(self) -> None:
        db = Client(closed_port_url())  # nothing listens: proves no request is made
        for entries in ("SELECT 1", [("SELECT ?", [object()])], [42], [("SELECT 1", [], "extra")], [{"sql": "SELECT 1", "x": 1}]):
            with self.subTest(entries=entries), self.assertRaises(TypeError):
                db.batch(entries)
        with self.assertRaises(ValueError):
            db.batch([("SELECT ?", [float("inf")])])


class ExportTests(DataCase):
    db: Client

    @classmethod
    def setUpClass(cls) -> None:
        cls.db = Client(SERVER.base_url)
        cls.db.execute(
            "CREATE TABLE things(id INTEGER PRIMARY KEY, name TEXT, price REAL, data BLOB);"
            " CREATE INDEX things_name ON things(name);"
            " INSERT INTO things(name, price, data) VALUES (?, ?, ?), (?, ?, ?), ('it''s', NULL, NULL)",
            ["tëxt ☃\nline two", 0.1, bytes(range(256)), "third", 1 / 3, b""],
        )

    def test_export_is_a_sqlite_file_with_the_rows(self) -> None:
        data = self.db.export()
        self.assertIsInstance(data, bytes)
        self.assertTrue(data.startswith(b"SQLite format 3\x00"), data[:16])
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "walkin.sqlite")
            with open(path, "wb") as f:
                f.write(data)
            connection = sqlite3.connect(path)
            try:
                rows = connection.execute("SELECT id, name, price, data FROM things ORDER BY id").fetchall()
                indexes = connection.execute("SELECT name FROM sqlite_schema WHERE type = 'index'").fetchall()
            finally:
                connection.close()
        self.assertEqual(
            rows,
            [(1, "tëxt ☃\nline two", 0.1, bytes(range(256))), (2, "third", 1 / 3, b""), (3, "it's", None, None)],
        )
        self.assertEqual(indexes, [("things_name",)])

    def test_export_sql_round_trips_through_import_sql_into_a_fresh_walkin(self) -> None:
        dump = self.db.export_sql()
        self.assertIsInstance(dump, str)
        self.assertTrue(dump.startswith("BEGIN TRANSACTION;"), dump[:40])
        self.assertTrue(dump.rstrip().endswith("COMMIT;"), dump[-40:])
        fresh = Client(SERVER.base_url)
        fresh.import_sql(dump)
        self.assertRegex(fresh.session, TOKEN)
        self.assertNotEqual(fresh.session, self.db.session)
        for query in (
            "SELECT id, name, price, data, typeof(price), typeof(data) FROM things ORDER BY id",
            "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name",
        ):
            with self.subTest(query=query):
                self.assertEqual(fresh.execute(query), self.db.execute(query))
        self.assertEqual(fresh.execute("SELECT price FROM things WHERE id = 2").rows, [[1 / 3]])

    def test_export_without_a_session_is_missing_session(self) -> None:
        db = Client(SERVER.base_url)
        for export in (db.export, db.export_sql):
            with self.subTest(call=export.__name__):
                error = self.raises(export)
                self.assertEqual((error.status, error.code, error.error), (400, "missing_session", "missing session"))
                self.assertIsNone(db.session)

    def test_export_of_an_unknown_walkin_is_instance_not_found(self) -> None:
        db = Client(SERVER.base_url, session=BAD_TOKEN)
        for export in (db.export, db.export_sql):
            with self.subTest(call=export.__name__):
                error = self.raises(export)
                self.assertEqual((error.status, error.code, error.error), (404, "instance_not_found", "instance not found"))
                self.assertEqual(db.session, BAD_TOKEN)

    def test_an_empty_walkin_exports(self) -> None:
        db = Client(SERVER.base_url)
        db.execute("SELECT 1")
        self.assertTrue(db.export().startswith(b"SQLite format 3\x00"))
        dump = db.export_sql()
        self.assertTrue(dump.startswith("BEGIN TRANSACTION;"), dump)
        self.assertNotIn("CREATE", dump)


class ImportCsvTests(DataCase):
    def assert_imported(self, db: Client, table: str, answer: CsvImport) -> None:
        self.assertEqual(answer, CsvImport(table=table, columns=["id", "name", "score"], rows_affected=3))
        result = db.execute("SELECT id, name, score FROM {} ORDER BY id".format(table))
        self.assertEqual(result.rows, CSV_ROWS)
        # The inferred column types: "7" is stored as REAL 7.0 in a REAL column.
        types = db.execute("SELECT typeof(id), typeof(name), typeof(score) FROM {} WHERE id = 3".format(table)).rows
        self.assertEqual(types, [["integer", "text", "real"]])

    def test_every_kind_of_data(self) -> None:
        db = Client(SERVER.base_url)
        raw = CSV.encode("utf-8")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "people.csv"
            path.write_bytes(raw)
            kinds = [
                ("from_str", lambda: CSV),
                ("from_bytes", lambda: raw),
                ("from_bytearray", lambda: bytearray(raw)),
                ("from_memoryview", lambda: memoryview(raw)),
                ("from_bom", lambda: b"\xef\xbb\xbf" + raw),
                ("from_path", lambda: path),
                ("from_bytesio", lambda: io.BytesIO(raw)),
                ("from_stringio", lambda: io.StringIO(CSV)),
            ]
            for table, data in kinds:
                with self.subTest(kind=table):
                    self.assert_imported(db, table, db.import_csv(table, data()))
            with open(path, "rb") as binary:
                self.assert_imported(db, "from_binary_file", db.import_csv("from_binary_file", binary))
            with open(path, encoding="utf-8", newline="") as text:
                self.assert_imported(db, "from_text_file", db.import_csv("from_text_file", text))

    def test_an_import_creates_the_walkin_and_the_client_keeps_it(self) -> None:
        db = Client(SERVER.base_url)
        db.import_csv("people", CSV)
        self.assertRegex(db.session, TOKEN)
        self.assertIsInstance(db.expires_at, int)
        self.assertEqual(db.execute("SELECT count(*) FROM people").rows, [[3]])

    def test_without_a_header_the_columns_are_numbered(self) -> None:
        db = Client(SERVER.base_url)
        answer = db.import_csv("bare", "1,x\n2,y\n", header=False)
        self.assertEqual(answer, CsvImport("bare", ["c1", "c2"], 2))
        self.assertEqual(db.execute("SELECT c1, c2 FROM bare ORDER BY c1").rows, [[1, "x"], [2, "y"]])

    def test_an_existing_table_gets_rows_appended_by_column_name(self) -> None:
        db = Client(SERVER.base_url)
        db.execute("CREATE TABLE kv(k TEXT, v INTEGER)")
        self.assertEqual(db.import_csv("kv", "v,k\n1,a\n2,b\n"), CsvImport("kv", ["v", "k"], 2))
        self.assertEqual(db.execute("SELECT k, v FROM kv ORDER BY v").rows, [["a", 1], ["b", 2]])

    def test_refusals_carry_the_servers_code_and_change_nothing(self) -> None:
        db = Client(SERVER.base_url)
        db.execute("CREATE TABLE kv(k TEXT, v INTEGER); INSERT INTO kv VALUES ('keep', 1)")
        cases = [
            ("kv", "k,nope\na,1\n", "invalid_csv"),  # a column the table lacks
            ("kv", 'k,v\n"unclosed,1\n', "invalid_csv"),
            ("kv", "k,v\na,1,extra\n", "invalid_csv"),
            ("kv; DROP TABLE kv", "k,v\na,1\n", "invalid_table_name"),
            ("sqlite_master", "k\na\n", "invalid_table_name"),
        ]
        for table, data, code in cases:
            with self.subTest(table=table, data=data):
                error = self.raises(db.import_csv, table, data)
                self.assertEqual((error.status, error.code), (400, code), error.error)
        self.assertEqual(db.execute("SELECT k, v FROM kv").rows, [["keep", 1]])
        error = self.raises(db.import_csv, "bad_utf8", b"a\n\xff\xfe\n")
        self.assertEqual((error.status, error.code), (400, "invalid_csv"))
        self.assertEqual(db.execute("SELECT count(*) FROM sqlite_schema WHERE name = 'bad_utf8'").rows, [[0]])

    def test_an_unknown_walkin_is_instance_not_found(self) -> None:
        error = self.raises(Client(SERVER.base_url, session=BAD_TOKEN).import_csv, "t", CSV)
        self.assertEqual((error.status, error.code), (404, "instance_not_found"))

    def test_wrong_argument_types_fail_before_sending(self) -> None:
        db = Client(closed_port_url())
        for table, data in ((b"t", CSV), ("t", 42), ("t", ["a,b"]), ("t", io.BytesIO))):
            with self.subTest(table=table, data=data), self.assertRaises(TypeError):
                db.import_csv(table, data)  # type: ignore[arg-type]


class ImportSqlTests(DataCase):
    def test_a_script_over_8_kb_runs_as_one_call(self) -> None:
        db = Client(SERVER.base_url)
        script = "CREATE TABLE n(x INTEGER);\n" + "".join("INSERT INTO n VALUES ({});\n".format(i) for i in range(2000))
        script += "SELECT count(*) AS c, sum(x) AS s FROM n;"
        self.assertGreater(len(script.encode("utf-8")), 8192)
        result = db.import_sql(script)
        self.assertEqual(result, Result(["c", "s"], [[2000, 1999000]], 2000, False))
        self.assertRegex(db.session, TOKEN)
        self.assertIsInstance(db.expires_at, int)

    def test_a_failing_statement_undoes_the_script(self) -> None:
        db = Client(SERVER.base_url)
        db.execute("SELECT 1")
        error = self.raises(db.import_sql, "CREATE TABLE a(x);\nINSERT INTO a VALUES (1);\nINSERT INTO nope VALUES (1);")
        self.assertEqual((error.status, error.code, error.statement), (400, "invalid_sql", 3))
        self.assertEqual(db.execute("SELECT count(*) FROM sqlite_schema").rows, [[0]])

    def test_what_execute_refuses_the_import_refuses(self) -> None:
        db = Client(SERVER.base_url)
        db.execute("CREATE TABLE t(x)")
        for script, code in (
            ("INSERT INTO t VALUES (1); ATTACH DATABASE 'x.db' AS x;", "forbidden_sql_keyword"),
            ("INSERT INTO t VALUES (1); PRAGMA max_page_count = 100000;", "forbidden_sql"),
        ):
            with self.subTest(script=script):
                error = self.raises(db.import_sql, script)
                self.assertEqual((error.status, error.code), (400, code), error.error)
        self.assertEqual(db.execute("SELECT count(*) FROM t").rows, [[0]])

    def test_a_script_must_be_a_str(self) -> None:
        with self.assertRaises(TypeError):
            Client(closed_port_url()).import_sql(b"SELECT 1")  # type: ignore[arg-type]


if __name__ == "__main__":
    unittest.main()
