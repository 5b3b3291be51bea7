"""Load benchmark of several workers on one state database (not a timed test).

Run from the repository root (as root, PostgreSQL's cluster is made as the
``postgres`` user; needs the ``test`` extra: aiosmtpd, psycopg)::

    python bench/load.py [--workers 4] [--clients 8] [--requests 400] [--emails 200]
                         [--backend sqlite|postgresql|both] [--json FILE]

For each backend it copies the demo project to a temporary folder, starts
``handouts serve --workers W`` on a free loopback port (HANDOUTS_SECRET_KEY
set; for PostgreSQL a fresh cluster started like the tests' and
HANDOUTS_DATABASE_URL), an SMTP sink (aiosmtpd, counting by Message-ID), and
CLIENTS keep-alive clients that share REQUESTS mixed requests (pages,
searches, handout pages, PDFs, previews, the activity page and counted
prints) and EMAILS emails sent through the page's own form. It prints errors,
p50/p95 per kind, emails arrived (and any twice), and the load average.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from web import free_port, pct, wait_until_up  # noqa: E402  (bench/web.py)

SECRET = "bench-" + "x" * 40
MIX = [("page", "/"), ("search", "/search.json?q=cramp"), ("handout", "/h/en/leg-cramps"),
       ("handout", "/h/es/leg-cramps"), ("pdf", "/h/en/leg-cramps/handout.pdf"),
       ("pdf", "/h/en/cvi-symptoms/handout.pdf?paper=a4"), ("preview", "/h/en/risk-factors/page-1.png"),
       ("activity", "/activity"), ("print", None)]


class Client:
    """One front desk: its own keep-alive connection, session cookie and CSRF token."""

    def __init__(self, port: int):
        self.port, self.cookie, self.csrf = port, "", ""
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def call(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        body = None
        if form is not None:
            body = urlencode({**form, "csrf": self.csrf}, doseq=True).encode()
            headers.update({"Content-Type": "application/x-www-form-urlencoded",
                            "Origin": f"http://127.0.0.1:{self.port}"})
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                text = resp.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt == 2:
                    raise
        for key, value in resp.getheaders():
            if key.lower() == "set-cookie":
                self.cookie = value.split(";")[0]
        found = re.search(r'name="csrf" value="([^"]+)"', text)
        if found:
            self.csrf = found.group(1)
        return resp.status, text


def email_form(n: int) -> dict:
    to = f"patient{n}@example.org"
    return {"item": "en/leg-cramps", "to": to, "name": "", "consent": "yes", "step": "send",
            "checked": to, "back": "/h/en/leg-cramps", "handout": "1"}


def run_clients(port: int, clients: int, requests: int, emails: int):
    times: dict[str, list[float]] = defaultdict(list)
    errors: Counter = Counter()
    lock = threading.Lock()

    def desk(index: int) -> None:
        client = Client(port)
        client.call("GET", "/h/en/leg-cramps")        # a session and a CSRF token
        jobs = [("email", n) for n in range(index, emails, clients)]
        jobs += [MIX[n % len(MIX)] for n in range(index, requests, clients)]
        jobs.sort(key=lambda j: hash((index, str(j))))
        for kind, what in jobs:
            start = time.perf_counter()
            try:
                if kind == "email":
                    status, text = client.call("POST", "/email", email_form(what))
                    ok = status == 200 and "queued" not in text.lower()
                elif kind == "print":
                    status, _ = client.call("POST", "/h/en/leg-cramps/handout.pdf", {"action": "print"})
                    ok = status == 204
                else:
                    status, _ = client.call("GET", what)
                    ok = status == 200
            except (OSError, http.client.HTTPException) as exc:
                ok, status = False, type(exc).__name__
            with lock:
                times[kind].append(time.perf_counter() - start)
                if not ok:
                    errors[f"{kind} {status}"] += 1

    threads = [threading.Thread(target=desk, args=(i,)) for i in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors, time.perf_counter() - start


def smtp_sink():
    from aiosmtpd.controller import Controller

    class Sink:
        ids: Counter = Counter()

        async def handle_DATA(self, server, session, envelope):
            found = re.search(rb"^Message-ID: *(\S+)", envelope.content, re.M | re.I)
            Sink.ids[found.group(1).decode() if found else "?"] += 1
            return "250 OK"

    port = free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    return controller, Sink.ids, port


def one_backend(backend: str, args) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="handouts-load-"))
    folder.chmod(0o755)
    root = folder / "clinic"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    controller, arrived, smtp_port = smtp_sink()
    clinic = root / "content" / "clinic.yaml"
    clinic.write_text(clinic.read_text("utf-8").split("\nsmtp:\n")[0].rstrip() + "\nsmtp:\n"
                      f"  host: 127.0.0.1\n  port: {smtp_port}\n  security: none\n", "utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO), "HANDOUTS_SECRET_KEY": SECRET,
           "HANDOUTS_EMAILS_PER_MINUTE": "100000"}
    env.pop("HANDOUTS_DATABASE_URL", None)
    env.pop("HANDOUTS_STAFF_PASSWORD", None)
    cluster = None
    if backend == "postgresql":
        from pgserver import Cluster

        cluster = Cluster(folder / "pg")
        cluster.start()
        env["HANDOUTS_DATABASE_URL"] = cluster.new_database()
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "handouts", "serve", "--project", str(root),
                             "--port", str(port), "--workers", str(args.workers)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_until_up(port, proc)
        time.sleep(2)                 # every worker up
        load_before = os.getloadavg()
        times, errors, seconds = run_clients(port, args.clients, args.requests, args.emails)
        load_after = os.getloadavg()
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=60)
        controller.stop()
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return {"backend": backend, "workers": args.workers, "clients": args.clients,
            "seconds": round(seconds, 1), "errors": dict(errors),
            "emails_arrived": sum(arrived.values()), "emails_twice": sum(1 for v in arrived.values() if v > 1),
            "load_before": [round(x, 2) for x in load_before], "load_after": [round(x, 2) for x in load_after],
            "kinds": {k: {"n": len(v), "p50_ms": round(pct(v, 50) * 1000, 1),
                          "p95_ms": round(pct(v, 95) * 1000, 1)} for k, v in sorted(times.items())},
            "server_stderr": err.splitlines()[-20:]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--emails", type=int, default=200)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--json")
    args = parser.parse_args()
    results = [one_backend(b, args) for b in (["sqlite", "postgresql"] if args.backend == "both"
                                               else [args.backend])]
    for r in results:
        print(f"{r['backend']}: {r['workers']} workers, {r['clients']} clients, {r['seconds']} s; "
              f"errors {sum(r['errors'].values())} {r['errors'] or ''}; emails arrived "
              f"{r['emails_arrived']} (twice: {r['emails_twice']}); load {r['load_before']} -> "
              f"{r['load_after']}")
        if r["errors"]:
            print("  the server said, last:", *r["server_stderr"][-6:], sep="\n    ")
        for kind, k in r["kinds"].items():
            print(f"  {kind:9} n={k['n']:4}  p50 {k['p50_ms']:8.1f} ms  p95 {k['p95_ms']:8.1f} ms")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
