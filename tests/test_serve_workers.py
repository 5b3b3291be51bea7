"""``handouts serve --workers N``: several uvicorn worker processes on one
port, as a real process on a real socket. Sessions and CSRF tokens are signed
with HANDOUTS_SECRET_KEY, so a form got from one worker is accepted by
another, and a sign-in on one is honoured by the other."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from helpers import REPO, free_port, run_process

PASSWORD = "front-desk-pw-1"
SECRET = "k" * 20 + "a-shared-secret-for-the-tests"


def request(port: int, method: str, path: str, cookie: str = "", body: dict | None = None):
    """One request on a new connection (so the kernel may hand it to either worker)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Connection": "close", "Host": f"127.0.0.1:{port}"}
    if cookie:
        headers["Cookie"] = cookie
    data = None
    if body is not None:
        data = urlencode(body).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Origin"] = f"http://127.0.0.1:{port}"
    conn.request(method, path, body=data, headers=headers)
    resp = conn.getresponse()
    text = resp.read().decode("utf-8", "replace")
    conn.close()
    cookies = [v.split(";")[0] for k, v in resp.getheaders() if k.lower() == "set-cookie"]
    return resp.status, resp.getheader("location"), text, (cookies[-1] if cookies else cookie)


def workers_of(pid: int) -> list[int]:
    found = []
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        cmd = Path(f"/proc/{child}/cmdline").read_bytes()
        if b"spawn_main" in cmd:
            found.append(int(child))
    return found


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def test_two_workers_share_sign_ins_and_forms(project: Path):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO), "HANDOUTS_STAFF_PASSWORD": PASSWORD,
           "HANDOUTS_SECRET_KEY": SECRET}
    env.pop("HANDOUTS_DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "handouts", "serve", "--project", str(project),
                             "--port", str(port), "--workers", "2"], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 90
        while len(workers_of(proc.pid)) < 2 or _down(port):
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.2)
        workers = workers_of(proc.pid)
        before = {w: cpu_ticks(w) for w in workers}

        def both_served() -> bool:
            return all(cpu_ticks(w) > before[w] for w in workers)

        # at least 12 sign-ins, and on until both workers have served (a worker
        # still starting up takes no connections; CPU ticks are 10 ms each)
        for n in range(120):
            if n >= 12 and both_served():
                break
            # a form from one connection, posted on another
            status, _, page, cookie = request(port, "GET", "/signin")
            assert status == 200
            csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
            status, where, _, signed = request(port, "POST", "/signin", cookie,
                                               {"csrf": csrf, "name": f"desk-{n}",
                                                "password": PASSWORD, "next": "/"})
            assert (status, where) == (303, "/"), n
            for _ in range(3):       # and the sign-in holds on every later connection
                status, where, page, _ = request(port, "GET", "/", signed)
                assert status == 200 and f"desk-{n}" in page, (n, status, where)
        after = {w: cpu_ticks(w) for w in workers}
        assert all(after[w] > before[w] for w in workers), (before, after)   # both served
        # a forged or altered cookie is not a session anywhere
        forged = signed[:-3] + ("AAA" if not signed.endswith("AAA") else "BBB")
        status, where, _, _ = request(port, "GET", "/", forged)
        assert status == 303 and where.startswith("/signin")
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=60)
    assert "with 2 workers" in out, (out, err)
    assert "Traceback" not in err, err


def _down(port: int) -> bool:
    try:
        request(port, "GET", "/signin")
        return False
    except OSError:
        return True


def test_several_workers_need_the_shared_secret(project: Path):
    env = {"HANDOUTS_SECRET_KEY": ""}
    out = run_process("serve", "--project", str(project), "--port", str(free_port()), "--workers", "2",
                      env=env)
    assert out.returncode == 1
    [line] = out.stderr.splitlines()
    assert "--workers" in line and "HANDOUTS_SECRET_KEY" in line and "Serving" not in out.stdout
    short = run_process("serve", "--project", str(project), "--port", str(free_port()),
                        env={"HANDOUTS_SECRET_KEY": "too-short"})
    assert short.returncode == 1 and "at least 32 characters" in short.stderr
