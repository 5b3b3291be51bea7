"""What a folder holds, worked out once per change of the folder.

``derived(folder, make)`` gives ``make(folder, names)`` for the names of the
folder's entries, kept on the folder's own stat (modification and change
times, inode, device): adding, removing or renaming an entry changes the
folder's times, so the next call lists it again, while asking again for an
unchanged folder costs one ``stat``. The library lists a language's articles
several times a render (the render key, the language check, the file asked
for); with 500 articles a language that was about 11 ms of each of the
page's first renders (docs/benchmarks.md).

As for file digests (``inputs.file_digest``), a folder changed within
``RACY_NS`` of being listed is listed every time: a file system whose clock
ticks coarsely could give a second change the same times.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")

#: How far (ns) a folder's or a file's times must be behind the moment it was
#: read for what was read to be kept on them (file system clocks tick
#: coarsely); inputs.file_digest keeps a small file's digest by the same rule.
RACY_NS = 2_000_000_000
MAX_FOLDERS = 1024

_known: dict[tuple[str, Callable], tuple[tuple, object]] = {}
_lock = threading.Lock()
#: How many folders were listed (for tests: an unchanged folder is not).
stats = {"listed": 0}


def derived(folder: Path, make: Callable[[Path, list[str]], T]) -> T | None:
    """``make(folder, the sorted names of its entries)``, or None when
    ``folder`` is not a folder (or cannot be read). ``make`` is a function
    of those alone (the value is kept with it as the key); the value is
    shared: never change it."""
    path = str(folder)
    try:
        st = os.stat(path)
        if not stat.S_ISDIR(st.st_mode):
            return None
        key = (st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)
        hit = _known.get((path, make))
        if hit is not None and hit[0] == key:
            return hit[1]  # type: ignore[return-value]
        now = time.time_ns()
        names = sorted(os.listdir(path))
    except (OSError, RuntimeError):
        return None
    stats["listed"] += 1
    value = make(folder, names)
    if now - max(st.st_mtime_ns, st.st_ctime_ns) > RACY_NS:
        with _lock:
            if len(_known) >= MAX_FOLDERS:
                _known.clear()
            _known[(path, make)] = (key, value)
    return value
