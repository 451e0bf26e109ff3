"""Kept-alive connections, retries and concurrent calls, against a scripted
fake server (tests/fake_server.py): the real server's behaviour at these
edges depends on timing, the fake's does not. The same behaviours against
the real server are in test_retries.py and test_keepalive.py."""

from __future__ import annotations

import io
import os
import shutil
import ssl
import subprocess
import tempfile
import threading
import unittest
from typing import List, Optional
from unittest import mock

from walkindb import (
    Client,
    InstanceNotFoundError,
    NetworkError,
    QueryTimeoutError,
    RateLimitedError,
    RateLimitError,
    ServerBusyError,
    UnavailableError,
    WalkinDBError,
)

from .fake_server import Answer, FakeServer, Request

TOKEN = "wkn_fake"


def busy(retry_after: Optional[str] = "0") -> Answer:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return Answer(503, {"error": "server busy", "code": "server_busy"}, headers)


class KeepAliveTests(unittest.TestCase):
    def test_sequential_calls_share_one_connection(self) -> None:
        with FakeServer(lambda r: Answer()) as fake:
            db = Client(fake.base_url)
            for _ in range(5):
                self.assertEqual(db.execute("SELECT 1").rows, [[1]])
            db.close()
        self.assertEqual((len(fake.requests), fake.connections), (5, 1))
        self.assertEqual([r.number_on_connection for r in fake.requests], [1, 2, 3, 4, 5])

    def test_an_idle_connection_the_server_closed_is_replaced_before_sending(self) -> None:
        with FakeServer(lambda r: Answer(close_after=True)) as fake:
            db = Client(fake.base_url)
            db.execute("SELECT 1")
            self.assertTrue(fake.wait_for_closed(1))
            self.assertEqual(db.execute("SELECT 2").rows, [[1]])
            db.close()
        # Two requests, each sent once, on two connections.
        self.assertEqual((len(fake.requests), fake.connections), (2, 2))

    def test_connection_close_from_the_server_is_honoured(self) -> None:
        with FakeServer(lambda r: Answer(headers={"Connection": "close"})) as fake:
            db = Client(fake.base_url)
            for _ in range(3):
                db.execute("SELECT 1")
        self.assertEqual((len(fake.requests), fake.connections), (3, 3))

    def test_a_post_that_was_sent_and_never_answered_is_not_sent_again(self) -> None:
        # The server reads the second request of the connection whole, then hangs up:
        # it may have run it, so the client must not send it twice.
        with FakeServer(lambda r: None if r.number_on_connection == 2 else Answer()) as fake:
            db = Client(fake.base_url)
            db.execute("SELECT 1")
            with self.assertRaises(NetworkError) as caught:
                db.execute("INSERT INTO t VALUES (1)")
        self.assertEqual(len(fake.requests), 2)
        self.assertEqual((caught.exception.status, caught.exception.code), (0, "network_error"))
        self.assertIn("may or may not have run", caught.exception.error)

    def test_a_get_that_was_sent_and_never_answered_on_a_reused_connection_is_sent_once_more(self) -> None:
        with FakeServer(lambda r: None if (r.number_on_connection, r.connection) == (2, 1) else Answer()) as fake:
            db = Client(fake.base_url, session=TOKEN)
            db.execute("SELECT 1")
            self.assertTrue(db.export().startswith(b"{"))
        self.assertEqual([(r.method, r.connection) for r in fake.requests], [("POST", 1), ("GET", 1), ("GET", 2)])

    def test_no_answer_on_a_fresh_connection_is_never_resent(self) -> None:
        with FakeServer(lambda r: None) as fake:
            db = Client(fake.base_url, session=TOKEN)
            with self.assertRaises(NetworkError):
                db.export()
        self.assertEqual(len(fake.requests), 1)


