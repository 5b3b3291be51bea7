"""A per-user cache on disk for work a new process would otherwise repeat with
the same inputs: Jinja's compiled templates (``templatecache.py``), the
logo's print-sized pixels (``project.load_logo``), QR code matrices
(``layout/qrmatrix.py``), review dates written out (``longdates.py``),
CLDR's script and direction of a language (``scripts.py``) and the tables
ReportLab reads from a font file (``fontcache.py``). Nothing else
goes in it: never a
patient's words, never a secret (docs/security.md, "The cache on disk").

Where: ``$HANDOUTS_CACHE_DIR``, else ``$XDG_CACHE_HOME/handouts``, else
``~/.cache/handouts``; ``HANDOUTS_CACHE_DIR=off`` turns it off. The folder is
made private (0700) and used only while it is a folder owned by this user
that nobody else may write to; otherwise the cache is off (one debug log
line) and every build works as without it, to the same bytes.

Each entry is one file, ``<folder>/<kind>/<key>``: the SHA-256 of its data,
then the data. A file whose digest does not match (cut short, damaged) reads
as missing and is written again; writes go to a temporary file renamed over
the entry, so a reader never sees half a file. No failure here ever stops a
build: reading gives ``None`` and writing gives up silently.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

ENV = "HANDOUTS_CACHE_DIR"
OFF = "off"
#: No entry comes near this (a compiled handout template is about 30 KB).
MAX_ENTRY_BYTES = 8 * 1024 * 1024
_DIGEST = 32


def root() -> Path | None:
    """The cache folder, made and checked on first use in a process; ``None``
    when the cache is off or refused."""
    return _root(os.environ.get(ENV, ""), os.environ.get("XDG_CACHE_HOME", ""))


def _wanted(value: str, xdg: str) -> Path | None:
    if value.strip().lower() == OFF:
        return None
    if value:
        return Path(value).absolute()
    if xdg and os.path.isabs(xdg):   # the XDG rule: a relative value is ignored
        return Path(xdg, "handouts")
    try:
        return Path.home() / ".cache" / "handouts"
    except RuntimeError:            # no home directory at all
        return None


@lru_cache(maxsize=8)
def _root(value: str, xdg: str) -> Path | None:
    folder = _wanted(value, xdg)
    if folder is None:
        return None
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        why = refusal(folder)
    except OSError as exc:          # a read-only home, a file in the way, no permission
        why = f"cannot make it ({exc.strerror or exc})"
    if why:
        import logging

        logging.getLogger("handouts.cache").debug("cache off: %s: %s", folder, why)
        return None
    return folder


def refusal(folder: Path) -> str | None:
    """Why ``folder`` may not hold the cache, or ``None``: it must be a folder
    this user owns, that neither its group nor anyone else may write to, and
    that this user can write to."""
    info = os.stat(folder)
    if not stat.S_ISDIR(info.st_mode):
        return "not a folder"
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        return "owned by another user"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "others may write to it"
    if not os.access(folder, os.W_OK | os.X_OK):
        return "not writable"
    return None


def read(kind: str, key: str) -> bytes | None:
    """The data stored under ``kind``/``key``, or ``None`` (no cache, no such
    entry, or an entry that does not match its digest)."""
    folder = root()
    if folder is None:
        return None
    try:
        fd = os.open(folder / kind / key, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY_BYTES + _DIGEST:
            return None
        with os.fdopen(fd, "rb") as file:
            fd = -1
            raw = file.read(MAX_ENTRY_BYTES + _DIGEST + 1)
    except OSError:
        return None
    finally:
        if fd >= 0:
            os.close(fd)
    digest, data = raw[:_DIGEST], raw[_DIGEST:]
    if len(digest) < _DIGEST or hashlib.sha256(data).digest() != digest:
        return None
    return data


def write(kind: str, key: str, data: bytes) -> bool:
    """Store ``data`` under ``kind``/``key`` atomically; ``False`` (and nothing
    changed) when it cannot."""
    folder = root()
    if folder is None or len(data) > MAX_ENTRY_BYTES:
        return False
    place = folder / kind
    temp = None
    try:
        try:
            fd, temp = tempfile.mkstemp(dir=place, prefix=".new-")
        except FileNotFoundError:
            place.mkdir(mode=0o700, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=place, prefix=".new-")
        with os.fdopen(fd, "wb") as file:
            file.write(hashlib.sha256(data).digest())
            file.write(data)
        os.replace(temp, place / key)
        return True
    except OSError:
        if temp is not None:
            try:
                os.unlink(temp)
            except OSError:
                pass
        return False


def digest(*parts: object) -> str:
    """A key for an entry: the SHA-256 of the parts' text, in hex."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def read_json(kind: str, header: dict, field: str, valid: Callable[[Any], bool]) -> Any:
    """The ``field`` of the JSON entry ``write_json`` kept under ``kind`` for
    ``header``, or ``None``: only an entry whose other keys are exactly
    ``header`` (what it was made from: a format, a language, a library's
    version ...) and whose ``field`` is ``valid`` (a check that may also
    raise ValueError or TypeError for a wrong value)."""
    data = read(kind, digest(*header.values()))
    if data is None:
        return None
    try:
        stored = json.loads(data)
        value = stored.pop(field)
        if stored == header and valid(value):
            return value
    except (ValueError, TypeError, AttributeError, KeyError):
        pass
    return None


def write_json(kind: str, header: dict, field: str, value: Any) -> bool:
    """Keep ``value`` (JSON data, never code) as the ``field`` of the entry
    for ``header`` under ``kind``, keyed by a digest of the header's values."""
    return write(kind, digest(*header.values()), json.dumps(
        {**header, field: value}, ensure_ascii=False, sort_keys=True).encode("utf-8"))
