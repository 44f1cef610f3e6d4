"""The in-tree build backend makes an installable wheel without any package index."""

import os
import sys
import tempfile
import unittest
import zipfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, ROOT)

import build_backend  # noqa: E402


class PackagingTest(unittest.TestCase):
    def test_wheel_has_the_package_and_a_consistent_record(self):
        with tempfile.TemporaryDirectory() as out:
            name = build_backend.build_wheel(out)
            self.assertEqual("meridian_client-0.1.0-py3-none-any.whl", name)
            with zipfile.ZipFile(os.path.join(out, name)) as whl:
                names = set(whl.namelist())
                for f in ("meridian/__init__.py", "meridian/client.py", "meridian/errors.py"):
                    self.assertIn(f, names)
                record = whl.read("meridian_client-0.1.0.dist-info/RECORD").decode().splitlines()
                self.assertEqual(names, {line.split(",")[0] for line in record})
                meta = whl.read("meridian_client-0.1.0.dist-info/METADATA").decode()
                self.assertIn("Requires-Python: >=3.9", meta)
                self.assertFalse(any("__pycache__" in n or n.startswith("tests/") for n in names))

    def test_sdist(self):
        with tempfile.TemporaryDirectory() as out:
            name = build_backend.build_sdist(out)
            self.assertTrue(os.path.exists(os.path.join(out, name)))


if __name__ == "__main__":
    unittest.main()