class HttpsKeepAliveTests(unittest.TestCase):
    """The same pool over TLS, with a throw-away self-signed certificate that
    the client trusts through SSL_CERT_FILE (read by ssl.create_default_context)."""

    def setUp(self) -> None:
        if shutil.which("openssl") is None:
            self.skipTest("openssl is needed to make a test certificate")
        work = tempfile.mkdtemp(prefix="walkindb-tls-")
        self.addCleanup(shutil.rmtree, work, True)
        self.cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", self.cert],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.tls.load_cert_chain(self.cert, key)
        patcher = mock.patch.dict(os.environ, {"SSL_CERT_FILE": self.cert})
        patcher.start()
        self.addCleanup(patcher.stop)

    def test_sequential_https_calls_share_one_connection(self) -> None:
        with FakeServer(lambda r: Answer(), tls=self.tls) as fake:
            with Client(fake.base_url) as db:
                for _ in range(4):
                    self.assertEqual(db.execute("SELECT 1").rows, [[1]])
        self.assertEqual((len(fake.requests), fake.connections), (4, 1))

    def test_a_closed_idle_https_connection_is_replaced(self) -> None:
        with FakeServer(lambda r: Answer(close_after=True), tls=self.tls) as fake:
            with Client(fake.base_url) as db:
                db.execute("SELECT 1")
                self.assertTrue(fake.wait_for_closed(1))
                db.execute("SELECT 2")
        self.assertEqual((len(fake.requests), fake.connections), (2, 2))

    def test_an_untrusted_certificate_is_a_network_error(self) -> None:
        with FakeServer(lambda r: Answer(), tls=self.tls) as fake:
            with mock.patch.dict(os.environ, {"SSL_CERT_FILE": os.devnull}):
                db = Client(fake.base_url)
            with self.assertRaises(NetworkError) as caught:
                db.execute("SELECT 1")
        self.assertIn("CERTIFICATE_VERIFY_FAILED", caught.exception.error)


class RetryTests(unittest.TestCase):
    def setUp(self) -> None:
        patcher = mock.patch("walkindb.client.time.sleep")
        self.sleep = patcher.start()
        self.addCleanup(patcher.stop)

    def waits(self) -> List[float]:
        return [c.args[0] for c in self.sleep.call_args_list]

    def test_503_is_retried_twice_by_default_and_the_last_error_is_raised(self) -> None:
        with FakeServer(lambda r: busy("0")) as fake:
            with self.assertRaises(ServerBusyError) as caught:
                Client(fake.base_url).execute("SELECT 1")
        self.assertEqual(len(fake.requests), 3)
        self.assertIsInstance(caught.exception, UnavailableError)
        self.assertEqual((caught.exception.status, caught.exception.code), (503, "server_busy"))

    def test_a_429_then_success_returns_the_result_after_waiting_retry_after(self) -> None:
        answers = [Answer(429, {"error": "rate limit exceeded", "code": "rate_limited"}, {"Retry-After": "3"}), Answer()]
        with FakeServer(lambda r: answers.pop(0)) as fake:
            self.assertEqual(Client(fake.base_url).execute("SELECT 1").rows, [[1]])
        self.assertEqual(len(fake.requests), 2)
        self.assertEqual(self.waits(), [3.0])

    def test_without_retry_after_the_wait_is_one_second(self) -> None:
        answers = [busy(None), Answer()]
        with FakeServer(lambda r: answers.pop(0)) as fake:
            Client(fake.base_url).execute("SELECT 1")
        self.assertEqual(self.waits(), [1.0])

    def test_max_retries_zero_turns_retries_off(self) -> None:
        with FakeServer(lambda r: busy("0")) as fake:
            with self.assertRaises(ServerBusyError):
                Client(fake.base_url, max_retries=0).execute("SELECT 1")
        self.assertEqual(len(fake.requests), 1)
        self.assertEqual(self.waits(), [])

    def test_at_most_ten_seconds_are_waited_in_all(self) -> None:
        with FakeServer(lambda r: busy("4")) as fake:
            with self.assertRaises(ServerBusyError):
                Client(fake.base_url, max_retries=5).execute("SELECT 1")
        self.assertEqual(self.waits(), [4.0, 4.0])  # a third wait would pass 10 s
        self.assertEqual(len(fake.requests), 3)

    def test_a_retry_after_over_ten_seconds_is_raised_at_once(self) -> None:
        answer = Answer(429, {"error": "too many live instances", "code": "too_many_live_instances"}, {"Retry-After": "11"})
        with FakeServer(lambda r: answer) as fake:
            with self.assertRaises(RateLimitError) as caught:
                Client(fake.base_url).execute("SELECT 1")
        self.assertEqual((len(fake.requests), self.waits()), (1, []))
        self.assertEqual(caught.exception.retry_after, 11.0)

    def test_408_and_other_errors_are_never_retried(self) -> None:
        for status, code, cls in ((408, "timeout", QueryTimeoutError), (404, "instance_not_found", InstanceNotFoundError),
                                  (500, "internal_error", WalkinDBError), (502, None, WalkinDBError)):
            with self.subTest(status=status):
                body = {"error": "x", "code": code} if code else {"error": "bad gateway"}
                with FakeServer(lambda r: Answer(status, body, {"Retry-After": "0"})) as fake:
                    with self.assertRaises(cls) as caught:
                        Client(fake.base_url, max_retries=5).execute("SELECT 1")
                self.assertEqual(len(fake.requests), 1)
                self.assertEqual(caught.exception.status, status)
        self.assertEqual(self.waits(), [])

    def test_a_streamed_import_is_sent_whole_again(self) -> None:
        answers = [busy("0"), Answer(200, {"table": "t", "columns": ["a"], "rows_affected": 2})]
        with FakeServer(lambda r: answers.pop(0)) as fake:
            done = Client(fake.base_url).import_csv("t", io.BytesIO(b"a\n1\n2\n"))
        self.assertEqual(done.rows_affected, 2)
        self.assertEqual([r.body for r in fake.requests], [b"a\n1\n2\n"] * 2)

    def test_a_retried_first_call_takes_the_session_its_answer_carries(self) -> None:
        answers = [Answer(429, {"error": "new-instance rate limit exceeded", "code": "new_instance_rate_limited"},
                          {"Retry-After": "0"}),
                   Answer(headers={"X-Walkin-Session": TOKEN, "X-Walkin-Ttl": "2000000000"}),
                   Answer()]
        with FakeServer(lambda r: answers.pop(0)) as fake:
            db = Client(fake.base_url)
            db.execute("SELECT 1")
            db.execute("SELECT 2")
        self.assertEqual((db.session, db.expires_at), (TOKEN, 2000000000))
        self.assertEqual([r.headers.get("X-Walkin-Session") for r in fake.requests], [None, None, TOKEN])


