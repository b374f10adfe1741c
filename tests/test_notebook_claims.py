"""What notebooks 01 to 08 state is true, and their stored checks say so.

Each correction of the text is followed in its notebook by a cell that checks it. Here every
such cell's stored output is read back (both languages) and must hold its verdicts, and the
claims themselves are re-derived with real PyTorch, so a notebook whose cell was edited into
a weaker check, or whose claim stopped being true, fails here as well as under nbval.
"""

from __future__ import annotations

import math
import re

import nbformat
import pytest
import torch
import torch.autograd.forward_ad as fwAD
from torch.autograd.graph import saved_tensors_hooks

from tests.helpers import COURSE

# cell id (Chinese; the English twin adds -en) -> the stored output it must show, piece by
# piece (a piece that differs between the languages is a {language: piece} dict)
CHECKS = {
    "01_autograd_basics": {
        "nb01-44": ["8.0 = 2 × 4.0 True", "4.0 True"],  # mean losses over micro-batches
        "nb01-46": ["(True, True)"],  # f never stops at a = 0
        "nb01-48": ["Trying to backward through the graph a second time"],
        "nb01-50": ["tensor([True, True, True, True])"],  # retain_graph
        "nb01-52": ["(tensor([0., 2., 4., 6.]), tensor([0., 0., 0., 0.]))"],  # autograd.grad
        "nb01-54": ["(tensor(3., grad_fn=<MulBackward0>), tensor(6.))"],  # create_graph
    },
    "02_derivatives_in_pictures": {
        # one ReLU written three ways, three values at 0 that every release agrees on
        "nb02-25": ["torch.relu(x)", "= 0\n", "torch.where(x >= 0, x, 0)", "= 1\n", "= 0.5\n"],
        "nb02-59": ["(-0.05, True)"],  # a subgradient step at the minimum of |x| goes up
        "nb02-61": ["(True, tensor([1., 0., 1.]))"],  # relu(x) - relu(-x) is x, grad 0 at 0
        "nb02-63": ["(True, '2.2e-16', "],  # one epsilon: machine epsilon 2^-52
        "nb02-66": ["True\n"] * 4,  # both floors and both best steps
        "nb02-68": ["('AccumulateGrad', True, True)"],  # one AccumulateGrad per leaf
        "nb02-70": ["(3, 1, True)"],  # listed three times, one node
        # 1 / x; the graph's tags speak the notebook's language
        "nb02-71": [
            "├── ReciprocalBackward0",
            {"zh": "└── 1  [常量]", "en": "└── 1  [const]"},
            "tensor(True)",
        ],
        # PyTorch's rule at non-differentiable points: min-norm sub/supergradient, else continuity
        "nb02-claim9": ["{'abs': 0.0, 'relu': 0.0, '-abs': -0.0, 'sqrt': inf}"],
    },
    "03_chain_rule_and_graphs": {
        "nb03-79": ["torch.Size([2, 3]) torch.Size([3, 2]) torch.Size([3])", "(True, True, True)"],
        "nb03-81": ["(tensor([ 2., 11.]), tensor([2., 0.]), True)"],  # a JVP by hand
        "nb03-83": ["(tensor([0., 1., 6.]), True)"],  # a VJP with backward(u)
        "nb03-85": ["(True, True)"],
    },
    "04_autograd_in_practice": {
        "nb04-claim7": ["(True, False, 'ToCopyBackward0')"],  # a .to() with nothing to do is w
        "nb04-claim2": ["(True, True, True)"],  # inference tensors: refused only where saved
        "nb04-claim1": ["(True, False)"],  # the message names the producer (Add), not Mul
        "nb04-claim6": ["(True, True, None)"],  # refused on a fresh leaf; no_grad keeps it a leaf
        # a frozen submodule: no .grad, skipped by an optimizer given it; eval() freezes nothing
        "nb04-finetune-net": ["['2.weight', '2.bias']"],
        "nb04-finetune-check": [" True\n", " True True\n", " True\n"],
        "nb04-finetune-eval": [" False | ", " True\n", " True\n"],
    },
    "06_autograd_from_scratch": {
        "nb06-claim3": ["(0, 1, 1)"],  # .data is not counted; a view shares the counter
    },
    "07_modes_and_memory": {
        "nb07-20": [" 0 "] * 4,  # forward mode saves nothing for a backward pass
        "nb07-claim8": ["(1, 1)"],  # one tangent alive after 4 layers as after 16
    },
    "08_exercises": {
        "nb08-claim5": ["['00', '01', '02', '03', '04', '05', '06', '07']"],  # before 08
    },
}
# lines "...: True", one per claim; claims about time are checked by benchmarks/timing_claims.py
VERDICT_CELLS = {"nb02-66": 4, "nb04-finetune-check": 3, "nb04-finetune-eval": 2}

