"""The in-tree build backend (build_backend/walkindb_build.py): what the wheel and the sdist
hold, and its TOML reader for Pythons without tomllib. No server, no network.
(scripts/release installs the artifacts into a fresh venv and runs a call.)"""

import importlib.util
import os
import sys
import tarfile
import tempfile
import unittest
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(HERE)


def _backend():
    path = os.path.join(PACKAGE_ROOT, "build_backend", "walkindb_build.py")
    spec = importlib.util.spec_from_file_location("walkindb_build_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _version():
    scope = {}
    with open(os.path.join(PACKAGE_ROOT, "src", "walkindb", "_version.py"), encoding="utf-8") as f:
        exec(f.read(), scope)
    return scope["__version__"]


class BackendTest(unittest.TestCase):
    def setUp(self):
        self.backend = _backend()
        self.out = tempfile.mkdtemp(prefix="walkindb-build-test-")
        self.tag = "walkindb-" + _version()

    def tearDown(self):
        for folder, dirs, names in os.walk(self.out, topdown=False):
            for name in names:
                os.remove(os.path.join(folder, name))
            os.rmdir(folder)

    def metadata_fields(self, text):
        head = text.split("\n\n", 1)[0]
        fields = {}
        for line in head.splitlines():
            key, _, value = line.partition(": ")
            fields.setdefault(key, []).append(value)
        return fields

    def test_the_wheel_holds_the_package_the_license_and_pep_639_metadata(self):
        name = self.backend.build_wheel(self.out)
        self.assertEqual(name, self.tag + "-py3-none-any.whl")
        with zipfile.ZipFile(os.path.join(self.out, name)) as wheel:
            names = wheel.namelist()
            dist_info = self.tag + ".dist-info"
            for needed in ["walkindb/__init__.py", "walkindb/py.typed", dist_info + "/METADATA",
                           dist_info + "/WHEEL", dist_info + "/RECORD", dist_info + "/licenses/LICENSE"]:
                self.assertIn(needed, names)
            self.assertFalse([n for n in names if "__pycache__" in n or n.startswith(("tests/", "build_backend/"))])
            fields = self.metadata_fields(wheel.read(dist_info + "/METADATA").decode("utf-8"))
            self.assertEqual(fields["Metadata-Version"], ["2.4"])
            self.assertEqual(fields["License-Expression"], ["Apache-2.0"])
            self.assertEqual(fields["License-File"], ["LICENSE"])
            self.assertEqual(fields["Version"], [_version()])
            self.assertNotIn("License", fields, "the deprecated License field is not written")
            self.assertFalse([c for c in fields["Classifier"] if c.startswith("License ::")])
            self.assertTrue(fields["Project-URL"])
            record = wheel.read(dist_info + "/RECORD").decode().splitlines()
            self.assertEqual(sorted(line.split(",")[0] for line in record), sorted(names))

    def test_the_sdist_can_build_the_wheel_again(self):
        name = self.backend.build_sdist(self.out)
        self.assertEqual(name, self.tag + ".tar.gz")
        with tarfile.open(os.path.join(self.out, name)) as sdist:
            names = sdist.getnames()
        for needed in ["pyproject.toml", "README.md", "LICENSE", "PKG-INFO",
                       "build_backend/walkindb_build.py", "src/walkindb/__init__.py"]:
            self.assertIn(self.tag + "/" + needed, names)

    def test_the_editable_wheel_points_at_the_checkout(self):
        name = self.backend.build_editable(self.out)
        with zipfile.ZipFile(os.path.join(self.out, name)) as wheel:
            pth = [n for n in wheel.namelist() if n.endswith(".pth")]
            self.assertEqual(len(pth), 1)
            self.assertEqual(wheel.read(pth[0]).decode().strip(), os.path.join(PACKAGE_ROOT, "src"))

    def test_the_builds_need_nothing_installed(self):
        self.assertEqual(self.backend.get_requires_for_build_wheel(), [])
        self.assertEqual(self.backend.get_requires_for_build_sdist(), [])

    @unittest.skipIf(sys.version_info < (3, 11), "needs tomllib to compare with")
    def test_the_fallback_toml_reader_reads_pyproject_as_tomllib_does(self):
        import tomllib

        with open(os.path.join(PACKAGE_ROOT, "pyproject.toml"), encoding="utf-8") as f:
            text = f.read()
        self.assertEqual(self.backend.parse_simple_toml(text), tomllib.loads(text))

    def test_the_fallback_toml_reader_refuses_what_it_does_not_know(self):
        for text in ['x = 1979-05-27', 'x = [1, 2', '[a\nx = "y"']:
            with self.assertRaises(ValueError, msg=text):
                self.backend.parse_simple_toml(text)


if __name__ == "__main__":
    unittest.main()
