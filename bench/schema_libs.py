"""What Article's model costs a new process in other schema libraries.

    python bench/schema_libs.py [ROUNDS]

Article's model (every field, limit and check of handouts/schema/article.py)
written with pydantic (handouts' own), msgspec, attrs with cattrs, and plain
dataclasses with hand-written checks (the prototypes in bench/schema_libs/,
never used by handouts). Each round runs one new process per library, in
turn, which imports what a build imports anyway, then times (CPU) importing
the library, defining the models, validating en/leg-cramps (its shared block
merged) the first time, and a later validation. Prints each library's
medians and the load average. msgspec and cattrs are in the ``bench`` extra.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LIBS = ("pydantic", "msgspec", "attrs", "plain")

ONE = r'''
import copy, json, sys, time
from pathlib import Path
kind, root = sys.argv[1], Path(sys.argv[2])
sys.path.insert(0, str(root / "bench" / "schema_libs"))
import yaml, re, datetime, typing, dataclasses
from handouts import loader, headertext, converters, errors
from handouts.ehr import codes
data = loader.load_yaml(root / "content/en/leg-cramps.yaml").data
block = loader.load_yaml(root / "content/blocks/en/when-to-get-help.yaml").data
data["callout"] = {**data["callout"], "heading": block["heading"],
                   "bullets": block["bullets"] + data["callout"]["bullets"]}
t0 = time.process_time()
if kind == "pydantic":
    from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field,
                          ValidationInfo, field_validator, model_validator)
    t1 = time.process_time()
    from handouts.schema import article
    t2 = time.process_time()
    validate = article.Article.model_validate
else:
    if kind == "msgspec":
        import msgspec
    elif kind == "attrs":
        import attrs, cattrs
    t1 = time.process_time()
    validate = __import__(f"article_{kind}").validate
    t2 = time.process_time()
validate(copy.deepcopy(data))
t3 = time.process_time()
copies = [copy.deepcopy(data) for _ in range(200)]
t4 = time.process_time()
for one in copies:
    validate(one)
t5 = time.process_time()
print(json.dumps([1000 * (t1 - t0), 1000 * (t2 - t1), 1000 * (t3 - t2), 1000 * (t5 - t4) / 200]))
'''


def main(rounds: int) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("PYTHONDONTWRITEBYTECODE", None)   # an installed package has its bytecode
    runs: dict[str, list[list[float]]] = {lib: [] for lib in LIBS}
    for i in range(rounds + 1):
        for lib in LIBS[i % len(LIBS):] + LIBS[:i % len(LIBS)]:
            out = subprocess.run([sys.executable, "-c", ONE, lib, str(REPO)], env=env, cwd=REPO,
                                 check=True, capture_output=True, text=True).stdout
            if i:   # the first round writes the bytecode, untimed
                runs[lib].append(json.loads(out.splitlines()[-1]))
    print(f"Article's model, CPU ms, medians of {rounds} rounds; load {os.getloadavg()}")
    print(f"{'':10} {'import':>8} {'models':>8} {'first':>8} {'later':>8} {'all but later':>14}")
    for lib in LIBS:
        med = [statistics.median(column) for column in zip(*runs[lib])]
        print(f"{lib:10} {med[0]:8.1f} {med[1]:8.1f} {med[2]:8.2f} {med[3]:8.3f} {sum(med[:3]):14.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