# Sentences the corrections removed: each was wrong or overstated.
WRONG = {
    "02_derivatives_in_pictures": [
        "代价与一次前向计算相当",
        "costs about as much as one forward computation",
        "在折点上，介于左右斜率之间的任何数都叫作",
        "At a kink, any number between the left",
        "沿它们下降都不会出错",
        "descending along any of them does no harm",
        "即使在谷底，数值微分也只有七八位有效数字",
        "numerical differentiation gives only seven or eight",
        r"\varepsilon \approx 1.1\times10^{-16}",
    ],
    "01_autograd_basics": ["几乎总是先把一个批量的损失加起来", "nearly always sums the losses"],
    "07_modes_and_memory": [
        r"额外内存 $\mathcal{O}(1)$",
        r"extra\nmemory $\mathcal{O}(1)$",
        "它与层数无关，4 层和 16 层一样",
        "it does not depend on the number of\nlayers",
    ],
    "04_autograd_in_practice": [
        "说明是谁保存了它",
        "says which operation saved it",
        "**永远**不能进入被记录的计算",
        "can **never** enter a recorded computation",
        "而叶子的值正是反向传播要用的",
        "the leaf's value is exactly what the backward pass relies on",
        "`.to(...)`、`* 1`——得到的都是",
        "`.to(...)` or `* 1` alike, gives",
    ],
    "06_autograd_from_scratch": ["给每块存储配一个版本号", "gives every storage a version number"],
    "08_exercises": ["前四节讲了", "The first four notebooks"],
}
# One word per idea: forward mode is 正向模式 (前向 is the forward pass), hooks and leaves.
OWN = ["01_autograd_basics", "02_derivatives_in_pictures", "03_chain_rule_and_graphs"]
OWN.append("07_modes_and_memory")


def outputs_by_id(slug: str, lang: str) -> dict[str, str]:
    nb = nbformat.read(COURSE.path(slug, lang), as_version=4)
    suffix = "" if lang == COURSE.languages[0] else f"-{lang}"
    found = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        texts = [o.get("text") or o.get("data", {}).get("text/plain", "") for o in cell.outputs]
        found[cell.id.removesuffix(suffix)] = "\n".join(texts)
    return found


def prose(slug: str, lang: str, skip_title: bool = False) -> str:
    nb = nbformat.read(COURSE.path(slug, lang), as_version=4)
    cells = nb.cells[1:] if skip_title else nb.cells  # the title cell only lists what comes
    return "\n".join(c.source for c in cells if c.cell_type == "markdown")


def verdicts(text: str) -> list[bool]:
    """The booleans a verdict cell printed, one per line ending in True or False."""
    return [
        line.endswith("True") for line in text.splitlines() if re.search(r"(True|False)$", line)
    ]


CASES = [
    (slug, cid, lang) for slug, cells in CHECKS.items() for cid in cells for lang in ("zh", "en")
]


@pytest.mark.parametrize(("slug", "cid", "lang"), CASES, ids=[f"{c[2]}-{c[1]}" for c in CASES])
def test_each_correction_is_checked_by_the_cell_after_it(slug, cid, lang):
    stored = outputs_by_id(slug, lang)
    assert cid in stored, f"{slug} ({lang}) lost the check cell {cid}"
    text = stored[cid]
    position = 0
    for piece in CHECKS[slug][cid]:
        piece = piece[lang] if isinstance(piece, dict) else piece
        at = text.find(piece, position)
        assert at >= 0, f"{cid} ({lang}): {piece!r} not in {text!r}"
        position = at + len(piece)
    if cid in VERDICT_CELLS:
        assert verdicts(text) == [True] * VERDICT_CELLS[cid], text


def test_the_verdict_reader_sees_a_false_verdict():
    assert verdicts("a: True\nb: False\n") == [True, False]
    assert verdicts("no verdict here") == []


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("slug", sorted(WRONG))
def test_the_wrong_sentences_are_gone(slug, lang):
    text = prose(slug, lang)
    for sentence in WRONG[slug]:
        assert sentence not in text, f"{slug} ({lang}) still says {sentence!r}"


