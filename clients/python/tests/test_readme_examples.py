"""The README's runnable examples, executed against a real server."""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
import time
import unittest
from pathlib import Path
from typing import Any, Dict, List
from unittest import mock

from walkindb import Client

from .server_process import LIFTED_LIMITS, ServerProcess

SERVER = ServerProcess(LIFTED_LIMITS)
README = Path(__file__).resolve().parents[1] / "README.md"


def setUpModule() -> None:
    SERVER.start()


def tearDownModule() -> None:
    SERVER.stop()


def python_block(containing: str) -> str:
    """The README's python block holding `containing`, preceded by blank lines
    so that tracebacks give README.md's own line numbers."""
    text = README.read_text(encoding="utf-8")
    blocks = [m for m in re.finditer(r"```python\n(.*?)```", text, re.S) if containing in m.group(1)]
    if len(blocks) != 1:
        raise AssertionError("expected one README python block containing {!r}, found {}".format(containing, len(blocks)))
    return "\n" * text.count("\n", 0, blocks[0].start(1)) + blocks[0].group(1)


def run_block(code: str) -> "tuple[Dict[str, Any], List[str]]":
    """exec a README block with WALKINDB_BASE_URL pointing at the test server."""
    namespace: Dict[str, Any] = {"__name__": "readme_example"}
    out = io.StringIO()
    with mock.patch.dict(os.environ, {"WALKINDB_BASE_URL": SERVER.base_url}), contextlib.redirect_stdout(out):
        exec(compile(code, str(README), "exec"), namespace)
    return namespace, out.getvalue().splitlines()


class ReadmeTests(unittest.TestCase):
    def test_quickstart_prints_what_its_comments_say(self) -> None:
        before = time.time()
        _, lines = run_block(python_block('db = Client()  # or Client('))
        self.assertEqual(lines[:3], ["['id', 'body']", "[[1, 'hello'], [2, 'world']]", "0"])
        self.assertLessEqual(abs(int(lines[3]) - (before + 600)), 3)
        self.assertEqual(len(lines), 4)

    def test_agent_tool_returns_results_and_readable_errors(self) -> None:
        namespace, _ = run_block(python_block("def run_sql("))
        run_sql = namespace["run_sql"]
        self.assertEqual(
            run_sql("CREATE TABLE seen(url TEXT, status INTEGER); INSERT INTO seen VALUES (?, ?), (?, ?)", ["https://a.test", 200, "https://b.test", 404]),
            {"columns": [], "rows": [], "rows_affected": 2, "truncated": False},
        )
        self.assertEqual(
            run_sql("SELECT url, x'00ff' FROM seen WHERE status = ?", [200]),
            {"columns": ["url", "x'00ff'"], "rows": [["https://a.test", {"base64": "AP8="}]], "rows_affected": 0, "truncated": False},
        )
        failed = run_sql("SELECT 1; SELECT * FROM seen_urls")
        self.assertEqual((failed["status"], failed["error"], failed["failed_statement"]), (400, "invalid sql: no such table: seen_urls", 2))
        self.assertIn("seen", failed["hint"])

    def test_agent_tool_reports_an_expired_walkin_and_starts_over(self) -> None:
        namespace, _ = run_block(python_block("def run_sql("))
        namespace["scratch"] = Client(SERVER.base_url, session="wkn_" + "A" * 107)
        reply = namespace["run_sql"]("SELECT 1")
        self.assertEqual((reply["status"], reply["error"]), (404, "instance not found"))
        self.assertIn("note", reply)
        self.assertIsNone(namespace["scratch"].session)
        self.assertEqual(namespace["run_sql"]("SELECT 1")["rows"], [[1]])

    def test_error_class_example_prints_what_its_comment_says(self) -> None:
        _, lines = run_block(python_block("except SqlError as exc:"))
        self.assertEqual(lines, ["InvalidSqlError invalid_sql"])

    def test_error_class_table_matches_the_client_and_the_api_error_table(self) -> None:
        from walkindb import ERROR_CLASSES

        from .test_errors import api_error_table

        text = README.read_text(encoding="utf-8")
        table = text[text.index("<!-- error-classes"):]
        rows = re.findall(r"^\| `([a-z_]+)`(?: \(client-side\))? \| `(\w+)`.*? \| (\d+)", table, re.M)
        documented = {code: (name, int(status)) for code, name, status in rows}
        self.assertEqual({code: cls.__name__ for code, cls in ERROR_CLASSES.items()},
                         {code: name for code, (name, _) in documented.items()})
        statuses = dict(api_error_table(), network_error=0)
        self.assertEqual(statuses, {code: status for code, (_, status) in documented.items()})

    def test_data_in_and_out_prints_what_its_comments_say(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            cwd = os.getcwd()
            os.chdir(tmp)
            try:
                namespace, lines = run_block(python_block("db.export_sql()"))
                exported = Path(tmp, "walkin.sqlite").read_bytes()
            finally:
                os.chdir(cwd)
        self.assertEqual(lines, ["cities ['name', 'population'] 2", "[['Oslo']]", "[[2]]"])
        self.assertTrue(exported.startswith(b"SQLite format 3\x00"))
        self.assertIn("INSERT INTO", namespace["dump"])
        self.assertNotEqual(namespace["copy"].session, namespace["db"].session)

    def test_rerank_recipe_puts_the_best_passages_first(self) -> None:
        namespace, lines = run_block(python_block("def rerank("))
        with mock.patch.dict(os.environ, {"WALKINDB_BASE_URL": SERVER.base_url}):
            ranking = namespace["rerank"]("how does bm25 ranking score a document?", namespace["candidates"], top_k=2)
        self.assertEqual([index for index, _ in ranking], [2, 1])
        scores = [score for _, score in ranking]
        self.assertTrue(all(isinstance(s, float) and s < 0 for s in scores), scores)
        self.assertEqual(scores, sorted(scores))
        self.assertEqual(lines, [repr(ranking)])

    def test_rerank_batches_many_passages_within_the_request_limits(self) -> None:
        namespace, _ = run_block(python_block("def rerank("))
        passages = ["filler passage number {} about nothing in particular".format(n) for n in range(300)]
        passages[217] = "the needle: walkindb deletes every walk-in after ten minutes"
        with mock.patch.dict(os.environ, {"WALKINDB_BASE_URL": SERVER.base_url}):
            ranking = namespace["rerank"]("needle walkindb", passages, top_k=3)
        self.assertEqual([index for index, _ in ranking], [217])


if __name__ == "__main__":
    unittest.main()
