"""What a render depends on, by content: digests of the input files, and the
brand loaded once per content of clinic.yaml, its logo and its fonts.

A digest is the SHA-256 of a file's bytes. Small files are read every time;
a large one (a logo or a font) is hashed again only when its size, inode or
modification or change time moves (the change time cannot be set back by
hand), so asking "has anything changed?" costs a few ``stat`` calls.
"""

from __future__ import annotations

import hashlib
import stat
import threading
from collections import OrderedDict
from pathlib import Path

from handouts.project import Brand, Project, inside, load_brand

#: Files smaller than this are simply read and hashed on every call.
SMALL = 256 * 1024

_big: dict[tuple, bytes] = {}
_lock = threading.Lock()


def file_digest(path: Path) -> bytes:
    """The SHA-256 of ``path``'s bytes (``b"missing"`` when it cannot be read)."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):  # /dev/zero, a pipe: never read (the build refuses it)
            return b"not a regular file %o" % st.st_mode
        if st.st_size < SMALL:
            return hashlib.sha256(path.read_bytes()).digest()
        key = (str(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)
        with _lock:
            hit = _big.get(key)
        if hit is None:
            with open(path, "rb") as fh:
                hit = hashlib.file_digest(fh, "sha256").digest()
            with _lock:
                if len(_big) > 256:
                    _big.clear()
                _big[key] = hit
        return hit
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop, in Python 3.11
        return b"missing"


def tree_digest(folder: Path) -> bytes:
    """One digest over every file under ``folder``: names and contents."""
    h = hashlib.sha256()
    if folder.is_dir():
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                h.update(str(p.relative_to(folder)).encode() + b"\0" + file_digest(p))
    return h.digest()


def brand_files(project: Project, brand: Brand) -> list[Path]:
    """clinic.yaml and every file it names (the logo, the fonts)."""
    clinic = brand.clinic
    names = [clinic.logo]
    if clinic.fonts is not None:
        names += [path for _, path in clinic.fonts.files()]
    files = [project.clinic_file]
    for name in names:
        try:
            files.append(inside(project, name, max_bytes=1 << 62))
        except ValueError:
            files.append(project.content / name)
    return files


def _digests(files: list[Path]) -> tuple[bytes, ...]:
    return tuple(file_digest(p) for p in files)


_brands: OrderedDict[Path, tuple[list[Path], tuple[bytes, ...], Brand]] = OrderedDict()


def cached_brand(project: Project) -> tuple[Brand, bytes]:
    """``load_brand(project)``, loaded again only when clinic.yaml, the logo or
    a font has changed; with a digest of all of them. Bad input raises
    HandoutError every time (nothing bad is kept)."""
    root = project.root
    with _lock:
        entry = _brands.get(root)
    if entry is not None:
        files, digests, brand = entry
        if _digests(files) == digests:
            return brand, hashlib.sha256(b"".join(digests)).digest()
    before = file_digest(project.clinic_file)
    brand = load_brand(project)
    files = brand_files(project, brand)
    digests = _digests(files)
    if digests[0] == before:  # not edited while it loaded
        with _lock:
            _brands[root] = (files, digests, brand)
            _brands.move_to_end(root)
            while len(_brands) > 8:
                _brands.popitem(last=False)
    return brand, hashlib.sha256(b"".join(digests)).digest()