@pytest.mark.parametrize("slug", OWN)
def test_one_word_per_idea(slug):
    text = prose(slug, "zh")
    assert "前向模式" not in text, "forward mode is 正向模式 throughout (前向 is the forward pass)"
    assert "叶子张量" not in text, "a leaf is 叶子节点"
    code = nbformat.read(COURSE.path(slug, "zh"), as_version=4)
    assert "前向模式" not in "\n".join(c.source for c in code.cells)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_convention_at_a_kink_is_told_as_one_release_s_choice(lang):
    """clamp's value at 0 changed between releases: told in the text, never a stored output."""
    text = prose("02_derivatives_in_pictures", lang)
    assert "`x.clamp(min=0)`" in text and "2.13" in text and "2.14" in text
    stored = outputs_by_id("02_derivatives_in_pictures", lang)
    assert not any("clamp" in out for out in stored.values())


@pytest.mark.parametrize(("lang", "word"), [("zh", "钩子"), ("en", "hook")])
def test_hooks_are_defined_where_first_used(lang, word):
    """The first notebook in reading order whose text says "hook" says what one is, in bold."""
    first = next(
        text
        for text in (prose(nb.slug, lang, skip_title=True) for nb in COURSE.notebooks)
        if word in text
    )
    at = first.index(word)
    assert first.rfind("**", 0, at) > first.rfind("\n", 0, at), first[max(0, at - 80) : at + 80]


def test_leaves_are_defined_where_first_used():
    assert "**叶子节点**（leaf）" in prose("01_autograd_basics", "zh")
    assert "a **leaf** of the computation graph" in prose("01_autograd_basics", "en")


def test_the_reverse_mode_walk_defines_its_hooks():
    """06 opens with reverse mode step by step (moved from 03), which says what a hook is."""
    assert "**钩子**（hook）" in prose("06_autograd_from_scratch", "zh")
    assert "**hooks**: a" in prose("06_autograd_from_scratch", "en")


def test_what_the_exercises_need_is_taught_before_them():
    for word in ("retain_graph", "create_graph", "torch.autograd.grad"):
        assert word in prose("01_autograd_basics", "zh")
        assert word in prose("01_autograd_basics", "en")


