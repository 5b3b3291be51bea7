"""Benchmark the handouts build: cold CLI runs and one in-process build of 100.

Run from the repository root (standard library + handouts only; Unix, for
the ``resource`` module)::

    python bench/bench.py [--repeat N] [--json FILE]

It measures
1. cold CLI builds: ``python -m handouts build --project <repo> --out <tmp>`` in a
   fresh process each time (start-up and imports included), N times (default 5);
2. one in-process ``handouts.build.run`` over a temporary project with 100
   articles (the three demo articles cycled as bench-000 ... bench-099), after a
   one-handout warm-up build that is timed and reported separately;
3. the largest PDF written and peak RSS (children for 1, this process for 2).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
try:
    import handouts
except ImportError:
    sys.path.insert(0, str(REPO))
    import handouts
from handouts.build import run
from handouts.project import Project

N_HANDOUTS = 100


def peak_rss_mb(who: int) -> float:
    """ru_maxrss in MB (Linux reports KB, macOS bytes)."""
    rss = resource.getrusage(who).ru_maxrss
    return rss / (1024 * 1024 if sys.platform == "darwin" else 1024)


def largest_kb(folder: Path) -> float:
    return max(p.stat().st_size for p in folder.rglob("*.pdf")) / 1024


def cold_cli(repeat: int) -> dict:
    """Time ``python -m handouts build`` in a new process, ``repeat`` times."""
    env = dict(os.environ)
    # The child imports the same handouts package as this process.
    code_root = str(Path(handouts.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [code_root, env.get("PYTHONPATH")]))
    expected = len(Project.find(REPO).article_files("en"))
    times, largest = [], 0.0
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="handouts-cold-") as tmp:
            cmd = [sys.executable, "-m", "handouts", "build", "--project", str(REPO), "--out", tmp]
            start = time.perf_counter()
            proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            if proc.returncode != 0:
                sys.exit(f"cold build failed ({proc.returncode}):\n{proc.stderr}")
            pdfs = list(Path(tmp).rglob("*.pdf"))
            assert len(pdfs) == expected, f"expected {expected} PDFs, got {len(pdfs)}"
            largest = max(largest, largest_kb(Path(tmp)))
    return {"runs": repeat, "handouts": expected, "times_s": times, "min_s": min(times),
            "median_s": statistics.median(times), "max_s": max(times),
            "largest_pdf_kb": largest, "peak_rss_children_mb": peak_rss_mb(resource.RUSAGE_CHILDREN)}


def make_project(root: Path) -> Project:
    """A copy of the repo's content/ and templates/ whose en/ holds N_HANDOUTS
    articles: the demo articles cycled under new slugs."""
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    en = root / "content" / "en"
    demos = sorted(en.glob("*.yaml"))
    texts = [p.read_text(encoding="utf-8") for p in demos]
    for p in demos:
        p.unlink()
    for i in range(N_HANDOUTS):
        (en / f"bench-{i:03d}.yaml").write_text(texts[i % len(texts)], encoding="utf-8")
    return Project.find(root)


def in_process() -> dict:
    """Warm up with one handout, then time one run() over all N_HANDOUTS."""
    with tempfile.TemporaryDirectory(prefix="handouts-bench-") as tmp:
        tmp = Path(tmp)
        project = make_project(tmp / "project")
        start = time.perf_counter()
        warm = run(project, slugs=["bench-000"], out=tmp / "warm")
        warmup = time.perf_counter() - start
        assert warm.ok and len(warm.outcomes) == 1, warm.all_problems()
        out = tmp / "out"
        start = time.perf_counter()
        report = run(project, out=out)
        total = time.perf_counter() - start
        assert report.ok, report.all_problems()  # report-level and every outcome
        assert len(report.outcomes) == N_HANDOUTS, len(report.outcomes)
        pdfs = list(out.rglob("*.pdf"))
        assert len(pdfs) == N_HANDOUTS, f"expected {N_HANDOUTS} PDFs, got {len(pdfs)}"
        return {"handouts": N_HANDOUTS, "warmup_s": warmup, "total_s": total,
                "ms_per_handout": total / N_HANDOUTS * 1000, "largest_pdf_kb": largest_kb(out),
                "peak_rss_self_mb": peak_rss_mb(resource.RUSAGE_SELF)}


def machine() -> dict:
    return {"platform": platform.platform(), "machine": platform.machine(),
            "python": platform.python_version(), "implementation": platform.python_implementation(),
            "cpu_count": os.cpu_count(), "handouts": getattr(handouts, "__version__", "?"),
            "handouts_path": str(Path(handouts.__file__).resolve().parent)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="cold CLI runs (default 5)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    info = machine()
    print(f"machine : {info['platform']} ({info['machine']}), {info['cpu_count']} CPUs\n"
          f"python  : {info['implementation']} {info['python']}; "
          f"handouts {info['handouts']} from {info['handouts_path']}")
    cold = cold_cli(args.repeat)
    warm = in_process()

    rows = [
        (f"cold CLI build, {cold['handouts']} handouts (x{cold['runs']})",
         f"min {cold['min_s']:.3f} s  median {cold['median_s']:.3f} s  max {cold['max_s']:.3f} s"),
        ("  largest PDF / peak RSS (children)",
         f"{cold['largest_pdf_kb']:.1f} KB / {cold['peak_rss_children_mb']:.1f} MB"),
        ("in-process warm-up, 1 handout", f"{warm['warmup_s']:.3f} s"),
        (f"in-process build, {warm['handouts']} handouts",
         f"{warm['total_s']:.3f} s  ({warm['ms_per_handout']:.1f} ms/handout)"),
        ("  largest PDF / peak RSS (self)",
         f"{warm['largest_pdf_kb']:.1f} KB / {warm['peak_rss_self_mb']:.1f} MB"),
    ]
    width = max(len(name) for name, _ in rows)
    print("\n" + "\n".join(f"{name.ljust(width)}  {value}" for name, value in rows))

    if args.json:
        result = {"machine": info, "cold_cli": cold, "in_process": warm}
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
