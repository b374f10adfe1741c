"""Explain the common autograd errors under PyTorch's own traceback, in the learner's language.

Load it in a notebook with `%load_ext autograd_lab`. When a cell raises one of the errors in
`KNOWN`, IPython shows its usual traceback, unchanged, and two lines follow it: what happened,
what to do, and the section of the course to reread. The same goes for the warnings in `KNOWN`
(e.g. reading `.grad` of a non-leaf), which are then printed on stdout instead of stderr. Every
other exception and warning takes its usual way. `%unload_ext autograd_lab` puts IPython's
previous handlers back.

A known error is recognised by `torch_errors`, the package's one table of PyTorch's messages
(shared with the exercise checks); this module keeps only its own hints.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

from autograd_lab import language, torch_errors
from autograd_lab.course import COURSE

PRACTICE = "04_autograd_in_practice"
MORE_PRACTICE = "05_more_practice"
_PACKAGE_DIR = Path(__file__).resolve().parent
BUILD_LOCATION = re.compile(r"\s*\(Triggered internally at [^)]*\)\.?")


@dataclass(frozen=True)
class Known:
    """A hint under one of PyTorch's errors (or warnings): where the course explains it."""

    key: str  # its entry in torch_errors.ERRORS; its sentences are _SENTENCES[key]
    section: int  # the section of the notebook that explains it
    notebook: str = PRACTICE


# The errors of `torch_errors.ERRORS` that notebook 04 explains; any other passes untouched.
KNOWN: tuple[Known, ...] = (
    Known("backward_twice", 4),
    Known("not_scalar", 4),
    Known("inplace_modified", 3),
    Known("no_grad_fn", 2),
    Known("view_of_leaf_inplace", 3),
    Known("leaf_inplace", 3),
    Known("multi_view_inplace", 3),
    Known("nonleaf_grad", 1),
    Known("grad_is_none", 5),
    Known("numpy_requires_grad", 2),
    Known("float_only", 1),
    Known("nonleaf_requires_grad", 1),
    Known("inference_tensor", 2),
    Known("unused_input", 4),
    Known("grad_shape", 4),
    Known("optimize_nonleaf", 5),
    Known("nan_backward", 3, MORE_PRACTICE),
)
# Each known error's two sentences in the catalogs: what happened, and what to do.
_SENTENCES: dict[str, tuple[str, str]] = {
    "backward_twice": ("explain.backward_twice_what", "explain.backward_twice_fix"),
    "not_scalar": ("explain.not_scalar_what", "explain.not_scalar_fix"),
    "inplace_modified": ("explain.inplace_modified_what", "explain.inplace_modified_fix"),
    "no_grad_fn": ("explain.no_grad_fn_what", "explain.no_grad_fn_fix"),
    "leaf_inplace": ("explain.leaf_inplace_what", "explain.leaf_inplace_fix"),
    "view_of_leaf_inplace": (
        "explain.view_of_leaf_inplace_what",
        "explain.view_of_leaf_inplace_fix",
    ),
    "multi_view_inplace": ("explain.multi_view_inplace_what", "explain.multi_view_inplace_fix"),
    "nonleaf_grad": ("explain.nonleaf_grad_what", "explain.nonleaf_grad_fix"),
    "grad_is_none": ("explain.grad_is_none_what", "explain.grad_is_none_fix"),
    "numpy_requires_grad": ("explain.numpy_requires_grad_what", "explain.numpy_requires_grad_fix"),
    "float_only": ("explain.float_only_what", "explain.float_only_fix"),
    "nonleaf_requires_grad": (
        "explain.nonleaf_requires_grad_what",
        "explain.nonleaf_requires_grad_fix",
    ),
    "inference_tensor": ("explain.inference_tensor_what", "explain.inference_tensor_fix"),
    "unused_input": ("explain.unused_input_what", "explain.unused_input_fix"),
    "grad_shape": ("explain.grad_shape_what", "explain.grad_shape_fix"),
    "optimize_nonleaf": ("explain.optimize_nonleaf_what", "explain.optimize_nonleaf_fix"),
    "nan_backward": ("explain.nan_backward_what", "explain.nan_backward_fix"),
}
# The headings of the sections the hints send a learner to, by notebook and number.
_SECTIONS = {
    (PRACTICE, 1): "explain.section_state",
    (PRACTICE, 2): "explain.section_recording",
    (PRACTICE, 3): "explain.section_inplace",
    (PRACTICE, 4): "explain.section_twice",
    (PRACTICE, 5): "explain.section_fit",
    (MORE_PRACTICE, 3): "explain.section_nan",
}
_BY_KEY = {known.key: known for known in KNOWN}
EXCEPTION_TYPES = tuple(dict.fromkeys(torch_errors.BY_KEY[k.key].kind for k in KNOWN))


def identify(error: BaseException | Warning, kind: type | None = None) -> Known | None:
    """Return the entry of `KNOWN` that describes `error` (an exception or a warning), or None."""
    found = torch_errors.identify(error, kind)
    return None if found is None else _BY_KEY.get(found.key)


def reread(known: Known, lang: str | None = None) -> str:
    """Return the line that names the notebook and section to reread about `known`."""
    notebook = COURSE.notebook(known.notebook)
    lang = language.current(lang)
    section = language.say(
        "explain.section", lang, number=known.section, title=section_title(known, lang)
    )
    title = f"{notebook.number} {notebook.titles[lang]}"
    return language.say("explain.reread", lang, notebook=title, section=section)


