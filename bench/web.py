"""Benchmark the front-desk server over loopback (not a timed test).

Run from the repository root::

    python bench/web.py [--requests 1000] [--clients 8] [--json FILE]

It copies the project (content/ and templates/) to a temporary folder, starts
``python -m handouts serve`` on a free 127.0.0.1 port in its own process, and
measures, with keep-alive HTTP/1.1 clients (standard library only):

1. first-render PDF: every handout x language x paper x large print asked for
   once, one at a time, on a fresh server (nothing cached);
2. the mix: REQUESTS requests from CLIENTS concurrent clients, a third each of
   pages (the card list, searches, handout pages), previews (thumbnail and large
   PNGs) and PDFs (already rendered: the warm cache): p50/p95 per kind, errors;
3. side by side, in the same run and the same client loop:
   - floor: the server's smallest answer (its CSS file), the cost of the HTTP
     stack alone;
   - peer: Python's http.server (ThreadingHTTPServer) serving the same PDFs
     from files on disk.
"""

from __future__ import annotations

import argparse
import functools
import http.client
import http.server
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


class Client:
    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(self, path: str) -> tuple[int, int, float]:
        start = time.perf_counter()
        try:
            self.conn.request("GET", path)
            resp = self.conn.getresponse()
            body = resp.read()
            status = resp.status
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            return 0, 0, time.perf_counter() - start
        return status, len(body), time.perf_counter() - start


