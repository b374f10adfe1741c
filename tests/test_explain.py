"""The error explainer: each known error provoked in real PyTorch, in a real IPython shell.

`%load_ext autograd_lab` must show PyTorch's traceback exactly as IPython would, then the hint
in the learner's language; every other exception and warning must pass through untouched.
Run with `-s` to print the table error -> hint that the suite checks.
"""

from __future__ import annotations

import re
import warnings

import nbformat
import pytest
import torch
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from autograd_lab import explain, language
from tests.helpers import COURSE

# One program per known error (two where PyTorch has two messages for it), each raising it.
PROVOKE: list[tuple[str, str]] = [
    (
        "backward_twice",
        "x = torch.ones(2, requires_grad=True); y = (x * x).sum()\ny.backward(); y.backward()",
    ),
    (
        "backward_twice",
        "x = torch.ones(2, requires_grad=True); y = x.exp().sum()\n"
        "torch.autograd.grad(y, x); torch.autograd.grad(y, x)",
    ),
    ("not_scalar", "x = torch.ones(2, requires_grad=True); (x * x).backward()"),
    (
        "inplace_modified",
        "x = torch.ones(2, requires_grad=True); y = x.exp(); y += 1\ny.sum().backward()",
    ),
    ("no_grad_fn", "torch.ones(2).sum().backward()"),
    (
        "no_grad_fn",
        "x = torch.tensor(2.0, requires_grad=True)\n"
        "(g,) = torch.autograd.grad(x**3, x); torch.autograd.grad(g, x)",
    ),
    ("leaf_inplace", "w = torch.ones(2, requires_grad=True); w -= 0.1"),
    ("view_of_leaf_inplace", "w = torch.ones(2, requires_grad=True); w[0] = 0.0"),
    ("multi_view_inplace", "a, b = (torch.ones(4, requires_grad=True) * 1).split(2); a.add_(1)"),
    ("grad_is_none", "torch.ones(2, requires_grad=True).grad.zero_()"),
    ("numpy_requires_grad", "torch.ones(2, requires_grad=True).numpy()"),
    ("float_only", "torch.arange(3, requires_grad=True)"),
    ("float_only", "torch.arange(3).requires_grad_()"),
    ("nonleaf_requires_grad", "(torch.ones(2, requires_grad=True) * 2).requires_grad_(False)"),
    (
        "inference_tensor",
        "with torch.inference_mode():\n    a = torch.ones(2)\n"
        "w = torch.ones(2, requires_grad=True); (w * a).sum().backward()",
    ),
    ("inference_tensor", "with torch.inference_mode():\n    a = torch.ones(2)\na.add_(1)"),
    (
        "unused_input",
        "x = torch.ones(2, requires_grad=True); z = torch.ones(1, requires_grad=True)\n"
        "torch.autograd.grad((x * x).sum(), [x, z])",
    ),
    ("grad_shape", "x = torch.ones(2, requires_grad=True); (x * x).backward(torch.ones(3))"),
    ("optimize_nonleaf", "torch.optim.SGD([torch.ones(2, requires_grad=True) * 2], lr=0.1)"),
    (
        "nan_backward",
        "x = torch.tensor([0.0, 4.0], requires_grad=True)\n"
        "with warnings.catch_warnings():\n    warnings.simplefilter('ignore')\n"
        "    with torch.autograd.detect_anomaly():\n"
        "        torch.where(x > 0, x.sqrt(), 0 * x).sum().backward()",
    ),
]
WARNINGS = [
    ("nonleaf_grad", "x = torch.ones(2, requires_grad=True); y = x * 2\ny.sum().backward(); y.grad")
]
UNRELATED = [
    "1 / 0",
    "raise RuntimeError('something else entirely')",
    "raise ValueError('not an autograd problem')",
    "None.upper()",
    "torch.ones(2) @ torch.ones(3)",
    "import no_such_module_here",
]
LANGS = COURSE.languages
IN_N = re.compile(r"In\[\d+\]")


def provoked(code: str) -> BaseException:
    """Run `code` in plain Python and return the exception it raises."""
    try:
        exec(code, {"torch": torch, "warnings": warnings})
    except Exception as error:  # noqa: BLE001 - the exception is what we want
        return error
    raise AssertionError(f"did not raise: {code}")


@pytest.fixture
def shell(monkeypatch):
    """A real IPython shell, plain colours, with the extension unloaded before and after."""
    ip = InteractiveShell.instance()
    ip.run_cell("%colors nocolor", store_history=False)
    ip.run_cell("import torch, warnings", store_history=False)
    yield ip
    ip.run_cell("%unload_ext autograd_lab", store_history=False)


def run(ip, code: str):
    """Run one cell; return (stdout, stderr, the exception it raised or None)."""
    with capture_output() as captured:
        result = ip.run_cell(code)
    return IN_N.sub("In[n]", captured.stdout), captured.stderr, result.error_in_exec


def test_every_known_error_is_provoked_here():
    assert {key for key, _ in PROVOKE + WARNINGS} == {k.key for k in explain.KNOWN}


@pytest.mark.parametrize(("key", "code"), PROVOKE, ids=[k for k, _ in PROVOKE])
def test_pytorch_raises_it_and_the_explainer_recognises_it(key, code):
    error = provoked(code)
    known = explain.identify(error)
    assert known is not None and known.key == key, f"{type(error).__name__}: {error}"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("key", "code"), PROVOKE, ids=[k for k, _ in PROVOKE])
