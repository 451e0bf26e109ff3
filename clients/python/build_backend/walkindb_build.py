"""The PEP 517 build backend of this package: the standard library only, no network.

Why not setuptools: `license = "Apache-2.0"` plus `license-files` (PEP 639, the form that
replaces the deprecated license table and classifier) needs setuptools 77 or newer, which
pip would fetch from PyPI for every `pip install ./clients/python`; offline, or on a
machine whose Python ships an older setuptools, the install fails. This backend needs
nothing but Python, so the checkout and the sdist install anywhere pip runs.

What it reads from pyproject.toml: the `[project]` table (name, version or `dynamic =
["version"]` with `[tool.walkindb-build] version-file`, description, readme,
requires-python, license, license-files, authors, keywords, classifiers, dependencies,
urls, scripts) and `[tool.walkindb-build] package-dir` (the folder holding the import
package). It writes Metadata 2.4 (`License-Expression`, `License-File`).
"""

from __future__ import annotations

import base64
import glob
import gzip
import hashlib
import io
import os
import re
import tarfile
import zipfile

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Fixed timestamps: the same source gives the same archive bytes (2020-01-01, zip's floor is 1980).
_EPOCH = 1577836800
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


# --- pyproject.toml -------------------------------------------------------------------

def _load_pyproject() -> dict:
    with open(os.path.join(_ROOT, "pyproject.toml"), "rb") as f:
        data = f.read()
    try:
        import tomllib  # Python 3.11+
    except ImportError:
        return parse_simple_toml(data.decode("utf-8"))
    return tomllib.loads(data.decode("utf-8"))


_KEY = r'(?:[A-Za-z0-9_-]+|"[^"]*")'
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def parse_simple_toml(text: str) -> dict:
    """The TOML this package's pyproject.toml uses, for Pythons before 3.11 (no tomllib):
    `[a.b]` tables, `key = "string"`, booleans, arrays of strings or inline tables (across
    lines), inline tables of strings, and comments. Anything else raises ValueError."""
    root: dict = {}
    table = root
    pending = ""
    for raw in text.splitlines():
        line = _strip_comment(raw).strip()
        if not pending and not line:
            continue
        if not pending and line.startswith("["):
            match = re.fullmatch(r"\[\s*(" + _KEY + r"(?:\s*\.\s*" + _KEY + r")*)\s*\]", line)
            if not match:
                raise ValueError(f"pyproject.toml: cannot read {raw!r}")
            table = root
            for part in re.split(r"\s*\.\s*", match.group(1)):
                table = table.setdefault(part.strip('"'), {})
            continue
        pending = (pending + " " + line).strip()
        key, sep, value = pending.partition("=")
        if not sep:
            raise ValueError(f"pyproject.toml: cannot read {raw!r}")
        if value.count("[") > value.count("]") or value.count("{") > value.count("}"):
            continue  # an array or table that goes on over the next lines
        table[key.strip().strip('"')] = _value(value.strip())
        pending = ""
    if pending:
        raise ValueError("pyproject.toml: an array or table is never closed")
    return root


def _strip_comment(line: str) -> str:
    in_string = False
    for i, ch in enumerate(line):
        if ch == '"' and (i == 0 or line[i - 1] != "\\"):
            in_string = not in_string
        elif ch == "#" and not in_string:
            return line[:i]
    return line


def _value(text: str):
    if text in ("true", "false"):
        return text == "true"
    match = _STRING.fullmatch(text)
    if match:
        return bytes(match.group(1), "utf-8").decode("unicode_escape")
    if text.startswith("[") and text.endswith("]"):
        return [_value(item) for item in _split(text[1:-1])]
    if text.startswith("{") and text.endswith("}"):
        result = {}
        for item in _split(text[1:-1]):
            key, _, value = item.partition("=")
            result[key.strip().strip('"')] = _value(value.strip())
        return result
    raise ValueError(f"pyproject.toml: cannot read the value {text!r}")


def _split(text: str) -> list:
    """Top-level comma-separated items of an array or inline table."""
    items, depth, in_string, start = [], 0, False, 0
    for i, ch in enumerate(text):
        if ch == '"' and (i == 0 or text[i - 1] != "\\"):
            in_string = not in_string
        elif not in_string and ch in "[{":
            depth += 1
        elif not in_string and ch in "]}":
            depth -= 1
        elif not in_string and depth == 0 and ch == ",":
            items.append(text[start:i])
            start = i + 1
    items.append(text[start:])
    return [item.strip() for item in items if item.strip()]


# --- the package's facts --------------------------------------------------------------

class _Project:
    def __init__(self) -> None:
        pyproject = _load_pyproject()
        self.meta = pyproject["project"]
        self.options = pyproject.get("tool", {}).get("walkindb-build", {})
        self.name = self.meta["name"]
        self.dist_name = re.sub(r"[-_.]+", "_", self.name).lower()
        self.version = self._version()
        self.package_dir = self.options["package-dir"]  # e.g. src/walkindb
        self.tag = f"{self.dist_name}-{self.version}"

    def _version(self) -> str:
        if "version" in self.meta:
            return self.meta["version"]
        if "version" not in self.meta.get("dynamic", []):
            raise ValueError("pyproject.toml: no version, and version not dynamic")
        with open(os.path.join(_ROOT, self.options["version-file"]), encoding="utf-8") as f:
            match = re.search(r'^__version__\s*=\s*"([^"]+)"', f.read(), re.M)
        if not match:
            raise ValueError(f"no __version__ in {self.options['version-file']}")
        return match.group(1)

    def license_files(self) -> list:
        found = []
        for pattern in self.meta.get("license-files", []):
            matches = sorted(glob.glob(os.path.join(_ROOT, pattern)))
            if not matches:
                raise ValueError(f"license-files: nothing matches {pattern!r}")
            found += [os.path.relpath(m, _ROOT).replace(os.sep, "/") for m in matches]
        return found

    def metadata(self) -> str:
        m = self.meta
        lines = ["Metadata-Version: 2.4", f"Name: {self.name}", f"Version: {self.version}"]
        if "description" in m:
            lines.append(f"Summary: {m['description']}")
        if m.get("keywords"):
            lines.append("Keywords: " + ",".join(m["keywords"]))
        authors = [a["name"] for a in m.get("authors", []) if "name" in a]
        if authors:
            lines.append("Author: " + ", ".join(authors))
        license = m.get("license")
        if license is not None and not isinstance(license, str):
            raise ValueError("pyproject.toml: license must be an SPDX expression string (PEP 639)")
        if license:
            lines.append(f"License-Expression: {license}")
        lines += [f"License-File: {path}" for path in self.license_files()]
        lines += [f"Classifier: {c}" for c in m.get("classifiers", [])]
        if "requires-python" in m:
            lines.append(f"Requires-Python: {m['requires-python']}")
        lines += [f"Requires-Dist: {d}" for d in m.get("dependencies", [])]
        lines += [f"Project-URL: {label}, {url}" for label, url in m.get("urls", {}).items()]
        readme = m.get("readme")
        body = ""
        if readme:
            with open(os.path.join(_ROOT, readme), encoding="utf-8") as f:
                body = f.read()
            kind = "text/markdown" if readme.endswith(".md") else "text/plain"
            lines.append(f"Description-Content-Type: {kind}")
        return "\n".join(lines) + "\n\n" + body

    def package_files(self) -> list:
        """(path on disk, path in the wheel) of the import package, caches left out."""
        base = os.path.join(_ROOT, self.package_dir)
        parent = os.path.dirname(base)
        files = []
        for folder, dirs, names in os.walk(base):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(names):
                if name.endswith((".pyc", ".pyo")):
                    continue
                path = os.path.join(folder, name)
                files.append((path, os.path.relpath(path, parent).replace(os.sep, "/")))
        return files

    def entry_points(self) -> str:
        scripts = self.meta.get("scripts", {})
        if not scripts:
            return ""
        return "[console_scripts]\n" + "".join(f"{k} = {v}\n" for k, v in scripts.items())


# --- archives -------------------------------------------------------------------------

class _Wheel:
    def __init__(self, path: str) -> None:
        self.zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED)
        self.records = []

    def add(self, name: str, data: bytes, record: bool = True) -> None:
        info = zipfile.ZipInfo(name, _ZIP_TIME)
        info.external_attr = 0o644 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        self.zip.writestr(info, data)
        if record:
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            self.records.append(f"{name},sha256={digest},{len(data)}")

    def close(self, record_name: str) -> None:
        """Writes RECORD (which lists itself without a hash) and closes the archive."""
        self.records.append(f"{record_name},,")
        self.add(record_name, ("\n".join(self.records) + "\n").encode(), record=False)
        self.zip.close()


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def _build(wheel_directory: str, editable: bool) -> str:
    project = _Project()
    filename = f"{project.tag}-py3-none-any.whl"
    dist_info = f"{project.tag}.dist-info"
    wheel = _Wheel(os.path.join(wheel_directory, filename))
    if editable:
        # PEP 660: a .pth line puts the checkout's package folder on sys.path.
        source = os.path.dirname(os.path.join(_ROOT, project.package_dir))
        wheel.add(f"__editable__.{project.tag}.pth", (source + "\n").encode())
    else:
        for path, name in project.package_files():
            wheel.add(name, _read(path))
    wheel.add(f"{dist_info}/METADATA", project.metadata().encode("utf-8"))
    wheel.add(
        f"{dist_info}/WHEEL",
        b"Wheel-Version: 1.0\nGenerator: walkindb_build\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    )
    entry_points = project.entry_points()
    if entry_points:
        wheel.add(f"{dist_info}/entry_points.txt", entry_points.encode())
    for path in project.license_files():
        wheel.add(f"{dist_info}/licenses/{path}", _read(os.path.join(_ROOT, path)))
    wheel.close(f"{dist_info}/RECORD")
    return filename


# --- the PEP 517 / PEP 660 hooks ------------------------------------------------------

def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _build(wheel_directory, editable=False)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _build(wheel_directory, editable=True)


# What an sdist holds besides the package: enough to build the wheel again, and the tests.
_SDIST_EXTRA = ["pyproject.toml", "README.md", "build_backend/walkindb_build.py"]


def build_sdist(sdist_directory, config_settings=None):
    project = _Project()
    filename = f"{project.tag}.tar.gz"
    names = list(_SDIST_EXTRA) + project.license_files()
    names += [name for name in _tree("tests")]
    names += [os.path.relpath(path, _ROOT).replace(os.sep, "/") for path, _ in project.package_files()]
    # gzip's own header holds a time too: write through GzipFile with mtime fixed.
    with open(os.path.join(sdist_directory, filename), "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=_EPOCH) as gz:
            with tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
                for name in sorted(set(names)):
                    _add_to_tar(tar, f"{project.tag}/{name}", _read(os.path.join(_ROOT, name)))
                _add_to_tar(tar, f"{project.tag}/PKG-INFO", project.metadata().encode("utf-8"))
    return filename


def _tree(folder: str) -> list:
    base = os.path.join(_ROOT, folder)
    found = []
    for current, dirs, names in os.walk(base):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if not name.endswith((".pyc", ".pyo")):
                found.append(os.path.relpath(os.path.join(current, name), _ROOT).replace(os.sep, "/"))
    return found


def _add_to_tar(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = _EPOCH
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


__all__ = [
    "build_editable",
    "build_sdist",
    "build_wheel",
    "get_requires_for_build_editable",
    "get_requires_for_build_sdist",
    "get_requires_for_build_wheel",
    "parse_simple_toml",
]
