"""A minimal PEP 517 build backend using only the standard library.

The client has no dependencies and no compiled parts, so a wheel is a zip of the ``meridian`` package plus
the ``.dist-info`` metadata; building it in-tree means pip needs no package index (none is reachable from
some of the machines this runs on), not even for setuptools.
"""

import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

_ROOT = os.path.dirname(os.path.abspath(__file__))
_PACKAGE = "meridian"


def _project():
    text = open(os.path.join(_ROOT, "pyproject.toml"), encoding="utf-8").read()
    section = text.split("[project]", 1)[1]

    def field(key):
        return re.search(r'^%s\s*=\s*"([^"]*)"' % key, section, re.M).group(1)

    return field("name"), field("version"), field("description"), field("requires-python")


def _dist_name(name):
    return re.sub(r"[-_.]+", "_", name)


def _metadata():
    name, version, summary, requires = _project()
    readme = os.path.join(_ROOT, "README.md")
    body = open(readme, encoding="utf-8").read() if os.path.exists(readme) else ""
    return (
        "Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: %s\nRequires-Python: %s\n"
        "Description-Content-Type: text/markdown\n\n%s" % (name, version, summary, requires, body)
    )


def _package_files():
    for folder, dirs, files in os.walk(os.path.join(_ROOT, _PACKAGE)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for f in sorted(files):
            if f.endswith(".py") or f == "py.typed":
                full = os.path.join(folder, f)
                yield full, os.path.relpath(full, _ROOT).replace(os.sep, "/")


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (path, digest, len(data))


def _wheel(wheel_directory, editable):
    name, version = _project()[:2]
    dist = _dist_name(name)
    info = "%s-%s.dist-info" % (dist, version)
    filename = "%s-%s-py3-none-any.whl" % (dist, version)
    records = []
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w", zipfile.ZIP_DEFLATED) as whl:

        def add(path, data):
            whl.writestr(path, data)
            records.append(_record_line(path, data))

        if editable:
            add("%s.pth" % dist, (_ROOT + "\n").encode())
        else:
            for full, rel in _package_files():
                with open(full, "rb") as fh:
                    add(rel, fh.read())
        add(info + "/METADATA", _metadata().encode())
        add(info + "/WHEEL", b"Wheel-Version: 1.0\nGenerator: build_backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        add(info + "/top_level.txt", (_PACKAGE + "\n").encode())
        records.append(info + "/RECORD,,")
        whl.writestr(info + "/RECORD", "\n".join(records) + "\n")
    return filename


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _wheel(wheel_directory, editable=False)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _wheel(wheel_directory, editable=True)


def build_sdist(sdist_directory, config_settings=None):
    name, version = _project()[:2]
    base = "%s-%s" % (_dist_name(name), version)
    filename = base + ".tar.gz"
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz") as tar:
        for rel in ["pyproject.toml", "build_backend.py", "README.md"]:
            tar.add(os.path.join(_ROOT, rel), arcname=base + "/" + rel)
        for full, rel in _package_files():
            tar.add(full, arcname=base + "/" + rel)
        data = _metadata().encode()
        ti = tarfile.TarInfo(base + "/PKG-INFO")
        ti.size = len(data)
        tar.addfile(ti, io.BytesIO(data))
    return filename