class ConcurrencyTests(unittest.TestCase):
    def test_calls_with_a_session_run_at_the_same_time(self) -> None:
        # Each request is held until a second one arrives: calls that ran one at a
        # time would break the barrier (its timeout) and get a 500.
        barrier = threading.Barrier(2, timeout=20)

        def respond(request: Request) -> Answer:
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                return Answer(500, {"error": "calls were serialised", "code": "internal_error"})
            return Answer()

        with FakeServer(respond) as fake:
            db = Client(fake.base_url, session=TOKEN, timeout=30)
            outcomes: List[object] = []

            def call() -> None:
                try:
                    outcomes.append(db.execute("SELECT 1").rows)
                except WalkinDBError as exc:
                    outcomes.append(exc)

            threads = [threading.Thread(target=call) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        self.assertEqual(outcomes, [[[1]], [[1]]])
        self.assertEqual(fake.connections, 2)

    def test_when_the_creating_call_fails_the_next_waiting_call_creates_the_walkin(self) -> None:
        release = threading.Event()
        created = []

        def respond(request: Request) -> Answer:
            if request.headers.get("X-Walkin-Session") is None:
                if not created:
                    created.append(request)
                    release.wait(20)  # hold the first creating call while the others queue up
                    return Answer(500, {"error": "internal error", "code": "internal_error"})
                created.append(request)
                return Answer(headers={"X-Walkin-Session": TOKEN})
            return Answer()

        with FakeServer(respond) as fake:
            db = Client(fake.base_url, timeout=30)
            outcomes: List[object] = []
            lock = threading.Lock()

            def call() -> None:
                try:
                    rows: object = db.execute("SELECT 1").rows
                except WalkinDBError as exc:
                    rows = exc.status
                with lock:
                    outcomes.append(rows)

            first = threading.Thread(target=call)
            first.start()
            self.assertTrue(fake.wait_for_requests(1))
            others = [threading.Thread(target=call) for _ in range(4)]
            for thread in others:
                thread.start()
            release.set()
            for thread in [first] + others:
                thread.join()
        self.assertEqual(sorted(map(str, outcomes)), sorted(["500"] + ["[[1]]"] * 4))
        self.assertEqual(len(created), 2)  # the failed creating call, then exactly one more
        self.assertEqual(sum(1 for r in fake.requests if r.headers.get("X-Walkin-Session") == TOKEN), 3)
        self.assertEqual(db.session, TOKEN)


if __name__ == "__main__":
    unittest.main()
