"""Starts and stops a real walkindb server for a test module.

The jar comes from $WALKINDB_SERVER_JAR (default <repo>/server/target/walkindb-server.jar),
java from $WALKINDB_JAVA (default: the output of <repo>/scripts/find-java).
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Dict, List, Optional

REPO_ROOT = Path(__file__).resolve().parents[3]
READY_LINE = re.compile(r"walkindb listening on (http://127\.0\.0\.1:\d+)")
START_TIMEOUT_S = 120.0  # generous: a loaded 2-core machine starts the JVMs slowly

# Limits lifted so a test module's own traffic never hits the rate limiter.
LIFTED_LIMITS = {
    "WALKINDB_RATE_LIMIT_REQS": "100000",
    "WALKINDB_RATE_LIMIT_NEW_INSTANCES": "100000",
    "WALKINDB_MAX_INSTANCES_PER_IP": "100000",
    "WALKINDB_RATE_LIMIT_INSTANCE_REQS": "100000",
}


def server_jar() -> str:
    jar = os.environ.get("WALKINDB_SERVER_JAR") or str(REPO_ROOT / "server" / "target" / "walkindb-server.jar")
    if not os.path.isfile(jar):
        raise RuntimeError("walkindb server jar not found at {} (set WALKINDB_SERVER_JAR)".format(jar))
    return jar


def java_binary() -> str:
    java = os.environ.get("WALKINDB_JAVA")
    if java:
        return java
    finder = REPO_ROOT / "scripts" / "find-java"
    done = subprocess.run([str(finder)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError("scripts/find-java failed (set WALKINDB_JAVA): " + done.stderr.strip())
    return done.stdout.strip()


def closed_port_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens (connections are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return "http://127.0.0.1:{}".format(port)


class ServerProcess:
    """One walkindb server on a random port with a fresh data directory."""

    def __init__(self, extra_env: Optional[Dict[str, str]] = None) -> None:
        self.extra_env = dict(extra_env or {})
        self.base_url = ""
        self.data_dir = ""
        self.output: List[str] = []
        self._process: Optional[subprocess.Popen] = None
        self._reader: Optional[threading.Thread] = None
        self._ready = threading.Event()

    def start(self) -> None:
        # stop() is idempotent; atexit catches runs that end without tearDownModule.
        atexit.register(self.stop)
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        jar, java = server_jar(), java_binary()
        self.data_dir = tempfile.mkdtemp(prefix="walkindb-pytest-")
        # Only the variables set here configure the server, whatever the caller's shell holds.
        env = {k: v for k, v in os.environ.items() if not k.startswith("WALKINDB_")}
        # No admin listener (its default port would clash with servers of suites run alongside);
        # spares start cold (their warm-up only speeds answers after a worker kill).
        env.update(WALKINDB_ADDR="127.0.0.1:0", WALKINDB_DATA_DIR=self.data_dir, WALKINDB_ADMIN_ADDR="off",
                   WALKINDB_WORKER_WARMUP="off")
        env.update(self.extra_env)
        env["WALKINDB_JAVA"] = java
        # the production JVM flags, as ./walkindb uses them
        command = [str(REPO_ROOT / "scripts" / "run-jar"), jar]
        self._process = subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            universal_newlines=True,
            errors="replace",
        )
        self._reader = threading.Thread(target=self._read_output, name="walkindb-server-output", daemon=True)
        self._reader.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._ready.wait(0.1):
            if self._process.poll() is not None or time.monotonic() > deadline:
                if self._process.poll() is not None:
                    self._reader.join(timeout=2)  # collect the last words
                why = "exited with status {}".format(self._process.returncode) if self._process.poll() is not None else "not ready after {:g}s".format(START_TIMEOUT_S)
                raise RuntimeError("walkindb server {}; output:\n{}".format(why, "".join(self.output)))

    def _read_output(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        # Keep draining after start-up so the server never blocks on a full pipe.
        for line in self._process.stdout:
            self.output.append(line)
            if not self._ready.is_set():
                match = READY_LINE.search(line)
                if match:
                    self.base_url = match.group(1)
                    self._ready.set()

    def stop(self) -> None:
        process = self._process
        if process is not None:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        if self._reader is not None:
            self._reader.join(timeout=5)
            self._reader = None
        if process is not None and process.stdout is not None:
            process.stdout.close()
        self._process = None
        if self.data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            self.data_dir = ""

    def instance_count(self) -> int:
        """How many walk-in directories the server holds on disk."""
        instances = os.path.join(self.data_dir, "instances")
        return len(os.listdir(instances)) if os.path.isdir(instances) else 0

    def access_log_lines(self) -> List[str]:
        logs = os.path.join(self.data_dir, "logs")
        if not os.path.isdir(logs):
            return []
        lines: List[str] = []
        for name in sorted(os.listdir(logs)):
            with open(os.path.join(logs, name), encoding="utf-8") as f:
                lines.extend(f.read().splitlines())
        return lines
