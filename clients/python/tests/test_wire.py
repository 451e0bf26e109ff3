"""Wire encoding and error mapping, without a server."""

from __future__ import annotations

import email.utils
import http.client
import io
import os
import pickle
import tempfile
import time
import unittest
from decimal import Decimal

from pathlib import Path

from walkindb import CsvImport, Result, WalkinDBError
from walkindb._upload import csv_body
from walkindb._wire import (
    decode_value,
    encode_args,
    encode_batch,
    encode_value,
    error_from_response,
    parse_csv_import,
    parse_result,
    parse_results,
    parse_retry_after,
    parse_ttl,
)


def headers(**values: str) -> http.client.HTTPMessage:
    message = http.client.HTTPMessage()
    for name, value in values.items():
        message[name.replace("_", "-")] = value
    return message


class EncodeTests(unittest.TestCase):
    def test_scalars_pass_through(self) -> None:
        for value in (None, True, False, 0, -(2**63), 2**63 - 1, 1.5, "", "tëxt"):
            with self.subTest(value=value):
                self.assertIs(encode_value(value), value)

    def test_binary_values_become_base64_objects(self) -> None:
        for value in (b"\x00\x01\xff", bytearray(b"\x00\x01\xff"), memoryview(b"\x00\x01\xff")):
            with self.subTest(kind=type(value).__name__):
                self.assertEqual(encode_value(value), {"base64": "AAH/"})
        self.assertEqual(encode_value(b""), {"base64": ""})

    def test_non_finite_floats_are_refused(self) -> None:
        for value in (float("nan"), float("inf"), float("-inf")):
            with self.subTest(value=value), self.assertRaises(ValueError):
                encode_value(value)

    def test_other_types_are_refused(self) -> None:
        for value in (Decimal("1.5"), [1], {"base64": "AA=="}, object()):
            with self.subTest(value=value), self.assertRaises(TypeError):
                encode_value(value)

    def test_args_shapes(self) -> None:
        self.assertEqual(encode_args([1, b"\x00"]), [1, {"base64": "AA=="}])
        self.assertEqual(encode_args((1, 2)), [1, 2])
        self.assertEqual(encode_args({"a": None}), {"a": None})
        for bad in ("abc", b"abc", 5, {1: "x"}):
            with self.subTest(args=bad), self.assertRaises(TypeError):
                encode_args(bad)


class BatchEncodeTests(unittest.TestCase):
    def test_every_entry_form(self) -> None:
        entries = ["SELECT 1", ("SELECT ?", [b"\x00"]), ["SELECT :a", {"a": 1}], ("SELECT 2",), {"sql": "SELECT 3"}, ("SELECT 4", None)]
        self.assertEqual(
            encode_batch(entries),
            {
                "batch": [
                    {"sql": "SELECT 1"},
                    {"sql": "SELECT ?", "args": [{"base64": "AA=="}]},
                    {"sql": "SELECT :a", "args": {"a": 1}},
                    {"sql": "SELECT 2"},
                    {"sql": "SELECT 3"},
                    {"sql": "SELECT 4"},
                ]
            },
        )

    def test_any_iterable_of_entries_and_an_empty_one_pass_to_the_server(self) -> None:
        self.assertEqual(encode_batch(iter(["SELECT 1"])), {"batch": [{"sql": "SELECT 1"}]})
        self.assertEqual(encode_batch([]), {"batch": []})

    def test_bad_entries_are_refused_with_their_number(self) -> None:
        for entries in ("SELECT 1", b"SELECT 1", {"sql": "SELECT 1"}, 5):
            with self.subTest(entries=entries), self.assertRaises(TypeError):
                encode_batch(entries)
        for bad in (1, None, (), ("a", [], "b"), (1, []), {"sql": 1}, {"args": []}, {"sql": "x", "other": 1}):
            with self.subTest(entry=bad), self.assertRaises(TypeError) as caught:
                encode_batch(["SELECT 1", bad])
            self.assertIn("batch entry 2", str(caught.exception))