def wait_until_up(port: int, proc: subprocess.Popen | None = None) -> None:
    for _ in range(600):
        if proc is not None and proc.poll() is not None:
            sys.exit(f"the server exited: {proc.stderr.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    sys.exit("the server did not start")


def run_clients(port: int, paths: list[str], clients: int) -> list[tuple[str, int, float]]:
    """Send ``paths`` from ``clients`` threads; (path, status, seconds) each."""
    results: list[tuple[str, int, float]] = []
    lock = threading.Lock()
    it = iter(paths)

    def worker():
        c = Client(port)
        while True:
            with lock:
                path = next(it, None)
            if path is None:
                return
            status, _, secs = c.get(path)
            with lock:
                results.append((path, status, secs))

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    rnd = random.Random(11)
    load_before = os.getloadavg()[0]

    tmp = Path(tempfile.mkdtemp(prefix="handouts-webbench-"))
    project = tmp / "clinic"
    shutil.copytree(REPO / "content", project / "content")
    shutil.copytree(REPO / "templates", project / "templates")
    langs = sorted(p.name for p in (project / "content").iterdir()
                   if p.is_dir() and any(p.glob("*.yaml")))
    handouts = [(lang, p.stem) for lang in langs for p in sorted((project / "content" / lang).glob("*.yaml"))]

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO), "HANDOUTS_STAFF_PASSWORD": ""}
    server = subprocess.Popen([sys.executable, "-m", "handouts", "serve", "--project", str(project),
                               "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env)
    peer = None
    try:
        wait_until_up(port, server)
        client = Client(port)

        # 1. First renders, one at a time, nothing cached.
        first: list[float] = []
        first_errors = 0
        for lang, slug in handouts:
            for paper in ("letter", "a4"):
                for large in ("", "&large=1"):
                    status, size, secs = client.get(f"/h/{lang}/{slug}/handout.pdf?paper={paper}{large}")
                    first.append(secs)
                    first_errors += status != 200

        # Save the PDFs for the peer (served from disk).
        peer_dir = tmp / "peer"
        for lang, slug in handouts:
            client.conn.request("GET", f"/h/{lang}/{slug}/handout.pdf?paper=letter")
            data = client.conn.getresponse().read()
            (peer_dir / lang).mkdir(parents=True, exist_ok=True)
            (peer_dir / lang / f"{slug}.pdf").write_bytes(data)
        # Warm the previews too, so the mix measures the cache, not first renders.
        for lang, slug in handouts:
            client.get(f"/h/{lang}/{slug}/page-1.png?size=thumb")
            client.get(f"/h/{lang}/{slug}/page-1.png?paper=letter")

        # 2. The mix.
        words = ["leg", "calambres", "venous insuficiency", "cramp", "varicose", "piernas", "swelling"]
        def page():
            kind = rnd.randrange(3)
            if kind == 0:
                return "/"
            if kind == 1:
                return f"/?q={rnd.choice(words).replace(' ', '+')}"
            lang, slug = rnd.choice(handouts)
            return f"/h/{lang}/{slug}"
        def preview():
            lang, slug = rnd.choice(handouts)
            return rnd.choice([f"/h/{lang}/{slug}/page-1.png?size=thumb",
                               f"/h/{lang}/{slug}/page-1.png?paper=letter"])
        def pdf():
            lang, slug = rnd.choice(handouts)
            return f"/h/{lang}/{slug}/handout.pdf?paper={rnd.choice(['letter', 'a4'])}{rnd.choice(['', '&large=1'])}"
        makers = {"page": page, "preview": preview, "pdf": pdf}
        kinds = [list(makers)[i % 3] for i in range(args.requests)]
        rnd.shuffle(kinds)
        paths = [makers[k]() for k in kinds]
        kind_of = {}
        for k, p in zip(kinds, paths):
            kind_of[p] = k
        start = time.perf_counter()
        mixed = run_clients(port, paths, args.clients)
        wall = time.perf_counter() - start

        # The warm PDF alone: one client at a time, then 8 clients asking only for PDFs.
        alone = run_clients(port, [pdf() for _ in range(200)], 1)
        pdf_only = run_clients(port, [pdf() for _ in range(args.requests // 3)], args.clients)

        # 3. Floor (same server, its CSS) and peer (http.server, PDFs from disk).
        floor = run_clients(port, ["/static/app.css"] * args.requests, args.clients)
        peer_port = free_port()
        handler = functools.partial(QuietHandler, directory=str(peer_dir))
        peer = http.server.ThreadingHTTPServer(("127.0.0.1", peer_port), handler)
        threading.Thread(target=peer.serve_forever, daemon=True).start()
        peer_paths = [f"/{lang}/{slug}.pdf" for lang, slug in (rnd.choice(handouts) for _ in range(args.requests // 3))]
        peer_results = run_clients(peer_port, peer_paths, args.clients)
    finally:
        if peer is not None:
            peer.shutdown()
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(tmp, ignore_errors=True)

    ms = lambda xs: [x * 1000 for x in xs]  # noqa: E731
    by_kind = {k: ms([s for p, st, s in mixed if kind_of[p] == k]) for k in makers}
    errors = sum(1 for _, st, _ in mixed + alone + pdf_only if st != 200)
    report = {
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
                   f"Python {platform.python_version()}",
        "load_average_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "requests": len(mixed), "clients": args.clients, "errors": errors,
        "throughput_rps": round(len(mixed) / wall, 1),
        "all_p50_ms": round(pct(ms([s for _, _, s in mixed]), 50), 1),
        "all_p95_ms": round(pct(ms([s for _, _, s in mixed]), 95), 1),
        **{f"{k}_p50_ms": round(pct(v, 50), 1) for k, v in by_kind.items()},
        **{f"{k}_p95_ms": round(pct(v, 95), 1) for k, v in by_kind.items()},
        "warm_pdf_in_mix_p50_ms": round(pct(by_kind["pdf"], 50), 1),
        "warm_pdf_one_client_p50_ms": round(pct(ms([s for _, _, s in alone]), 50), 1),
        "warm_pdf_one_client_p95_ms": round(pct(ms([s for _, _, s in alone]), 95), 1),
        "warm_pdf_only_8_clients_p50_ms": round(pct(ms([s for _, _, s in pdf_only]), 50), 1),
        "first_render_pdf_p50_ms": round(pct(ms(first), 50), 1),
        "first_render_pdf_p95_ms": round(pct(ms(first), 95), 1),
        "first_renders": len(first), "first_render_errors": first_errors,
        "floor_css_p50_ms": round(pct(ms([s for _, _, s in floor]), 50), 1),
        "floor_errors": sum(1 for _, st, _ in floor if st != 200),
        "peer_http_server_pdf_p50_ms": round(pct(ms([s for _, _, s in peer_results]), 50), 1),
        "peer_errors": sum(1 for _, st, _ in peer_results if st != 200),
    }
    width = max(map(len, report))
    for k, v in report.items():
        print(f"{k.ljust(width)}  {v}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", "utf-8")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    main()
