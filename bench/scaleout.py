#!/usr/bin/env python3
"""Scale-out bench: one node direct, then 1, 2 and 3 nodes behind HAProxy, in one run.

Starts 3 nodes (the real jar, WALKINDB_RATE_LIMITS=edge, in-process SQL, the per-walk-in budget
lifted) and one HAProxy with deploy/haproxy/haproxy.cfg (per-client budgets lifted), then runs
the same wrk phase against each setup: SELECT 1 on C walk-ins at concurrency C (one walk-in per
wrk thread and connection, bench/lua/bench.lua). For each phase it reads the CPU time the nodes
and the proxy spent (/proc/PID/stat) and divides it by the calls answered: the CPU per call at
the node and at the proxy, which is what predicts N nodes on N machines. On one machine the nodes,
the proxy and wrk share the same cores, so the throughput figures show the proxy's cost, never
scaling. Last, the proxy's memory per learned session: its RSS before and after N sessions are
put into the stick table through the runtime API.

Writes bench/results/<date>-<commit>-scaleout.md. Run: python3 bench/scaleout.py
Environment: BENCH_DURATION (s per phase, 10), BENCH_CONNS (32), BENCH_TABLE_SESSIONS (200000),
BENCH_JIT_WARMUP (s of unmeasured load on each node first, 20).
"""
import datetime
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy" / "haproxy" / "test"))
import scaleout_test as cluster  # noqa: E402  (the test's process handling, shared)

DURATION = int(os.environ.get("BENCH_DURATION", "10"))
CONNS = int(os.environ.get("BENCH_CONNS", "32"))
TABLE_SESSIONS = int(os.environ.get("BENCH_TABLE_SESSIONS", "200000"))
JIT_WARMUP = int(os.environ.get("BENCH_JIT_WARMUP", "20"))
LIFTED = "1000000000"
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    fields = open("/proc/{}/stat".format(pid)).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def rss_bytes(pid):
    for line in open("/proc/{}/status".format(pid)):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def java_pid(node):
    """run-jar execs java, so the Popen PID is the JVM's (in-process SQL: no workers)."""
    return node.process.pid


def walkins(port, n):
    tokens = []
    for i in range(n):
        r = cluster.sql(port, "SELECT 1", source="127.5.0.{}".format(i % 250 + 1))
        cluster.check(r.status == 200, "creating bench walk-ins: {} {}".format(r.status, r.body))
        tokens.append(r.header("X-Walkin-Session"))
    return tokens


def phase(name, port, tokens, nodes, proxy, work):
    path = os.path.join(work, name + ".tokens")
    Path(path).write_text("\n".join(tokens) + "\n")
    env = dict(os.environ, BENCH_METHOD="POST", BENCH_BODY='{"sql":"SELECT 1"}', BENCH_TOKENS_FILE=path)
    url = "http://127.0.0.1:{}/sql".format(port)
    wrk = ["wrk", "-t", str(CONNS), "-c", str(CONNS), "--latency", "-s", str(ROOT / "bench" / "lua" / "bench.lua")]
    subprocess.run(wrk + ["-d", "3", url], env=env, stdout=subprocess.DEVNULL, check=True)  # warm-up
    pids = {n.name: java_pid(n) for n in nodes}
    if proxy:
        pids["haproxy"] = proxy.process.pid
    before = {k: cpu_seconds(p) for k, p in pids.items()}
    out = subprocess.run(wrk + ["-d", str(DURATION), url], env=env, stdout=subprocess.PIPE, check=True,
                         universal_newlines=True).stdout
    after = {k: cpu_seconds(p) for k, p in pids.items()}
    m = dict(re.findall(r"(\w+)=([\d.]+)", re.search(r"BENCH_RESULT (.*)", out).group(1)))
    requests = int(m["requests"])
    node_cpu = sum(after[k] - before[k] for k in pids if k != "haproxy")
    proxy_cpu = after["haproxy"] - before["haproxy"] if proxy else 0.0
    row = {"setup": name, "rps": float(m["rps"]), "p50": float(m["p50"]), "p99": float(m["p99"]),
           "non2xx": int(m["non2xx"]), "requests": requests,
           "node_us": node_cpu / requests * 1e6, "proxy_us": proxy_cpu / requests * 1e6,
           "spread": {k: round(after[k] - before[k], 1) for k in pids}}
    cluster.log("{setup}: {rps:.0f} calls/s, p50 {p50:.2f} ms, p99 {p99:.2f} ms, non-2xx {non2xx}; CPU per call "
                "{node_us:.0f} us at the nodes, {proxy_us:.0f} us at the proxy; CPU s by process {spread}".format(**row))
    return row


def set_nodes(proxy, up):
    for backend in ("new_walkins", "sessions"):
        for i in (1, 2, 3):
            state = "ready" if i <= up else "maint"
            proxy.command("set server {}/node{} state {}".format(backend, i, state))
    wanted = {"node{}".format(i): (2 if i <= up else 0) for i in (1, 2, 3)}
    cluster.wait_states([proxy], "new_walkins", wanted, 20)