def test_the_shell_shows_the_traceback_unchanged_then_the_hint(shell, monkeypatch, lang, key, code):
    monkeypatch.setenv(language.ENV_VAR, lang)
    before, before_err, before_error = run(shell, code)
    shell.run_cell("%load_ext autograd_lab", store_history=False)
    after, after_err, after_error = run(shell, code)
    known = next(k for k in explain.KNOWN if k.key == key)
    hint = explain.hint(known, lang)
    assert str(after_error) in after  # PyTorch's own message
    assert after == before + hint + "\n"  # the traceback untouched, the hint below it
    assert after_err == before_err == ""
    assert type(after_error) is type(before_error)  # still an error for nbval and Run All
    what, fix, reread = hint.splitlines()
    what_key, fix_key = explain._SENTENCES[key]
    assert language.say(what_key, lang) in what
    assert language.say(fix_key, lang) in fix
    assert COURSE.notebook(known.notebook).titles[lang] in reread
    assert explain.section_title(known.section, lang) in reread


@pytest.mark.parametrize("lang", LANGS)
def test_a_known_warning_goes_to_stdout_with_its_hint(shell, monkeypatch, lang):
    monkeypatch.setenv(language.ENV_VAR, lang)
    ((key, code),) = WARNINGS
    shell.run_cell("%load_ext autograd_lab", store_history=False)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        out, err, error = run(shell, code)
    assert error is None and err == ""
    assert out.startswith("UserWarning: The .grad attribute of a Tensor that is not a leaf")
    assert "Triggered internally" not in out  # PyTorch's build location is not the learner's
    known = next(k for k in explain.KNOWN if k.key == key)
    assert out.endswith(explain.hint(known, lang) + "\n")


@pytest.mark.parametrize("code", UNRELATED)
def test_every_other_exception_passes_through_untouched(shell, code):
    before = run(shell, code)
    shell.run_cell("%load_ext autograd_lab", store_history=False)
    after = run(shell, code)
    assert after[:2] == before[:2]
    assert type(after[2]) is type(before[2]) and str(after[2]) == str(before[2])
    assert explain.explain(after[2]) is None
    for lang in LANGS:
        assert language.say("explain.label", lang).strip() not in after[0]


def test_other_warnings_take_their_usual_way(shell):
    code = "warnings.warn('an unrelated warning', UserWarning)"
    with warnings.catch_warnings(record=True) as caught:  # Python's usual way, here: this log
        warnings.simplefilter("always")
        before = run(shell, code)
        shell.run_cell("%load_ext autograd_lab", store_history=False)
        after = run(shell, code)
    assert after == before == ("", "", None)
    assert [str(w.message) for w in caught] == ["an unrelated warning"] * 2


def test_unloading_puts_ipythons_handlers_back(shell):
    exceptions, handler, showwarning = shell.custom_exceptions, shell.CustomTB, warnings.showwarning
    shell.run_cell("%load_ext autograd_lab", store_history=False)
    assert shell.custom_exceptions == explain.EXCEPTION_TYPES
    assert warnings.showwarning is not showwarning
    shell.run_cell("%unload_ext autograd_lab", store_history=False)
    assert shell.custom_exceptions == exceptions and shell.CustomTB == handler
    assert warnings.showwarning is showwarning
    out, _, error = run(shell, "torch.ones(2).sum().backward()")
    assert error is not None and language.say("explain.label").strip() not in out


def test_loading_twice_is_harmless(shell):
    showwarning = warnings.showwarning
    shell.run_cell("%load_ext autograd_lab", store_history=False)
    explain.load(shell)
    shell.run_cell("%unload_ext autograd_lab", store_history=False)
    assert warnings.showwarning is showwarning


def test_the_type_must_match_as_well_as_the_message():
    assert explain.identify(ValueError("grad can be implicitly created only for scalar")) is None
    assert explain.identify(RuntimeError("grad can be implicitly created, somewhere")) is None
    assert explain.identify(Warning("grad can be implicitly created only for scalar")) is None


def test_importing_the_package_does_not_install_the_extension():
    import autograd_lab

    assert callable(autograd_lab.load_ipython_extension)
    assert not getattr(warnings.showwarning, "_autograd_lab", False)


@pytest.mark.parametrize("lang", LANGS)
def test_every_section_named_by_a_hint_is_a_heading_of_its_notebook(lang):
    for known in explain.KNOWN:
        path = COURSE.path(known.notebook, lang)
        headings = {
            line.strip()
            for cell in nbformat.read(path, as_version=4).cells
            if cell.cell_type == "markdown"
            for line in cell.source.splitlines()
            if line.startswith("## ")
        }
        expected = f"## {known.section}. {explain.section_title(known.section, lang)}"
        assert expected in headings, f"{path.name} has no heading {expected!r}"


def error_table(lang: str) -> str:
    """The table error -> hint, as the explainer prints it, from the errors provoked above."""
    rows = ["| error (PyTorch's message, start) | hint |", "|---|---|"]
    seen = set()
    for key, code in PROVOKE + WARNINGS:
        if key in seen:
            continue
        seen.add(key)
        known = next(k for k in explain.KNOWN if k.key == key)
        if key == "nonleaf_grad":
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                exec(code, {"torch": torch})
            message = f"UserWarning: {caught[0].message}"
        else:
            error = provoked(code)
            message = f"{type(error).__name__}: {error}"
        hint = " <br> ".join(
            line.strip(" \u3000") for line in explain.hint(known, lang).splitlines()
        )
        rows.append(f"| `{message[:70].replace('|', '/')}…` | {hint} |")
    return "\n".join(rows)


@pytest.mark.parametrize("lang", LANGS)
def test_the_table_of_errors_and_hints(lang):
    table = error_table(lang)
    print(f"\n{table}\n")
    assert len(table.splitlines()) == 2 + len(explain.KNOWN)
