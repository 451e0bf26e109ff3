"""`python -m walkindb` run as a subprocess with PYTHONPATH=src."""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
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


def run_cli(args: List[str], env: Optional[Dict[str, str]] = None, stdin: Optional[str] = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k not in ("WALKINDB_BASE_URL", "WALKINDB_SESSION")}
    full_env["PYTHONPATH"] = SRC_DIR
    full_env.update(env or {})
    # Run outside the checkout so only PYTHONPATH can find the package.
    with tempfile.TemporaryDirectory() as cwd:
        return subprocess.run(
            [sys.executable, "-m", "walkindb"] + args,
            env=full_env,
            cwd=cwd,
            input=stdin if stdin is not None else "",
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


SESSION_LINE = re.compile(r"^WALKINDB_SESSION=(wkn_[A-Za-z0-9_-]{107})$", re.M)


class ExecTests(unittest.TestCase):
    def test_json_output_and_the_new_session_on_stderr(self) -> None:
        done = run_cli(["exec", "SELECT 1 AS one, 'x' AS two, NULL AS three, x'00ff' AS four", "--url", SERVER.base_url, "--json"])
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(json.loads(done.stdout), {"columns": ["one", "two", "three", "four"],
                                                   "rows": [[1, "x", None, {"base64": "AP8="}]],
                                                   "rows_affected": 0, "truncated": False})
        token = SESSION_LINE.search(done.stderr).group(1)  # type: ignore[union-attr]
        self.assertEqual(Client(SERVER.base_url, session=token).execute("SELECT 2").rows, [[2]])

    def test_the_session_is_reused_from_the_flag_or_the_environment_and_not_printed_again(self) -> None:
        created = run_cli(["exec", "CREATE TABLE t(n INTEGER, label TEXT); INSERT INTO t VALUES (7, 'seven'), (12, NULL)",
                           "--url", SERVER.base_url])
        self.assertEqual((created.returncode, created.stdout), (0, "ok, 2 rows affected\n"), created.stderr)
        token = SESSION_LINE.search(created.stderr).group(1)  # type: ignore[union-attr]
        by_flag = run_cli(["exec", "SELECT n, label FROM t ORDER BY n", "--url", SERVER.base_url, "--session", token, "--table"])
        self.assertEqual(by_flag.returncode, 0, by_flag.stderr)
        self.assertEqual(by_flag.stdout, " n | label\n---+------\n 7 | seven\n12 | NULL\n(2 rows)\n")
        self.assertEqual(by_flag.stderr, "")
        by_env = run_cli(["exec", "SELECT count(*) AS c FROM t", "--json"],
                         env={"WALKINDB_BASE_URL": SERVER.base_url, "WALKINDB_SESSION": token})
        self.assertEqual((by_env.returncode, json.loads(by_env.stdout)["rows"], by_env.stderr), (0, [[2]], ""))

    def test_sql_from_stdin(self) -> None:
        done = run_cli(["exec", "-", "--url", SERVER.base_url, "--json"], stdin="SELECT 40 + 2;\n")
        self.assertEqual((done.returncode, json.loads(done.stdout)["rows"]), (0, [[42]]), done.stderr)

    def test_exit_status_by_error_kind(self) -> None:
        bad_token = "wkn_" + "A" * 107
        cases = [
            (["exec", "SELEC 1", "--url", SERVER.base_url], 5, "walkindb error 400: invalid sql"),
            (["exec", "ATTACH DATABASE 'x' AS y", "--url", SERVER.base_url], 5, "walkindb error 400: forbidden sql keyword"),
            (["exec", "SELECT 1", "--url", SERVER.base_url, "--session", bad_token], 6, "walkindb error 404: instance not found"),
            (["exec", "SELECT 1", "--url", SERVER.base_url + "/nope"], 6, "walkindb error 404: not found"),
            (["exec", "SELECT 1", "--url", closed_port_url()], 3, "walkindb error 0: cannot reach"),
            (["exec", "SELECT '" + "x" * 9000 + "'", "--url", SERVER.base_url], 1, "walkindb error 413"),
            (["exec", "SELECT 1", "--json", "--table"], 2, "usage:"),
            (["exec"], 2, "usage:"),
            (["exec", "SELECT 1", "--url", "ftp://x"], 2, "usage:"),
        ]
        for args, status, stderr in cases:
            with self.subTest(args=args[:2]):
                done = run_cli(args)
                self.assertEqual(done.returncode, status, done.stderr)
                self.assertTrue(done.stderr.startswith(stderr), done.stderr)
                self.assertEqual(done.stdout, "")

    def test_a_failed_first_call_still_reports_the_walkin_it_created(self) -> None:
        done = run_cli(["exec", "SELEC 1", "--url", SERVER.base_url])
        self.assertEqual(done.returncode, 5)
        self.assertRegex(done.stderr, SESSION_LINE)


class ShellTests(unittest.TestCase):
    def test_a_session_driven_through_stdin(self) -> None:
        with tempfile.TemporaryDirectory() as work:
            csv_path = os.path.join(work, "cities.csv")
            with open(csv_path, "w", encoding="utf-8") as f:
                f.write("name,population\nOslo,709037\nBergen,291940\n")
            script = "\n".join([
                "CREATE TABLE notes(",
                "  id INTEGER PRIMARY KEY,",
                "  body TEXT",
                ");",
                "INSERT INTO notes(body) VALUES ('hello'), ('semi;colon');",
                "SELECT id, body FROM notes ORDER BY id;",
                ".tables",
                ".schema notes",
                ".import {} cities".format(csv_path),
                "SELECT name, population FROM cities ORDER BY population DESC;",
                ".export {}".format(os.path.join(work, "copy.sqlite")),
                ".export {}".format(os.path.join(work, "copy.sql")),
                ".export {}".format(os.path.join(work, "copy.txt")),
                ".session",
                ".bogus",
                "SELEC 1;",
                ".help",
                ".quit",
                "SELECT 'never run';",
            ]) + "\n"
            done = run_cli(["shell", "--url", SERVER.base_url], env={"HOME": work}, stdin=script)
            self.assertEqual(done.returncode, 0, done.stderr)
            out = done.stdout
            self.assertIn("ok, 0 rows affected\nok, 2 rows affected\n", out)
            self.assertIn("id | body\n---+-----------\n 1 | hello\n 2 | semi;colon\n(2 rows)\n", out)
            self.assertIn("\nnotes\n", out)  # .tables (before the import)
            self.assertIn("CREATE TABLE notes(\n  id INTEGER PRIMARY KEY,\n  body TEXT\n);\n", out)
            self.assertIn("imported 2 rows into cities (name, population)\n", out)
            self.assertIn("name   | population\n-------+-----------\nOslo   |     709037\nBergen |     291940\n(2 rows)\n", out)
            self.assertRegex(out, r"wrote .*copy\.sqlite \(\d+ bytes\)")
            self.assertRegex(out, r"wrote .*copy\.sql \(\d+ bytes\)")
            self.assertRegex(out, r"session wkn_[A-Za-z0-9_-]{107}\nexpires in \d+:\d\d\n")
            self.assertIn(".export FILE", out)  # .help
            self.assertNotIn("never run", out)
            err = done.stderr
            self.assertRegex(err, r"^new walk-in, session wkn_[A-Za-z0-9_-]{107}, expires in (10:00|9:\d\d)\n")
            self.assertIn("name the file .sqlite", err)
            self.assertIn("unknown command .bogus", err)
            self.assertIn("walkindb error 400: invalid sql", err)
            with sqlite3.connect(os.path.join(work, "copy.sqlite")) as copy:
                self.assertEqual(copy.execute("SELECT count(*) FROM notes").fetchone(), (2,))
                self.assertEqual(copy.execute("SELECT count(*) FROM cities").fetchone(), (2,))
            with open(os.path.join(work, "copy.sql"), encoding="utf-8") as f:
                self.assertIn("CREATE TABLE notes", f.read())
            self.assertFalse(os.path.exists(os.path.join(work, "copy.txt")))
            # Piped input is not interactive: no readline history written.
            self.assertFalse(os.path.exists(os.path.join(work, ".walkindb_history")))

    def test_an_existing_session_and_a_last_statement_without_semicolon(self) -> None:
        db = Client(SERVER.base_url)
        db.execute("CREATE TABLE kept(x); INSERT INTO kept VALUES (41)")
        done = run_cli(["shell", "--url", SERVER.base_url, "--session", db.session or "", "--timeout", "5"],
                       stdin=".session\nSELECT x + 1 AS y\nFROM kept")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout, "session {}\nexpiry unknown (the session was given, not created here)\n"
                                      " y\n--\n42\n(1 row)\n".format(db.session))
        self.assertEqual(done.stderr, "")

    def test_the_prompt_counts_down_to_expiry(self) -> None:
        from walkindb._cli_output import countdown
        from walkindb._shell import Shell

        db = Client(SERVER.base_url)
        shell = Shell(db, io.StringIO(), io.StringIO(), io.StringIO(), interactive=True)
        self.assertEqual(shell.prompt(False), "walkindb (new)> ")
        db.execute("SELECT 1")
        self.assertRegex(shell.prompt(False), r"^walkindb (10:00|9:[0-5]\d)> $")
        self.assertEqual(shell.prompt(True), "    ...> ")
        self.assertEqual(countdown(1000, now=1000 - 61), "1:01")
        self.assertEqual(countdown(1000, now=1000), "expired")
        self.assertIsNone(countdown(None))
        self.assertEqual(Shell(Client(SERVER.base_url, session="wkn_x"), io.StringIO(), io.StringIO(), io.StringIO(),
                               interactive=True).prompt(False), "walkindb> ")


if __name__ == "__main__":
    unittest.main()
