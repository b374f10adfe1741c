"""The one table of PyTorch's errors: every entry against the message the pinned PyTorch raises.

Each error is provoked for real (`tests/provoke.py`). The explainer and the exercise checks both
read the table, and no other module of the package keeps a fragment of a PyTorch message.
"""

from __future__ import annotations

import ast
import importlib.util
import re

import pytest

from autograd_lab import explain, torch_errors
from autograd_lab.course import ROOT
from autograd_lab.exercises import checks
from tests.provoke import PROVOKE, WARNINGS, provoked, warned

PACKAGE = ROOT / "autograd_lab"
WORD = re.compile(r"\w{3,}")


@pytest.fixture(scope="module")
def messages() -> list[str]:
    """Every message the programs of `tests/provoke.py` get from PyTorch."""
    raised = [str(provoked(code)) for _, code in PROVOKE]
    return raised + [str(warned(code).message) for _, code in WARNINGS]


def test_every_entry_is_provoked():
    assert {key for key, _ in PROVOKE + WARNINGS} == set(torch_errors.BY_KEY)


@pytest.mark.parametrize(("key", "code"), PROVOKE, ids=[k for k, _ in PROVOKE])
def test_pytorch_raises_it_and_the_table_recognises_it(key, code):
    error = provoked(code)
    assert torch_errors.key_of(error) == key, f"{type(error).__name__}: {error}"


@pytest.mark.parametrize(("key", "code"), WARNINGS, ids=[k for k, _ in WARNINGS])
def test_pytorch_warns_it_and_the_table_recognises_it(key, code):
    warning = warned(code)
    known = torch_errors.identify(warning.message, warning.category)
    assert known is not None and known.key == key, warning


def test_every_fragment_is_part_of_a_real_message(messages):
    for error in torch_errors.ERRORS:
        for fragment in error.fragments:
            assert any(fragment in m for m in messages), f"{error.key}: {fragment!r}"


def test_the_type_must_match_as_well_as_the_message():
    assert (
        torch_errors.identify(ValueError("grad can be implicitly created only for scalar")) is None
    )
    assert torch_errors.identify(RuntimeError("grad can be implicitly created, somewhere")) is None
    assert torch_errors.identify(Warning("grad can be implicitly created only for scalar")) is None
    assert torch_errors.key_of(None) == ""


def test_an_error_whose_message_cannot_be_read_is_no_entry():
    class Unprintable(RuntimeError):
        def __str__(self):
            raise ValueError("no message")

    assert torch_errors.identify(Unprintable()) is None


def test_the_explainer_and_the_checks_name_entries_of_the_table():
    assert {known.key for known in explain.KNOWN} <= set(torch_errors.BY_KEY)
    named = {*checks._HINTS, *checks._NO_GRAPH, *checks._REACHED_FOR_AUTOGRAD}
    assert named <= set(torch_errors.BY_KEY)
    assert explain.torch_errors is torch_errors and checks.torch_errors is torch_errors


def _strings(path) -> set[str]:
    """The string constants of a module, less the names of modules ("torch.autograd"): a
    module a message mentions is not a fragment of the message."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and not _is_module(node.value)
    }


def _is_module(text: str) -> bool:
    if not re.fullmatch(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)+", text):
        return False
    try:
        return importlib.util.find_spec(text) is not None
    except (ImportError, ValueError):
        return False


@pytest.mark.parametrize(
    "path",
    sorted(p for p in PACKAGE.rglob("*.py") if p.name != "torch_errors.py"),
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_no_other_module_keeps_a_fragment_of_a_pytorch_message(path, messages):
    # A string of two words or more found inside a real message is a fragment kept elsewhere
    # (words of three letters or more: " is a " and "], which" are only the glue of sentences).
    kept = sorted(
        s for s in _strings(path) if len(WORD.findall(s)) > 1 and any(s in m for m in messages)
    )
    assert kept == [], f"{path.name} matches PyTorch's messages itself: {kept}"
