"""A real PostgreSQL (Debian's ``postgresql`` package) for the tests: a
cluster made with initdb in a temporary folder, as the ``postgres`` user when
the tests run as root (initdb refuses root), listening on a free loopback
port with its socket in that folder; stopped at the end. No mocks.

A test that needs PostgreSQL and cannot find it fails loudly (apt-get install
postgresql; .ci/run does)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from helpers import free_port

USER = "handouts"
PASSWORD = "test-pw-Zq81"


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        pytest.fail(f"PostgreSQL's {name} is not installed; .ci/run installs it "
                    f"(apt-get install postgresql)")
    return found[-1]


def _as_postgres(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, capture_output=True, text=True, timeout=120, **kwargs)


class Cluster:
    """One PostgreSQL server in ``folder``; ``url(db)`` for a database in it."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        pwfile = self.folder / "pw"
        pwfile.write_text(PASSWORD + "\n")
        if os.geteuid() == 0:
            shutil.chown(pwfile, "postgres", "postgres")
        done = _as_postgres([_bin("initdb"), "-D", str(self.data), "-U", USER, "-A", "scram-sha-256",
                             "--pwfile", str(pwfile), "-E", "UTF8", "--no-sync"])
        assert done.returncode == 0, done.stderr
        self._ctl("start")

    def _ctl(self, action: str) -> None:
        options = (f"-h 127.0.0.1 -p {self.port} -k {self.folder} -F "
                   f"-c max_connections=200 -c shared_buffers=32MB")
        done = _as_postgres([_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"),
                             "-o", options, "-w", "-t", "60", action])
        assert done.returncode == 0, (done.stdout, done.stderr,
                                      (self.folder / "log").read_text(errors="replace")[-2000:])

    def restart(self) -> None:
        self._ctl("restart")

    def stop(self) -> None:
        _as_postgres([_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"])

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database's URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)
