#!/usr/bin/env python3
"""Checks deploy/k8s/*.yaml without a cluster: each parses as YAML (PyYAML, Debian's python3-yaml),
each document has apiVersion, kind and metadata.name, and the names they share agree with each
other and with deploy/haproxy/haproxy.cfg (--install: apt-get install python3-yaml when missing). No Kubernetes schema linter (kubeconform, kubeval) is
installable on this machine, so this is not a schema validation. Exit status 0 when all hold."""
import re
import sys
from pathlib import Path

try:
    import yaml
except ImportError:
    if "--install" not in sys.argv:
        print("check_manifests: PyYAML missing (apt-get install python3-yaml, or pass --install)", file=sys.stderr)
        sys.exit(1)
    import os
    import subprocess
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "python3-yaml"], check=True,
                   env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    import yaml

HERE = Path(__file__).resolve().parent
CONFIG = (HERE.parent / "haproxy" / "haproxy.cfg").read_text()
problems = []
docs = []
for path in sorted(HERE.glob("*.yaml")):
    for doc in yaml.safe_load_all(path.read_text()):
        if doc is None:
            continue
        for key in ("apiVersion", "kind"):
            if key not in doc:
                problems.append("{}: a document without {}".format(path.name, key))
        if not doc.get("metadata", {}).get("name"):
            problems.append("{}: a {} without metadata.name".format(path.name, doc.get("kind")))
        docs.append(doc)

by_kind = {}
for d in docs:
    by_kind.setdefault(d["kind"], {})[d["metadata"]["name"]] = d
nodes = by_kind["StatefulSet"]["walkindb"]
proxy = by_kind["StatefulSet"]["walkindb-proxy"]
if nodes["spec"]["serviceName"] not in by_kind["Service"]:
    problems.append("the nodes' serviceName names no Service")
if proxy["spec"]["serviceName"] not in by_kind["Service"]:
    problems.append("the proxies' serviceName names no Service")
for d in (nodes, proxy):
    if d["spec"]["selector"]["matchLabels"] != d["spec"]["template"]["metadata"]["labels"]:
        problems.append("{}: selector and pod labels differ".format(d["metadata"]["name"]))
# every node replica has a server line in both backends, and the proxy's env names each one
replicas = nodes["spec"]["replicas"]
servers = re.findall(r'^\s+server node(\d+) "\$\{WALKIN_NODE\1\}" id \1 ', CONFIG, re.M)
if sorted(set(int(s) for s in servers)) != list(range(1, replicas + 1)) or len(servers) != 2 * replicas:
    problems.append("haproxy.cfg has server lines {} for {} replicas (two per node)".format(servers, replicas))
env = {e["name"]: e.get("value") for e in proxy["spec"]["template"]["spec"]["containers"][0]["env"]}
for i in range(replicas):
    want = "walkindb-{}.{}:8080".format(i, nodes["spec"]["serviceName"])
    if env.get("WALKIN_NODE{}".format(i + 1)) != want:
        problems.append("WALKIN_NODE{} is {}, not {}".format(i + 1, env.get("WALKIN_NODE{}".format(i + 1)), want))
for var in re.findall(r'"\$\{(WALKIN_[A-Z0-9_]+)\}"', CONFIG):
    if var not in env and "presetenv " + var not in CONFIG and var != "WALKIN_PROXY_NAME":
        problems.append("haproxy.cfg reads {} which neither the manifest nor a presetenv sets".format(var))
volumes = proxy["spec"]["template"]["spec"]["volumes"]
if volumes[0]["configMap"]["name"] != "walkindb-haproxy":
    problems.append("the proxy mounts another ConfigMap than walkindb-haproxy")
node_env = {e["name"]: e for e in nodes["spec"]["template"]["spec"]["containers"][0]["env"]}
if node_env.get("WALKINDB_RATE_LIMITS", {}).get("value") != "edge":
    problems.append("the nodes do not run with WALKINDB_RATE_LIMITS=edge")
probe = nodes["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]
if "httpGet" in probe:
    problems.append("the nodes' liveness probe must not be /healthz (503 while draining)")

for p in problems:
    print("check_manifests:", p, file=sys.stderr)
print("check_manifests: {} documents in {} files, {}".format(
    len(docs), len(list(HERE.glob("*.yaml"))), "ok" if not problems else "{} problems".format(len(problems))))
sys.exit(1 if problems else 0)
