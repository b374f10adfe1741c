"""PyTorch's notices about its own internals, kept off the learner's stderr.

On some releases the first `torch.func` (forward-mode) call imports PyTorch's JVP
decompositions, which call the deprecated `torch.jit.script`; 2.14 prints a FutureWarning that
names no line of the learner's code and that the learner cannot act on. `%load_ext autograd_lab`
imports that module ahead, silencing exactly that notice for the duration of the import: no
filter stays installed, so every other warning, and the same notice from the learner's own
`torch.jit.script`, is shown as usual.
"""

from __future__ import annotations

import importlib
import warnings

# The modules PyTorch imports lazily on a first torch.func call, and the notice they print.
LAZY_INTERNALS = ("torch._decomp.decompositions_for_jvp",)
INTERNAL_NOTICE = r"`torch\.jit\.script` is deprecated"
# 2.13 raises it as a DeprecationWarning (hidden outside __main__), 2.14 as a FutureWarning (shown).
NOTICE_CATEGORIES = (DeprecationWarning, FutureWarning)


def preload_torch_internals() -> None:
    """Import PyTorch's lazily loaded internals now, without their own deprecation notices."""
    with warnings.catch_warnings():
        for category in NOTICE_CATEGORIES:
            warnings.filterwarnings("ignore", message=INTERNAL_NOTICE, category=category)
        for name in LAZY_INTERNALS:
            try:
                importlib.import_module(name)
            except ImportError:  # a private module a later release may move: nothing to preload
                continue
