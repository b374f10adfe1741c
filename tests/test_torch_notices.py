"""`%load_ext autograd_lab` keeps PyTorch's notice about its own internals off stderr, only that.

Each case runs in a fresh interpreter (the notice is printed once per process, on the first
torch.func call), with the torch of the environment running the tests: `make test-next` runs
this file on the release that prints the notice.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from autograd_lab.torch_notices import INTERNAL_NOTICE

FIRST_JVP = """
import json, warnings
import torch
{before}


def double(v: torch.Tensor) -> torch.Tensor:
    return v * 2


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    torch.func.jvp(lambda v: v * 2, (torch.tensor(1.0),), (torch.tensor(1.0),))
    warnings.warn("a warning of the learner's own", UserWarning)
    torch.jit.script(double)  # the learner's own use of the deprecated API
print(json.dumps({{"filters": filters_same, "seen": [str(w.message) for w in caught]}}))
"""
PRELOAD = """
from autograd_lab.torch_notices import preload_torch_internals
before = list(warnings.filters)
preload_torch_internals()
filters_same = warnings.filters == before
"""


def first_jvp(folder: Path, preload: bool) -> dict:
    """Run a first jvp in a fresh interpreter; return the warnings it saw."""
    script = folder / f"first_jvp_{preload}.py"  # a file: torch.jit.script reads its source
    script.write_text(FIRST_JVP.format(before=PRELOAD if preload else "filters_same = True"))
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(done.stdout.splitlines()[-1])


def notices(seen: list[str]) -> list[str]:
    return [m for m in seen if re.search(INTERNAL_NOTICE, m)]


def test_the_first_jvp_prints_only_what_the_learner_did(tmp_path):
    quiet = first_jvp(tmp_path, preload=True)
    assert quiet["filters"], "the preload left a warnings filter installed"
    loud = first_jvp(tmp_path, preload=False)["seen"]
    others = [m for m in loud if not re.search(INTERNAL_NOTICE, m)]
    assert others == ["a warning of the learner's own"]
    assert [m for m in quiet["seen"] if not re.search(INTERNAL_NOTICE, m)] == others
    # PyTorch's own scripting is silenced; the learner's own torch.jit.script still warns.
    deprecated = bool(notices(loud))
    assert len(notices(quiet["seen"])) == int(deprecated), quiet["seen"]
