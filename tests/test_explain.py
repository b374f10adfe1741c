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
from tests.provoke import PROVOKE as ALL_PROVOKED
from tests.provoke import WARNINGS as ALL_WARNINGS
from tests.provoke import provoked

# The programs that provoke the errors the explainer knows, each raising it in real PyTorch.
EXPLAINED = {known.key for known in explain.KNOWN}
PROVOKE = [(key, code) for key, code in ALL_PROVOKED if key in EXPLAINED]
WARNINGS = [(key, code) for key, code in ALL_WARNINGS if key in EXPLAINED]
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
    assert explain.section_title(known, lang) in reread


@pytest.mark.parametrize("lang", LANGS)
def test_a_known_warning_goes_to_stdout_with_its_hint(shell, monkeypatch, lang):
    monkeypatch.setenv(language.ENV_VAR, lang)
    ((key, code),) = WARNINGS
    shell.run_cell("%load_ext autograd_lab", store_history=False)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        out, err, error = run(shell, code)
    assert error is None and err == ""
    # the warning keeps its place: the line of the cell it came from
    place, _, rest = out.partition("UserWarning: ")
    lines = code.count("\n") + 1
    assert place in {
        language.say("explain.where_this_cell", lang, line=n) for n in range(1, lines + 1)
    }
    assert rest.startswith("The .grad attribute of a Tensor that is not a leaf")
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


def test_an_error_of_the_table_the_course_does_not_explain_passes_through():
    error = provoked(dict(ALL_PROVOKED)["complex_output"])
    assert explain.identify(error) is None and explain.explain(error) is None


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
        expected = f"## {known.section}. {explain.section_title(known, lang)}"
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


# --- the explainer never fails inside IPython, keeps other handlers, reads the language leniently


class BrokenMessage(RuntimeError):
    def __str__(self):
        raise ValueError("this exception cannot say what it is")


def test_an_exception_whose_message_fails_leaves_the_explainer_working(shell, monkeypatch):
    monkeypatch.setenv(language.ENV_VAR, "en")
    shell.user_ns["BrokenMessage"] = BrokenMessage
    shell.run_cell("%load_ext autograd_lab", store_history=False)
    out, err, error = run(shell, "raise BrokenMessage()")
    assert isinstance(error, BrokenMessage)
    assert "Custom TB Handler failed" not in out + err
    out, _, error = run(shell, "torch.ones(2).sum().backward()")  # still loaded: hint shown
    assert error is not None and language.say("explain.label", "en").strip() in out


@pytest.mark.parametrize("value", ["EN", "en_US", " en "])
def test_the_language_variable_is_read_in_any_case(shell, monkeypatch, value):
    monkeypatch.setenv(language.ENV_VAR, value)
    shell.run_cell("%load_ext autograd_lab", store_history=False)
    out, err, error = run(shell, "torch.ones(2).sum().backward()")
    assert "Custom TB Handler failed" not in out + err
    assert language.say("explain.label", "en").strip() in out


def test_an_unknown_language_variable_warns_once_and_speaks_the_default(shell, monkeypatch):
    monkeypatch.setenv(language.ENV_VAR, "fr")
    monkeypatch.chdir(COURSE.root / "en")
    language._from_environment.cache_clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert language.current() == "en"
        assert language.current() == "en"
    said = [str(w.message) for w in caught]
    assert len(said) == 1 and "'fr'" in said[0] and "zh, en" in said[0]
    shell.run_cell("%load_ext autograd_lab", store_history=False)
    out, err, error = run(shell, "torch.ones(2).sum().backward()")
    assert "Custom TB Handler failed" not in out + err
    assert language.say("explain.label", "en").strip() in out


def test_another_extensions_handler_is_kept_and_given_back(shell, monkeypatch):
    monkeypatch.setenv(language.ENV_VAR, "en")
    seen = []

    def other(shell, etype, value, tb, tb_offset=None):
        seen.append(etype.__name__)
        return ["handled by the other extension"]

    shell.set_custom_exc((ZeroDivisionError, RuntimeError), other)
    theirs = shell.CustomTB
    shell.run_cell("%load_ext autograd_lab", store_history=False)
    run(shell, "1 / 0")
    assert seen == ["ZeroDivisionError"]  # theirs still handles what it handled
    out, _, _ = run(shell, "torch.ones(2).sum().backward()")
    assert seen == ["ZeroDivisionError", "RuntimeError"]  # theirs first, then the hint
    assert language.say("explain.label", "en").strip() in out
    shell.run_cell("%unload_ext autograd_lab", store_history=False)
    assert shell.CustomTB is theirs
    assert shell.custom_exceptions == (ZeroDivisionError, RuntimeError)
    shell.set_custom_exc((), None)


def test_a_handler_installed_after_the_explainer_survives_its_unloading(shell):
    shell.run_cell("%load_ext autograd_lab", store_history=False)
    shell.set_custom_exc((KeyError,), lambda shell, etype, value, tb, tb_offset=None: None)
    later = shell.CustomTB
    shell.run_cell("%unload_ext autograd_lab", store_history=False)
    assert shell.CustomTB is later and shell.custom_exceptions == (KeyError,)
    shell.set_custom_exc((), None)
