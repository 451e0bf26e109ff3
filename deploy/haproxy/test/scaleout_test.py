#!/usr/bin/env python3
"""Scale-out on one machine: 3 walkindb nodes (the real jar) behind 2 HAProxies with peers.

Real processes on loopback, each node with its own temporary data directory and ports, the
proxies with deploy/haproxy/haproxy.cfg as it ships (only addresses, and three budgets made
small enough to reach quickly, come from the environment). Checks, in order:

  1. 1 000 walk-ins, created through both proxies from 200 client addresses (127.1.x.y), each
     reach their home node on every later call, through either proxy (X-Walkin-Node names the
     node; a call sent elsewhere could not succeed, as each node's tokens verify there only);
  2. per-client limits hold across nodes: requests, new walk-ins, live walk-ins, connections,
     with the node's JSON bodies and Retry-After;
  3. a drained node takes no new walk-ins and still serves its own;
  4. one proxy restarted while its peer lives keeps every session;
  5. a node killed: its walk-ins get the proxy's 404 instance_not_found, new walk-ins go to the
     others, and every other walk-in keeps its data.

Bounded: every wait has a deadline, a watchdog ends the run after WALL_SECONDS, and only the
processes started here are stopped (by PID). Exit status 0 when every check passed.
Needs: haproxy (scripts/ensure-haproxy), Java 25 (scripts/find-java or $WALKINDB_JAVA), the jar
($WALKINDB_SERVER_JAR, default server/target/walkindb-server.jar).
"""
import concurrent.futures
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CONFIG = ROOT / "deploy" / "haproxy" / "haproxy.cfg"
WALL_SECONDS = 420
WALKINS = 1000
CLIENTS = 200
NOT_FOUND = {"error": "instance not found", "code": "instance_not_found"}
READY_LINE = re.compile(r"walkindb listening on http://127\.0\.0\.1:(\d+)")

children = []  # every process started here, to stop by PID


def log(*parts):
    print("[scaleout {:6.1f}s]".format(time.monotonic() - START), *parts, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, predicate, seconds=30.0, every=0.1):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("timed out after {:g}s waiting for {}".format(seconds, what))


def check(condition, message):
    if not condition:
        raise AssertionError(message)


# ---- HTTP -------------------------------------------------------------------------------------

class Reply:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)

    def header(self, name):
        return self.headers.get(name.lower())