class CsvBodyTests(unittest.TestCase):
    def test_in_memory_forms_become_utf8_bytes(self) -> None:
        for data in ("a,b\né,1\n", "a,b\né,1\n".encode(), bytearray("a,b\né,1\n".encode()), memoryview("a,b\né,1\n".encode())):
            with self.subTest(kind=type(data).__name__):
                self.assertEqual(csv_body(data), ("a,b\né,1\n".encode(), 9))
        self.assertEqual(csv_body(io.BytesIO(b"x\n1\n")), (b"x\n1\n", 4))
        self.assertEqual(csv_body(io.StringIO("x\né\n")), ("x\né\n".encode(), 5))

    def test_a_path_is_streamed_with_its_length(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "data.csv"
            path.write_bytes(b"x\n" * 1000)
            body, length = csv_body(path)
            try:
                self.assertEqual(length, 2000)
                self.assertEqual(body.read(), b"x\n" * 1000)  # type: ignore[union-attr]
            finally:
                body.close()  # type: ignore[union-attr]

    def test_a_str_is_data_never_a_file_name(self) -> None:
        self.assertEqual(csv_body(os.devnull), (os.devnull.encode(), len(os.devnull)))

    def test_other_types_are_refused(self) -> None:
        for data in (None, 5, ["a"], io.BytesIO, object()):
            with self.subTest(data=data), self.assertRaises(TypeError):
                csv_body(data)


class DecodeTests(unittest.TestCase):
    def test_base64_objects_become_bytes(self) -> None:
        self.assertEqual(decode_value({"base64": "AAH/"}), b"\x00\x01\xff")
        self.assertEqual(decode_value({"base64": ""}), b"")

    def test_other_values_are_untouched(self) -> None:
        for value in (1, 2.0, "AAH/", None, {"base64": 1}, {"base64": "AA==", "x": 1}):
            with self.subTest(value=value):
                self.assertEqual(decode_value(value), value)

    def test_parse_result(self) -> None:
        body = b'{"columns":["b"],"rows":[[{"base64":"AAE="}]],"rows_affected":2,"truncated":true}'
        self.assertEqual(parse_result(200, body), Result(["b"], [[b"\x00\x01"]], 2, True))

    def test_parse_result_tolerates_missing_fields(self) -> None:
        self.assertEqual(parse_result(200, b'{"rows_affected":1}'), Result([], [], 1, False))

    def test_parse_results(self) -> None:
        body = b'{"results":[{"columns":["a"],"rows":[[1]],"rows_affected":0,"truncated":false},{"columns":[],"rows":[],"rows_affected":3,"truncated":true}]}'
        self.assertEqual(parse_results(200, body), [Result(["a"], [[1]], 0, False), Result([], [], 3, True)])
        for bad in (b'{"columns":[]}', b'{"results":{}}', b'{"results":[1]}', b"[]"):
            with self.subTest(body=bad), self.assertRaises(WalkinDBError):
                parse_results(200, bad)

    def test_parse_csv_import(self) -> None:
        body = b'{"table":"t","columns":["a","b"],"rows_affected":2}'
        self.assertEqual(parse_csv_import(200, body), CsvImport("t", ["a", "b"], 2))
        for bad in (b'{"columns":["a"]}', b'{"table":"t"}', b"nope"):
            with self.subTest(body=bad), self.assertRaises(WalkinDBError):
                parse_csv_import(200, bad)

    def test_malformed_bodies_raise_walkindb_error(self) -> None:
        for body in (b"not json", b"[1]", b'{"rows":[[{"base64":"@@@"}]]}'):
            with self.subTest(body=body), self.assertRaises(WalkinDBError) as caught:
                parse_result(200, body)
            self.assertEqual(caught.exception.status, 200)
            self.assertTrue(caught.exception.error.startswith("invalid response from server: "))


class ErrorMappingTests(unittest.TestCase):
    def test_json_error_with_hint_and_statement(self) -> None:
        body = b'{"error":"invalid sql: no such table: x","hint":"tables: notes","statement":2}'
        error = error_from_response(400, headers(), body)
        self.assertEqual(
            (error.status, error.error, error.hint, error.statement, error.retry_after),
            (400, "invalid sql: no such table: x", "tables: notes", 2, None),
        )

    def test_code_and_entry(self) -> None:
        body = b'{"error":"invalid sql: no such table: x","code":"invalid_sql","entry":3,"statement":1}'
        error = error_from_response(400, headers(), body)
        self.assertEqual((error.code, error.entry, error.statement), ("invalid_sql", 3, 1))
        self.assertEqual(str(error), "walkindb error 400: invalid sql: no such table: x (entry 3, statement 1)")
        plain = error_from_response(502, headers(), b"<html>")
        self.assertEqual((plain.code, plain.entry), (None, None))
        self.assertIsNone(error_from_response(400, headers(), b'{"error":"e","entry":false,"code":7}').entry)
        self.assertIsNone(error_from_response(400, headers(), b'{"error":"e","code":7}').code)

    def test_boolean_statement_is_ignored(self) -> None:
        self.assertIsNone(error_from_response(400, headers(), b'{"error":"e","statement":true}').statement)

    def test_retry_after_seconds(self) -> None:
        error = error_from_response(429, headers(Retry_After="17"), b'{"error":"rate limit exceeded"}')
        self.assertEqual((error.status, error.error, error.retry_after), (429, "rate limit exceeded", 17.0))
        self.assertIsInstance(error.retry_after, float)

    def test_non_json_body(self) -> None:
        error = error_from_response(502, headers(), b"<html>Bad gateway</html>\n")
        self.assertEqual((error.status, error.error), (502, "HTTP 502: <html>Bad gateway</html>"))
        self.assertEqual(error_from_response(400, None, b"").error, "HTTP 400")

    def test_redirect_names_its_target(self) -> None:
        error = error_from_response(301, headers(Location="https://example.test/sql"), b"")
        self.assertEqual(error.error, "HTTP 301 (redirected to https://example.test/sql)")

    def test_parse_retry_after(self) -> None:
        self.assertEqual(parse_retry_after("1.5"), 1.5)
        self.assertEqual(parse_retry_after(" 3 "), 3.0)
        for bad in (None, "", "soon", "-1", "nan", "inf"):
            with self.subTest(value=bad):
                self.assertIsNone(parse_retry_after(bad))
        in_a_minute = email.utils.formatdate(time.time() + 60, usegmt=True)
        self.assertAlmostEqual(parse_retry_after(in_a_minute), 60, delta=2)
        self.assertEqual(parse_retry_after(email.utils.formatdate(time.time() - 60, usegmt=True)), 0.0)

    def test_parse_ttl(self) -> None:
        self.assertEqual(parse_ttl("1775868670"), 1775868670)
        self.assertEqual(parse_ttl("1775868670.0"), 1775868670)
        for bad in (None, "", "later", "nan", "inf"):
            with self.subTest(value=bad):
                self.assertIsNone(parse_ttl(bad))


class ErrorObjectTests(unittest.TestCase):
    def test_str_carries_status_message_statement_and_hint(self) -> None:
        error = WalkinDBError(400, "invalid sql: no such column: hello", hint="use 'hello'", statement=2)
        self.assertEqual(str(error), "walkindb error 400: invalid sql: no such column: hello (statement 2)\nhint: use 'hello'")
        self.assertEqual(str(WalkinDBError(429, "rate limit exceeded", retry_after=2.5)), "walkindb error 429: rate limit exceeded\nretry after 2.5s")

    def test_pickle_round_trip(self) -> None:
        error = pickle.loads(pickle.dumps(WalkinDBError(429, "rate limit exceeded", 3.0, "h", 1, "rate_limited", 2)))
        self.assertEqual(
            (error.status, error.error, error.retry_after, error.hint, error.statement, error.code, error.entry),
            (429, "rate limit exceeded", 3.0, "h", 1, "rate_limited", 2),
        )

    def test_is_an_exception(self) -> None:
        self.assertTrue(issubclass(WalkinDBError, Exception))


if __name__ == "__main__":
    unittest.main()
