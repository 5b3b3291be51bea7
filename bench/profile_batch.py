"""A sampling profile (pyinstrument) of a batch: one process builds 60
handouts (the demos cycled in files of their own, ``handouts.build.run``,
``jobs=1``, written to disk) after one untimed handout of each demo; samples
every 1 ms. Prints the CPU and wall time and writes the tree to
/tmp/profbatch2.txt (docs/benchmarks.md, "The sampling profile of a batch").

    PYTHONPATH=$PWD python bench/profile_batch.py
"""
import sys, tempfile, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent))
from pathlib import Path
from worker import make_project
from handouts.build import run
from handouts.project import Project
from pyinstrument import Profiler
tmp = Path(tempfile.mkdtemp())
slugs = make_project(tmp / "p", 60)
project = Project.find(tmp / "p")
run(project, slugs=slugs[:3], write=False, jobs=1)
time.sleep(2.1)
p = Profiler(interval=0.001)
c = time.process_time(); w = time.perf_counter()
p.start()
r = run(project, out=tmp / "out", jobs=1)
p.stop()
print("cpu", time.process_time() - c, "wall", time.perf_counter() - w, r.ok)
open("/tmp/profbatch2.txt", "w").write(p.output_text(unicode=True, show_all=False))