def section_title(known: Known, lang: str | None = None) -> str:
    """Return the heading of the section that explains `known` (without its number)."""
    return language.say(_SECTIONS[known.notebook, known.section], lang)


def explain(error: BaseException | Warning, lang: str | None = None) -> str | None:
    """Return the hint for a known autograd error (three lines), or None for any other."""
    known = identify(error)
    if known is None:
        return None
    return hint(known, lang)


def hint(known: Known, lang: str | None = None) -> str:
    """Return the three lines shown under `known`: what happened, what to do, what to reread."""
    label = language.say("explain.label", lang)
    # Align the next lines under the text: a wide space under each wide character of the label.
    indent = "".join("\u3000" if ord(c) >= 0x2E80 else " " for c in label)
    what, fix = _SENTENCES[known.key]
    return "\n".join(
        [
            label + language.say(what, lang),
            indent + language.say(fix, lang),
            indent + reread(known, lang),
        ]
    )


# ----- the IPython extension -----------------------------------------------------------------
# IPython keeps one custom exception handler per shell. Loading keeps the one that was there (an
# exception it handles still goes to it first), and unloading gives it back; a handler another
# extension installed after this one is left in place, and this one then only passes through.


@dataclass
class _Installed:
    """What `load` found in a shell, and the handler it installed there."""

    exceptions: tuple
    handler: object
    showwarning: object
    ours: object = None  # the shell's CustomTB right after `load` set it


_installed: dict[int, _Installed] = {}


def _handler(before: _Installed):
    previous = before.handler if before.exceptions else None

    def handle(shell, etype, value, tb, tb_offset=None):
        if previous is not None and issubclass(etype, before.exceptions):
            previous(etype, value, tb, tb_offset=tb_offset)  # the earlier extension's handler
        else:  # exactly what IPython does for an exception it has no handler for
            shell.showtraceback((etype, value, tb), tb_offset=tb_offset, running_compiled_code=True)
        if id(shell) in _installed and isinstance(value, EXCEPTION_TYPES):
            try:
                text = explain(value)
            except Exception:  # never fail inside IPython's handler: that would unregister it
                text = None
            if text is not None:
                print(text)

    return handle


def _show_warning_with_hint(previous):
    def show(message, category, filename, lineno, file=None, line=None):
        try:
            known = identify(message, category)
        except Exception:  # a warning we cannot read is not ours to explain
            known = None
        if known is None:
            return previous(message, category, filename, lineno, file, line)
        # On stdout: a notebook's stderr is for the unexpected, and nbval fails on it.
        where = _where(filename, lineno)
        text = _without_build_location(message)
        print(f"{where}{category.__name__}: {text}", file=sys.stdout)
        print(hint(known), file=sys.stdout)
        return None

    show._autograd_lab = True  # lets unload tell its own hook from one installed after it
    return show


def _where(filename: str, lineno: int) -> str:
    """Name a warning's place: "Line 2 of this cell: ", another cell's In[n], or file:line."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
        cells = shell.compile._filename_map if shell is not None else {}
        cell = cells.get(filename)
        running = _running_cell(cells)
    except Exception:
        cell = running = None
    if cell is None:
        # PyTorch's own code is not the learner's place (and its lines change between
        # releases): no place is shown. Any other file is shown as Python shows it.
        if _inside(filename, _torch_dir()) or _inside(filename, _PACKAGE_DIR):
            return ""
        return f"{filename}:{lineno}: "
    if filename == running:  # the cell being run: its number depends on how cells were run
        return language.say("explain.where_this_cell", line=lineno)
    return language.say("explain.where_cell", number=cell, line=lineno)


def _running_cell(cells: dict) -> str | None:
    """The file name of the cell being run: the outermost cell on the call stack."""
    found, frame = None, sys._getframe()
    while frame is not None:
        if frame.f_code.co_filename in cells:
            found = frame.f_code.co_filename
        frame = frame.f_back
    return found


@functools.cache
def _torch_dir() -> Path:
    spec = importlib.util.find_spec("torch")  # without importing it: explain stays light
    return Path(spec.origin).resolve().parent if spec and spec.origin else _PACKAGE_DIR


def _inside(filename: str, folder: Path) -> bool:
    try:
        return Path(filename).resolve().is_relative_to(folder)
    except (OSError, ValueError):
        return False


def _without_build_location(message) -> str:
    # PyTorch appends where in its own C++ sources the warning was raised: not the learner's code.
    return BUILD_LOCATION.sub("", str(message))


def load(shell) -> None:
    """Show hints under known autograd errors and warnings in this IPython shell."""
    if id(shell) in _installed:
        return
    before = _Installed(shell.custom_exceptions, shell.CustomTB, warnings.showwarning)
    _installed[id(shell)] = before
    shell.set_custom_exc(
        tuple(dict.fromkeys((*before.exceptions, *EXCEPTION_TYPES))), _handler(before)
    )
    before.ours = shell.CustomTB
    warnings.showwarning = _show_warning_with_hint(warnings.showwarning)


def unload(shell) -> None:
    """Stop showing hints in this shell; put back the handlers that were there before."""
    before = _installed.pop(id(shell), None)
    if before is None:
        return
    if shell.CustomTB is before.ours:  # nobody installed a handler after ours
        shell.custom_exceptions, shell.CustomTB = before.exceptions, before.handler
    if getattr(warnings.showwarning, "_autograd_lab", False):
        warnings.showwarning = before.showwarning