def call(port, method, path, body=None, session=None, source="127.0.0.1", content_type="application/json",
         timeout=30, extra=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    try:
        headers = dict(extra or {}, Connection="close")
        if body is not None:
            headers["Content-Type"] = content_type
        if session:
            headers["X-Walkin-Session"] = session
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        return Reply(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    finally:
        conn.close()


def sql(port, text, session=None, source="127.0.0.1"):
    return call(port, "POST", "/sql", json.dumps({"sql": text}).encode(), session, source)


# ---- processes --------------------------------------------------------------------------------

def java_binary():
    if os.environ.get("WALKINDB_JAVA"):
        return os.environ["WALKINDB_JAVA"]
    return subprocess.run([str(ROOT / "scripts" / "find-java")], check=True, stdout=subprocess.PIPE,
                          universal_newlines=True).stdout.strip()


class Node:
    def __init__(self, name, work):
        self.name = name
        self.port = free_port()
        self.admin = free_port()
        self.data = tempfile.mkdtemp(prefix="data-" + name + "-", dir=work)
        self.output = []
        self.process = None

    def start(self, java, jar, extra=None):
        env = {k: v for k, v in os.environ.items() if not k.startswith("WALKINDB_")}
        env.update(WALKINDB_JAVA=java, WALKINDB_ADDR="127.0.0.1:{}".format(self.port),
                   WALKINDB_ADMIN_ADDR="127.0.0.1:{}".format(self.admin), WALKINDB_DATA_DIR=self.data,
                   WALKINDB_NODE_NAME=self.name, WALKINDB_RATE_LIMITS="edge",
                   WALKINDB_TRUSTED_PROXIES="127.0.0.1/32", WALKINDB_ISOLATION="inprocess",
                   WALKINDB_WORKER_WARMUP="off")
        env.update(extra or {})
        self.process = subprocess.Popen([str(ROOT / "scripts" / "run-jar"), jar], env=env,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, universal_newlines=True, errors="replace")
        children.append(self.process)
        threading.Thread(target=self._drain_output, daemon=True).start()

    def _drain_output(self):
        for line in self.process.stdout:
            self.output.append(line)

    def ready(self):
        if self.process.poll() is not None:
            raise AssertionError("node {} exited {}:\n{}".format(self.name, self.process.returncode,
                                                                "".join(self.output[-30:])))
        return any(READY_LINE.search(line) for line in self.output)

    def admin_call(self, method, path):
        return call(self.admin, method, path)

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


class Proxy:
    def __init__(self, name, work, nodes, peers, limits):
        self.name = name
        self.port = free_port()
        self.socket = os.path.join(work, name + ".sock")
        self.env = dict(os.environ)
        self.env.update(WALKIN_PROXY_NAME=name, WALKIN_LISTEN="127.0.0.1:{}".format(self.port),
                        WALKIN_SOCKET=self.socket, WALKIN_PEER_A=peers[0], WALKIN_PEER_B=peers[1])
        for i, n in enumerate(nodes, 1):
            self.env["WALKIN_NODE{}".format(i)] = "127.0.0.1:{}".format(n.port)
        self.env.update(limits)
        self.log = os.path.join(work, name + ".log")
        self.process = None

    def start(self):
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(["haproxy", "-db", "-f", str(CONFIG)], env=self.env,
                                            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        children.append(self.process)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    def command(self, text):
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(10)
            s.connect(self.socket)
            s.sendall(text.encode() + b"\n")
            chunks = []
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def server_states(self, backend):
        """{server name: operational state} (2 = up, 0 = down), from the runtime API."""
        if self.process.poll() is not None:
            raise AssertionError("haproxy {} exited {}: {}".format(self.name, self.process.returncode,
                                                                  open(self.log).read()[-2000:]))
        try:
            text = self.command("show servers state " + backend)
        except OSError:
            return {}
        states = {}
        for line in text.splitlines():
            fields = line.split()
            if len(fields) > 6 and fields[0].isdigit():
                states[fields[3]] = int(fields[5])
        return states

    def table_used(self, table="new_walkins"):
        first = self.command("show table " + table).splitlines()[0]
        return int(re.search(r"used:(\d+)", first).group(1))


def wait_states(proxies, backend, wanted, seconds=30):
    def settled():
        return all({k: v for k, v in p.server_states(backend).items() if k in wanted} == wanted for p in proxies)
    wait_for("{} states {}".format(backend, wanted), settled, seconds)


# ---- the checks --------------------------------------------------------------------------------

def create_walkins(proxies):
    """WALKINS walk-ins from CLIENTS addresses through alternating proxies: (session, home, source, marker)."""
    def one(i):
        source = "127.1.{}.{}".format(i % CLIENTS // 250, i % CLIENTS % 250 + 1)
        proxy = proxies[i // CLIENTS % 2]  # each client through both proxies
        r = sql(proxy.port, "CREATE TABLE t(v); INSERT INTO t VALUES ({})".format(i), source=source)
        check(r.status == 200, "creation {} via {}: {} {}".format(i, proxy.name, r.status, r.body))
        return r.header("X-Walkin-Session"), r.header("X-Walkin-Node"), source, i
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        return list(pool.map(one, range(WALKINS)))


def verify_walkins(proxies, walkins, rounds, write=False):
    """Every walk-in answers from its home node through each proxy in turn; returns calls made."""
    def one(k):
        session, home, source, marker = walkins[k]
        made = 0
        for r_i in range(rounds):
            proxy = proxies[(k + r_i) % len(proxies)]
            if write and r_i == 0:
                r = sql(proxy.port, "INSERT INTO t VALUES (-1); DELETE FROM t WHERE v = -1", session, source)
                check(r.status == 200, "write on {} via {}: {} {}".format(home, proxy.name, r.status, r.body))
                made += 1
            r = sql(proxy.port, "SELECT v FROM t", session, source)
            made += 1
            check(r.status == 200, "walk-in {} (home {}) via {}: {} {}".format(marker, home, proxy.name, r.status,
                                                                              r.body))
            check(r.header("X-Walkin-Node") == home, "walk-in {} answered by {}, home {}".format(
                marker, r.header("X-Walkin-Node"), home))
            check(r.json()["rows"] == [[marker]], "walk-in {} rows {}".format(marker, r.json()["rows"]))
        return made
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        return sum(pool.map(one, range(len(walkins))))


def expect_refusal(r, status, error, code, retry_after):
    check(r.status == status, "expected {} {}, got {} {}".format(status, code, r.status, r.body))
    check(r.json() == {"error": error, "code": code}, "body {}".format(r.body))
    check(r.header("Content-Type") == "application/json", "content type {}".format(r.header("Content-Type")))
    check(r.header("Retry-After") == str(retry_after), "Retry-After {}".format(r.header("Retry-After")))
    proxy_made(r)


def proxy_made(r):
    """What the node's answers carry, the proxy's own carry too (docs/API.md: CORS, X-Request-Id)."""
    check(r.header("access-control-allow-origin") == "*", "CORS missing on the proxy's answer: {} {}".format(r.status, r.headers))
    check(r.header("access-control-expose-headers") == "X-Walkin-Session, X-Walkin-Ttl, X-Request-Id",
          "CORS expose list on the proxy's answer: {}".format(r.header("access-control-expose-headers")))
    check(re.fullmatch(r"[0-9a-f]{16}", r.header("X-Request-Id") or ""), "X-Request-Id {}".format(
        r.header("X-Request-Id")))


def per_client_limits(proxies, limits):
    a = proxies[0]
    # new walk-ins: the budget is for all nodes together (one node alone would allow far more)
    homes = []
    for _ in range(int(limits["WALKIN_NEW_PER_MIN"])):
        r = sql(a.port, "SELECT 1", source="127.2.0.1")
        check(r.status == 200, "creation within the budget: {} {}".format(r.status, r.body))
        homes.append(r.header("X-Walkin-Node"))
    check(len(set(homes)) >= 2, "creations spread over nodes: {}".format(homes))
    expect_refusal(sql(a.port, "SELECT 1", source="127.2.0.1"), 429, "new-instance rate limit exceeded",
                   "new_instance_rate_limited", 6)

    # requests: walk-ins on several nodes, their calls counted together
    sessions = []
    for _ in range(6):
        r = sql(a.port, "SELECT 1", source="127.2.0.2")
        sessions.append((r.header("X-Walkin-Session"), r.header("X-Walkin-Node")))
    check(len({n for _, n in sessions}) >= 2, "walk-ins of one client on several nodes: {}".format(sessions))
    budget = int(limits["WALKIN_REQS_PER_MIN"])
    for i in range(budget - len(sessions)):
        r = sql(a.port, "SELECT 1", sessions[i % len(sessions)][0], source="127.2.0.2")
        check(r.status == 200, "call {} within the request budget: {} {}".format(i, r.status, r.body))
    expect_refusal(sql(a.port, "SELECT 1", sessions[0][0], source="127.2.0.2"), 429, "rate limit exceeded",
                   "rate_limited", 1)
    own = call(a.port, "POST", "/sql", b'{"sql":"SELECT 1"}', sessions[0][0], "127.2.0.2",
               extra={"X-Request-Id": "agent-7.call_1"})
    check(own.status == 429 and own.header("X-Request-Id") == "agent-7.call_1", "the caller's X-Request-Id "
          "on the proxy's answer: {}".format(own.header("X-Request-Id")))
    check(call(a.port, "GET", "/healthz", source="127.2.0.2").status == 200, "healthz is never budgeted")

    # live walk-ins: proxy-b's cap is made small, so that it is reached within the creation budget
    b = proxies[1]
    live = int(b.env["WALKIN_LIVE_PER_IP"])
    for i in range(live):
        check(sql(b.port, "SELECT 1", source="127.2.0.3").status == 200, "live walk-in {}".format(i))
    expect_refusal(sql(b.port, "SELECT 1", source="127.2.0.3"), 429, "too many live instances",
                   "too_many_live_instances", 60)

    # import bytes (proxy-b's budget made small): one 200 KB import fits, the next does not
    csv = b"n,s\n" + b"".join(b"%d,%s\n" % (i, b"x" * 60) for i in range(3000))
    first = call(b.port, "POST", "/import?table=t", csv, source="127.2.0.6", content_type="text/csv")
    check(first.status == 200, "import within the budget: {} {}".format(first.status, first.body))
    expect_refusal(call(b.port, "POST", "/import?table=t", csv, first.header("X-Walkin-Session"),
                        source="127.2.0.6", content_type="text/csv"), 429, "import rate limit exceeded",
                   "import_rate_limited", 12)

    # connections: one over the cap is closed at once
    cap = int(limits["WALKIN_CONNS_PER_IP"])
    held = []
    try:
        for _ in range(cap):
            s = socket.create_connection(("127.0.0.1", a.port), timeout=10, source_address=("127.2.0.4", 0))
            held.append(s)
        wait_for("the proxy counting {} connections".format(cap), lambda: a.command(
            "show table per_client key ::ffff:127.2.0.4").count("conn_cur={}".format(cap)) == 1, 10)
        try:  # the proxy accepts and resets it: the reset may come at the connect, the send or the read
            with socket.create_connection(("127.0.0.1", a.port), timeout=10,
                                          source_address=("127.2.0.4", 0)) as extra:
                extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                got = extra.recv(100)
        except (ConnectionResetError, BrokenPipeError):
            got = b""
        check(got == b"", "connection over the cap answered: {!r}".format(got))
        other = call(a.port, "GET", "/healthz", source="127.2.0.5")
        check(other.status == 200, "another client is not capped")
    finally:
        for s in held:
            s.close()
    log("per-client limits: new walk-ins, requests, live walk-ins, import bytes, connections refused as the "
        "node does")


def drain(proxies, nodes):
    node3 = nodes[2]
    check(node3.admin_call("POST", "/drain").status == 200, "POST /drain")
    wait_states(proxies, "new_walkins", {"node1": 2, "node2": 2, "node3": 0})
    wait_states(proxies, "sessions", {"node1": 2, "node2": 2, "node3": 2})
    homes = [sql(proxies[i % 2].port, "SELECT 1", source="127.3.0.{}".format(i + 1)).header("X-Walkin-Node")
             for i in range(30)]
    check("node3" not in homes and set(homes) == {"node1", "node2"}, "new walk-ins while node3 drains: {}".format(homes))
    check(call(proxies[0].port, "GET", "/healthz").status == 200, "the proxy's own health (other nodes)")
    return homes


def main():
    haproxy = shutil.which("haproxy")
    check(haproxy, "haproxy not found: run scripts/ensure-haproxy")
    jar = os.environ.get("WALKINDB_SERVER_JAR") or str(ROOT / "server" / "target" / "walkindb-server.jar")
    check(os.path.isfile(jar), "no jar at {} (build it, or set WALKINDB_SERVER_JAR)".format(jar))
    java = java_binary()
    work = tempfile.mkdtemp(prefix="walkindb-scaleout-")
    nodes = [Node("node{}".format(i), work) for i in (1, 2, 3)]
    peers = ["127.0.0.1:{}".format(free_port()), "127.0.0.1:{}".format(free_port())]
    # the defaults (the nodes' own), but for the connection cap (20, not 512 sockets) and, on
    # proxy-b only, the live cap (4: below the 10 new walk-ins a minute, so reachable at once) and
    # the import budget (300 KB a minute, not 20 MB)
    limits = {"WALKIN_NEW_PER_MIN": "10", "WALKIN_REQS_PER_MIN": "60", "WALKIN_CONNS_PER_IP": "20"}
    proxies = [Proxy("proxy-a", work, nodes, peers, limits),
               Proxy("proxy-b", work, nodes, peers, dict(limits, WALKIN_LIVE_PER_IP="4",
                                                         WALKIN_IMPORT_BYTES_PER_MIN="300000"))]
    try:
        for n in nodes:
            n.start(java, jar)
        for n in nodes:
            wait_for(n.name + " listening", n.ready, 150)
        for p in proxies:
            p.start()
        up = {"node1": 2, "node2": 2, "node3": 2}
        wait_states(proxies, "new_walkins", up)
        wait_states(proxies, "sessions", up)
        log("3 nodes and 2 proxies up")

        t = time.monotonic()
        walkins = create_walkins(proxies)
        per_node = {n.name: sum(1 for w in walkins if w[1] == n.name) for n in nodes}
        log("{} walk-ins created in {:.1f}s; per node {}".format(len(walkins), time.monotonic() - t, per_node))
        check(all(v > 0 for v in per_node.values()), "every node got walk-ins")
        wait_for("both proxies know every session", lambda: all(p.table_used() == WALKINS for p in proxies), 20)
        t = time.monotonic()
        made = verify_walkins(proxies, walkins, rounds=2, write=True)
        log("{} follow-up calls, all from the home node, in {:.1f}s".format(made, time.monotonic() - t))

        per_client_limits(proxies, limits)

        drained = drain(proxies, nodes)
        mine = [w for w in walkins if w[1] == "node3"]
        verify_walkins(proxies, mine, rounds=2)
        log("node3 draining: 30 new walk-ins went to {}; its {} walk-ins still served".format(
            sorted(set(drained)), len(mine)))
        check(nodes[2].admin_call("DELETE", "/drain").status == 200, "DELETE /drain")
        wait_states(proxies, "new_walkins", up)

        used = proxies[0].table_used()
        proxies[1].stop()
        proxies[1].start()
        wait_states([proxies[1]], "sessions", up)
        wait_for("proxy-b resynced from proxy-a", lambda: proxies[1].table_used() >= used, 20)
        verify_walkins([proxies[1]], walkins, rounds=1)
        log("proxy-b restarted: it learned {} sessions from proxy-a; all {} walk-ins served through it".format(
            proxies[1].table_used(), len(walkins)))

        nodes[1].kill()
        wait_states(proxies, "sessions", {"node1": 2, "node2": 0, "node3": 2})
        wait_states(proxies, "new_walkins", {"node1": 2, "node2": 0, "node3": 2})
        lost = [w for w in walkins if w[1] == "node2"]
        kept = [w for w in walkins if w[1] != "node2"]
        for k, (session, home, source, marker) in enumerate(lost):
            r = sql(proxies[k % 2].port, "SELECT v FROM t", session, source)
            check(r.status == 404 and r.json() == NOT_FOUND, "walk-in on the killed node: {} {}".format(r.status,
                                                                                                     r.body))
            check(r.header("X-Walkin-Node") is None, "the proxy answered, no node")
            proxy_made(r)
        verify_walkins(proxies, kept, rounds=2)
        homes = [sql(proxies[i % 2].port, "SELECT 1", source="127.4.0.{}".format(i + 1)).header("X-Walkin-Node")
                 for i in range(20)]
        check(set(homes) == {"node1", "node3"}, "new walk-ins after the kill: {}".format(homes))
        log("node2 killed: its {} walk-ins answered 404 by the proxy; the other {} kept their data; new "
            "walk-ins on {}".format(len(lost), len(kept), sorted(set(homes))))
        log("PASS")
        return 0
    finally:
        for p in children:
            if p.poll() is None:
                p.terminate()
        for p in children:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)


def watchdog():
    log("FAIL: still running after {} s; stopping".format(WALL_SECONDS))
    for p in children:
        if p.poll() is None:
            p.kill()
    os._exit(2)


if __name__ == "__main__":
    START = time.monotonic()
    timer = threading.Timer(WALL_SECONDS, watchdog)
    timer.daemon = True
    timer.start()
    try:
        sys.exit(main())
    except AssertionError as e:
        log("FAIL:", e)
        sys.exit(1)