def table_memory(proxy):
    pid = proxy.process.pid
    proxy.command("clear table new_walkins")
    time.sleep(0.5)
    base = rss_bytes(pid)
    batch = []
    for i in range(TABLE_SESSIONS):
        key = "wkn_" + "{:0107d}".format(i)  # a token's length: wkn_ and 107 characters
        batch.append("set table new_walkins key {} data.server_id 1".format(key))
        if len(batch) == 500:
            proxy.command(";".join(batch))
            batch = []
    if batch:
        proxy.command(";".join(batch))
    used = proxy.table_used()
    grown = rss_bytes(pid) - base
    cluster.log("stick table: {} sessions, RSS {:.1f} MB -> +{:.1f} MB, {:.0f} bytes per session".format(
        used, base / 1e6, grown / 1e6, grown / max(used, 1)))
    return used, base, grown


def main():
    cluster.check(subprocess.run(["which", "wrk"], stdout=subprocess.DEVNULL).returncode == 0, "wrk not found")
    jar = os.environ.get("WALKINDB_SERVER_JAR") or str(ROOT / "server" / "target" / "walkindb-server.jar")
    java = cluster.java_binary()
    work = tempfile.mkdtemp(prefix="walkindb-scaleout-bench-")
    nodes = [cluster.Node("node{}".format(i), work) for i in (1, 2, 3)]
    peers = ["127.0.0.1:{}".format(cluster.free_port()), "127.0.0.1:{}".format(cluster.free_port())]
    lifted = {"WALKIN_REQS_PER_MIN": LIFTED, "WALKIN_NEW_PER_MIN": LIFTED, "WALKIN_LIVE_PER_IP": LIFTED,
              "WALKIN_CONNS_PER_IP": "100000", "WALKIN_IMPORT_BYTES_PER_MIN": LIFTED}
    proxy = cluster.Proxy("proxy-a", work, nodes, peers, lifted)
    rows = []
    try:
        for n in nodes:
            n.start(java, jar, {"WALKINDB_RATE_LIMIT_INSTANCE_REQS": "1000000", "WALKINDB_ACCESS_LOG": "off"})
        for n in nodes:
            cluster.wait_for(n.name + " listening", n.ready, 150)
        proxy.start()
        cluster.wait_states([proxy], "new_walkins", {"node1": 2, "node2": 2, "node3": 2})
        # JIT warm-up of every node (C2 only: -XX:-TieredCompilation), unmeasured, before any phase
        warm = [subprocess.Popen(["wrk", "-t", "2", "-c", "8", "-d", str(JIT_WARMUP), "-s",
                                  str(ROOT / "bench" / "lua" / "bench.lua"), "http://127.0.0.1:{}/sql".format(n.port)],
                                 env=dict(os.environ, BENCH_METHOD="POST", BENCH_TOKEN=walkins(n.port, 1)[0]),
                                 stdout=subprocess.DEVNULL) for n in nodes]
        for w in warm:
            w.wait()
        rows.append(phase("direct, 1 node", nodes[0].port, walkins(nodes[0].port, CONNS), nodes[:1], None, work))
        for up in (1, 2, 3):
            set_nodes(proxy, up)
            tokens = walkins(proxy.port, CONNS)
            rows.append(phase("proxy, {} node{}".format(up, "s" if up > 1 else ""), proxy.port, tokens,
                              nodes[:up], proxy, work))
        table = table_memory(proxy)
    finally:
        for p in cluster.children:
            if p.poll() is None:
                p.terminate()
        for p in cluster.children:
            p.wait(timeout=15)
    write_results(rows, table)
    return 0


def write_results(rows, table):
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], stdout=subprocess.PIPE,
                            universal_newlines=True).stdout.strip()
    date = datetime.date.today().isoformat()
    out = ROOT / "bench" / "results" / "{}-{}-scaleout.md".format(date, commit)
    load = open("/proc/loadavg").read().split()[:3]
    lines = [
        "# Scale-out: one node direct vs 1, 2, 3 nodes behind HAProxy ({} {})".format(date, commit), "",
        "`python3 bench/scaleout.py`: {} CPUs, load average {} at the end; {} s of wrk per phase, SELECT 1 on {} "
        "walk-ins at concurrency {} (one walk-in per connection); nodes in-process, edge limits; HAProxy {}.".format(
            os.cpu_count(), " ".join(load), DURATION, CONNS, CONNS,
            subprocess.run(["haproxy", "-v"], stdout=subprocess.PIPE, universal_newlines=True).stdout.split()[2]),
        "",
        "**Everything runs on the same {} cores** (the nodes, the proxy, wrk, and whatever else the machine runs): "
        "these figures show what the proxy costs, not how walkindb scales. The CPU per call columns are what "
        "predicts N nodes on N machines: a node serves about (cores x 1e6 / node us) calls/s, a proxy about "
        "(cores x 1e6 / proxy us).".format(os.cpu_count()), "",
        "| setup | calls/s | p50 ms | p99 ms | non-2xx | CPU per call at the nodes (us) | at the proxy (us) |",
        "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append("| {setup} | {rps:.0f} | {p50:.2f} | {p99:.2f} | {non2xx} | {node_us:.0f} | {proxy_us:.0f} |"
                     .format(**r))
    used, base, grown = table
    lines += ["", "Proxy memory per learned session: {} sessions put into the `new_walkins` stick table through "
              "the runtime API (keys of a token's length, 111 characters): RSS {:.1f} MB before, +{:.1f} MB after, "
              "**{:.0f} bytes per session** (1M sessions: about {:.0f} MB per proxy).".format(
                  used, base / 1e6, grown / 1e6, grown / max(used, 1), grown / max(used, 1)), ""]
    out.write_text("\n".join(lines))
    cluster.log("wrote " + str(out))


if __name__ == "__main__":
    cluster.START = time.monotonic()
    sys.exit(main())