def test_later_notebooks_only_use_what_earlier_ones_taught():
    """03 comes before the engine notebook: none of the tools moved to 05 appear in it."""
    nb = nbformat.read(COURSE.path("03_chain_rule_and_graphs", "zh"), as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for tool in ("torch.func", "forward_ad", "_saved_", "saved_tensors_hooks", "checkpoint", "fx."):
        assert tool not in code, f"03 uses {tool}, which 05 introduces"
    assert "f7_complexity" not in prose("03_chain_rule_and_graphs", "zh")


# ---- the claims themselves, re-derived


def test_forward_and_central_difference_floors():
    x0 = torch.tensor(1.0, dtype=torch.float64)
    exact = math.cos(1.0)
    h = torch.tensor([10.0**-k for k in range(1, 17)], dtype=torch.float64)
    forward = ((torch.sin(x0 + h) - torch.sin(x0)) / h - exact).abs()
    central = ((torch.sin(x0 + h) - torch.sin(x0 - h)) / (2 * h) - exact).abs()
    eps = torch.finfo(torch.float64).eps
    assert eps == 2.0**-52
    assert 1e-9 < forward.min() < 10 * math.sqrt(eps)  # about sqrt(eps): 7-8 digits
    assert central.min() < 10 * eps ** (2 / 3)  # about eps^(2/3): 10-11 digits
    assert central.min() < forward.min() / 10  # the old sentence held for the forward one only
    assert abs(math.log10(h[forward.argmin()] / math.sqrt(eps))) < math.log10(20)
    assert abs(math.log10(h[central.argmin()] / eps ** (1 / 3))) < math.log10(20)


def test_per_operation_conventions_do_not_compose():
    x = torch.tensor([0.0], requires_grad=True)
    (torch.relu(x) - torch.relu(-x)).sum().backward()
    assert x.grad.item() == 0.0  # while the function is x, derivative 1


def test_one_accumulate_grad_per_leaf_and_reciprocal():
    x = torch.tensor(2.0, requires_grad=True)
    out = torch.log(x**2) * torch.sin(x) + 1 / x
    nodes, stack = [], [out.grad_fn]
    while stack:
        fn = stack.pop()
        if type(fn).__name__ == "AccumulateGrad":
            nodes.append(fn)
        stack += [child for child, _ in fn.next_functions if child is not None]
    assert len(nodes) == 3 and len({id(n) for n in nodes}) == 1
    r = (1 / x).grad_fn
    assert r.name() == "MulBackward0" and r.next_functions[0][0].name() == "ReciprocalBackward0"


def test_mean_losses_over_micro_batches_need_dividing():
    data = torch.arange(4.0)
    w = torch.tensor(1.0, requires_grad=True)
    ((w * data - 1) ** 2).mean().backward()
    full = w.grad.clone()
    w.grad.zero_()
    for chunk in data.split(2):
        ((w * chunk - 1) ** 2).mean().backward()
    assert torch.equal(w.grad, 2 * full)


def test_forward_mode_keeps_one_tangent_per_live_value():
    saved = []

    def pack(t):
        saved.append(t.nbytes)
        return t

    for width in (1, 1000):
        for n_layers in (4, 16):
            saved.clear()
            with saved_tensors_hooks(pack, lambda t: t), fwAD.dual_level():
                h = fwAD.make_dual(torch.linspace(-2, 2, width), torch.ones(width))
                for _ in range(n_layers):
                    h = torch.tanh(h) + 0.5 * h
                primal, tangent = fwAD.unpack_dual(h)
            assert saved == []  # nothing kept for a backward pass, whatever n
            assert tangent.nbytes == primal.nbytes == 4 * width  # not O(1) for width 1000


def test_layouts_of_one_example():
    a = torch.tensor([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])
    x = torch.tensor([1.0, 1.0, 2.0], requires_grad=True)
    jac = torch.autograd.functional.jacobian(lambda v: a @ v, x.detach())
    u = torch.tensor([0.0, 1.0])
    (a @ x).backward(u)
    assert torch.equal(jac, a) and x.grad.shape == x.shape
    assert torch.equal(x.grad, a.T @ u)


@pytest.mark.parametrize("lang", COURSE.languages)
def test_the_exercises_state_the_checks_time_limit(lang):
    """The limit the exercises' text promises is the one the checks enforce."""
    from autograd_lab.exercises import sandbox

    text = prose("08_exercises", lang)
    stated = re.findall(r"(\d+) (?:seconds|秒)", text)
    assert stated and {float(s) for s in stated} == {sandbox.LIMIT}, stated


# ---- issue 22's nine statements, re-derived


def test_the_in_place_error_names_the_producer_not_the_saver():
    p = torch.tensor([1.0, 2.0], requires_grad=True) + 1
    z = p * p
    p.add_(1)
    with pytest.raises(RuntimeError, match="output 0 of Add,") as caught:
        z.sum().backward()
    assert "Mul" not in str(caught.value)


def test_inference_tensors_are_refused_only_where_saved_or_changed_in_place():
    x = torch.arange(4.0, requires_grad=True)
    with torch.inference_mode():
        frozen = x * 2
    (frozen + x).sum().backward()
    assert torch.equal(x.grad, torch.ones(4))
    with pytest.raises(RuntimeError, match="cannot be saved for backward"):
        (frozen * x).sum()
    with pytest.raises(RuntimeError, match="Inplace update to inference tensor"):
        frozen.add_(1)


def test_the_version_counter_belongs_to_the_tensor():
    t = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    t.data.add_(1)
    assert t._version == 0
    view = t.detach()[1:]
    view.add_(1)
    assert t._version == view._version == 1


def test_a_frozen_submodule_is_skipped_by_the_optimizer_and_eval_freezes_nothing():
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1))
    net[0].requires_grad_(False)
    frozen, last = net[0].weight.clone(), net[2].weight.clone()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)  # every parameter, frozen ones too
    X = torch.arange(8.0).reshape(4, 2)
    net(X).sum().backward()
    optimizer.step()
    assert net[0].weight.grad is None and torch.equal(net[0].weight, frozen)
    assert not torch.equal(net[2].weight, last)
    net.requires_grad_(True)
    net.eval()
    assert not net[0].training and net[0].weight.requires_grad
    optimizer.zero_grad()
    net(X).sum().backward()
    optimizer.step()
    assert not torch.equal(net[0].weight, frozen)


def test_a_fresh_leaf_refuses_in_place_and_to_without_change_is_identity():
    fresh = torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        fresh.add_(1)
    assert fresh.to(torch.float32) is fresh
    assert not fresh.to(torch.float64).is_leaf


def test_forward_mode_frees_each_layer_s_tangent():
    import weakref

    for n_layers in (4, 16):
        refs = []
        with fwAD.dual_level():
            h = fwAD.make_dual(torch.linspace(-2, 2, 1000), torch.ones(1000))
            for _ in range(n_layers):
                h = torch.tanh(h) + 0.5 * h
                refs.append(weakref.ref(fwAD.unpack_dual(h).tangent))
            assert sum(ref() is not None for ref in refs) == 1


def test_pytorch_s_rule_at_non_differentiable_points():
    zero = torch.zeros(1, requires_grad=True)
    grad = lambda f: torch.autograd.grad(f(zero).sum(), zero)[0].item()  # noqa: E731
    assert grad(torch.abs) == grad(torch.relu) == grad(lambda t: -torch.abs(t)) == 0.0
    assert grad(torch.sqrt) == math.inf
