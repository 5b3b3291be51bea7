"""What a render depends on, by content: digests of the input files, and the
brand loaded once per content of clinic.yaml, its logo and its fonts.

A digest is the SHA-256 of a file's bytes, kept on the file's path, size,
inode, and modification and change times: a file is read and hashed again
when any of them moves, so asking "has anything changed?" costs a ``stat``
a file. The change time cannot be set back by hand, so an edit that keeps the
size and the modification time is still seen. Only a small file whose times
are within ``RACY_NS`` of the moment it was read is read every time (as git
does with its "racily clean" files): the file system's clock is coarse, and
an edit in the same tick as the read would leave every time as it was.
"""

from __future__ import annotations

import hashlib
import os
import stat
import threading
import time
from collections import OrderedDict
from pathlib import Path

from handouts.listing import RACY_NS   # how far a kept file's times must be behind its reading
from handouts.project import Brand, Project, inside, load_brand

#: Files smaller than this are read every time while their times are recent.
SMALL = 256 * 1024

_known: dict[tuple, bytes] = {}
_lock = threading.Lock()


class Seen:
    """What digests were made from (``file_digest`` and ``tree_digest`` with
    ``seen=``): each file's digest, and each folder's files as the walk found
    them, so that ``unchanged()`` tells whether any of it has changed since
    as recomputing those digests would (a ``stat`` a file, the folders
    walked again, nothing hashed that is kept)."""

    __slots__ = ("files", "folders")

    def __init__(self) -> None:
        self.files: dict[Path | str, bytes] = {}
        self.folders: dict[str, list[tuple[tuple, str]]] = {}

    def unchanged(self) -> bool:
        return (all(_files(folder, ()) == found for folder, found in self.folders.items())
                and all(file_digest(path) == digest for path, digest in self.files.items()))


def file_digest(path: Path | str, seen: Seen | None = None) -> bytes:
    """The SHA-256 of ``path``'s bytes (``b"missing"`` when it cannot be
    read); noted in ``seen``."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):  # /dev/zero, a pipe: never read (the build refuses it)
            digest = b"not a regular file %o" % st.st_mode
        else:
            key = (str(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)
            digest = _known.get(key)
            if digest is None:
                now = time.time_ns()
                with open(path, "rb") as fh:
                    digest = hashlib.file_digest(fh, "sha256").digest()
                if st.st_size >= SMALL or now - max(st.st_mtime_ns, st.st_ctime_ns) > RACY_NS:
                    with _lock:
                        if len(_known) > 4096:
                            _known.clear()
                        _known[key] = digest
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop, in Python 3.11
        digest = b"missing"
    if seen is not None:
        seen.files[path] = digest
    return digest


def tree_digest(folder: Path, seen: Seen | None = None) -> bytes:
    """One digest over every file under ``folder``: names and contents (in
    the order of ``sorted(folder.rglob("*"))``; links to folders not
    followed); noted in ``seen``."""
    found = _files(str(folder), ())
    if seen is not None:
        seen.folders[str(folder)] = found
    h = hashlib.sha256()
    for parts, path in sorted(found):
        h.update("/".join(parts).encode() + b"\0" + file_digest(path, seen))
    return h.digest()


def _files(folder: str, parts: tuple) -> list[tuple[tuple, str]]:
    """(relative parts, path) of every file under ``folder``."""
    out = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    out.extend(_files(entry.path, (*parts, entry.name)))
                elif entry.is_file():
                    out.append(((*parts, entry.name), entry.path))
    except OSError:     # missing, not a folder, unreadable: no files
        pass
    return out


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
