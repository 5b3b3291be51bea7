"""A sampling profile (pyinstrument) of a batch: one process builds 60
handouts (the demos cycled in files of their own, ``handouts.build.run``,
``jobs=1``, written to disk) after one untimed handout of each demo; samples
every 1 ms. Prints the CPU and wall time and writes the tree to
/tmp/profbatch2.txt (docs/benchmarks.md, "The sampling profile of a batch").
With ``--distinct``, the 60 are articles of new words (bench/distinct.py,
as bench.py's second batch; its three demos built untimed first) and the
tree goes to /tmp/profbatch-distinct.txt.

    PYTHONPATH=$PWD python bench/profile_batch.py [--distinct]
"""
import subprocess, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent))
from worker import DEMOS, make_project, new_articles
from handouts.build import run
from handouts.project import Project
from pyinstrument import Profiler
tmp = Path(tempfile.mkdtemp())
new = "--distinct" in sys.argv
if new:   # made in another process: this one has seen none of their words
    subprocess.run([sys.executable, str(Path(__file__).resolve().parent / "distinct.py"), str(tmp / "p"), "60"],
                   check=True, capture_output=True)
slugs = new_articles(tmp / "p") if new else make_project(tmp / "p", 60)
project = Project.find(tmp / "p")
run(project, slugs=DEMOS if new else slugs[:3], write=False, jobs=1)
time.sleep(2.1)
p = Profiler(interval=0.001)
c = time.process_time(); w = time.perf_counter()
p.start()
r = run(project, slugs=slugs if new else (), out=tmp / "out", jobs=1)
p.stop()
print("cpu", time.process_time() - c, "wall", time.perf_counter() - w, r.ok)
out = "/tmp/profbatch-distinct.txt" if new else "/tmp/profbatch2.txt"
open(out, "w").write(p.output_text(unicode=True, show_all=False))
