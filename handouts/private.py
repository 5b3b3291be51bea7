"""Folders and files only their owner may read: the outbox and log hold
patients' addresses while a message waits (docs/security.md)."""

from __future__ import annotations

import os
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def folder(path: Path) -> Path:
    """Create ``path`` (and its parents) if needed, then make it owner-only,
    whatever it was before."""
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    os.chmod(path, FOLDER_MODE)
    return path


def database(path: Path) -> Path:
    """Create the SQLite file owner-only before SQLite does (it gives its
    -wal and -shm files the database's mode), and tighten one made before."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, FILE_MODE)
    os.close(fd)
    for name in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))):
        try:
            os.chmod(name, FILE_MODE)
        except FileNotFoundError:
            pass
    return path
