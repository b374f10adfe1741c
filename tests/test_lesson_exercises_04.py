"""The bank of answers to the exercises at the end of lesson 04 (4.1-4.3): every wrong or lazy
answer a learner would write gets its own hint, every right one passes, in zh and en.

The table of verdicts lands in build/exercise-bank/lesson04.md (tests/bank.py). Every answer
below runs on real PyTorch.
"""

from __future__ import annotations

import pytest
import torch

from autograd_lab.exercises import lesson04
from tests.bank import LANGUAGES, Bank

# Words of an exercise's own answer that none of its hints may contain.
ANSWER_WORDS = {
    "4.1": ("sigmoid(x) - 0.5", ".clone()"),
    "4.2": ("requires_grad_(False)",),
    "4.3": ("/ k", "/k", ".mean() /"),
}


def placeholder(*args): ...


def not_implemented(*args):
    raise NotImplementedError


# --- 4.1: fix the in-place change --------------------------------------------------------------


def fix_out_of_place(x):
    h = torch.sigmoid(x) - 0.5  # a new tensor: sigmoid's saved output stays as it was
    return (h * x).sum()


def fix_clone_first(x):
    h = torch.sigmoid(x).clone()  # the copy is changed, not the tensor sigmoid saved
    h -= 0.5
    return (h * x).sum()


def fix_sub_method(x):
    return (torch.sigmoid(x).sub(0.5) * x).sum()


def fix_data(x):
    h = torch.sigmoid(x)
    h.data -= 0.5  # hidden from the version counter
    return (h * x).sum()


def fix_detach(x):
    h = torch.sigmoid(x).detach() - 0.5
    return (h * x).sum()


def fix_no_grad_around_change(x):
    h = torch.sigmoid(x)
    with torch.no_grad():
        h -= 0.5  # the version counter still counts
    return (h * x).sum()


def fix_no_grad_around_sigmoid(x):
    with torch.no_grad():
        h = torch.sigmoid(x) - 0.5
    return (h * x).sum()


def fix_clone_input(x):
    h = torch.sigmoid(x.clone())  # the clone in the wrong place
    h -= 0.5
    return (h * x).sum()


def fix_clone_after(x):
    h = torch.sigmoid(x)
    h -= 0.5
    return (h.clone() * x).sum()  # too late: sigmoid's saved h was already changed


def fix_detached_clone(x):
    h = torch.sigmoid(x).detach().clone()  # a copy outside the graph: no error, no path
    h -= 0.5
    return (h * x).sum()


def fix_centred_copy_unused(x):
    h = torch.sigmoid(x)
    centred_copy = h.clone()
    centred_copy -= 0.5  # the copy is centred, but h is what the loss uses
    return (h * x).sum()


def fix_line_removed(x):
    h = torch.sigmoid(x)  # the centring dropped: no error, another function
    return (h * x).sum()


def fix_value_copied(x):
    return torch.tensor(((torch.sigmoid(x) - 0.5) * x).sum().item())


def fix_backward_inside(x):
    loss = ((torch.sigmoid(x) - 0.5) * x).sum()
    loss.backward()
    return loss


def fix_returns_gradient(x):
    loss = ((torch.sigmoid(x) - 0.5) * x).sum()
    (grad,) = torch.autograd.grad(loss, x)
    return grad


def fix_not_summed(x):
    return (torch.sigmoid(x) - 0.5) * x


def fix_numpy(x):
    h = torch.from_numpy(torch.sigmoid(x).detach().numpy() - 0.5)
    return (h * x).sum()


# --- 4.2: freeze the first layer ----------------------------------------------------------------


def tune_reference(model, X, y, steps, lr):
    model[0].requires_grad_(False)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        ((model(X) - y) ** 2).mean().backward()
        optimizer.step()


def tune_only_trainable(model, X, y, steps, lr):
    for p in model[0].parameters():
        p.requires_grad = False
    optimizer = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=lr)
    for _ in range(steps):
        loss = ((model(X) - y) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model


def tune_by_hand_with_autograd_grad(model, X, y, steps, lr):
    model[0].requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad]
    for _ in range(steps):
        grads = torch.autograd.grad(((model(X) - y) ** 2).mean(), params)
        with torch.no_grad():
            for p, g in zip(params, grads, strict=True):
                p -= lr * g


def tune_torch_func(model, X, y, steps, lr):
    model[0].requires_grad_(False)
    names = [n for n, p in model.named_parameters() if p.requires_grad]

    def loss(params):
        return ((torch.func.functional_call(model, params, (X,)) - y) ** 2).mean()

    for _ in range(steps):
        grads = torch.func.grad(loss)(
            {n: p.detach() for n, p in model.named_parameters() if n in names}
        )
        with torch.no_grad():
            for n, p in model.named_parameters():
                if n in names:
                    p -= lr * grads[n]


def tune_eval(model, X, y, steps, lr):
    model[0].eval()  # eval() freezes nothing
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        ((model(X) - y) ** 2).mean().backward()
        optimizer.step()


def tune_not_frozen(model, X, y, steps, lr):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        ((model(X) - y) ** 2).mean().backward()
        optimizer.step()


def tune_restore_by_hand(model, X, y, steps, lr):
    saved = [p.detach().clone() for p in model[0].parameters()]
    tune_not_frozen(model, X, y, steps, lr)
    with torch.no_grad():
        for p, value in zip(model[0].parameters(), saved, strict=True):
            p.copy_(value)  # put back by hand: it still asks for gradients


def tune_no_grad_first_layer(model, X, y, steps, lr):
    optimizer = torch.optim.SGD([p for layer in list(model)[1:] for p in layer.parameters()], lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        with torch.no_grad():
            h = model[0](X)
        out = h
        for layer in list(model)[1:]:
            out = layer(out)
        ((out - y) ** 2).mean().backward()
        optimizer.step()


def tune_grad_zeroed_by_hand(model, X, y, steps, lr):
    tune_reference(model, X, y, steps, lr)
    for p in model[0].parameters():
        p.grad = torch.zeros_like(p)  # a gradient set by hand on a frozen parameter


def tune_frozen_then_stepped_by_hand(model, X, y, steps, lr):
    tune_reference(model, X, y, steps, lr)
    with torch.no_grad():
        model[0].weight -= lr  # an update written by hand reaches the frozen layer


def tune_all_but_last(model, X, y, steps, lr):
    for layer in list(model)[:-1]:
        layer.requires_grad_(False)  # right on two Linear layers, too much on three
    tune_reference(model, X, y, steps, lr)


def tune_forgot_zero_grad(model, X, y, steps, lr):
    model[0].requires_grad_(False)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(steps):
        ((model(X) - y) ** 2).mean().backward()
        optimizer.step()


def tune_optimizer_of_frozen_layer(model, X, y, steps, lr):
    model[0].requires_grad_(False)
    optimizer = torch.optim.SGD(model[0].parameters(), lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        ((model(X) - y) ** 2).mean().backward()
        optimizer.step()


def tune_sum_loss(model, X, y, steps, lr):
    model[0].requires_grad_(False)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        ((model(X) - y) ** 2).sum().backward()
        optimizer.step()


def tune_hand_gradient_of_last_layer(model, X, y, steps, lr):
    """The last layer's gradient by a formula: right only where the last layer follows one
    hidden layer, and no backward pass at all."""
    model[0].requires_grad_(False)
    with torch.no_grad():
        for _ in range(steps):
            h = X
            for layer in list(model)[:-1]:
                h = layer(h)
            last = model[-1]
            r = 2 * (last(h) - y) / y.numel()
            last.weight -= lr * r.T @ h
            last.bias -= lr * r.sum(0)


def tune_update_outside_no_grad(model, X, y, steps, lr):
    model[0].requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad]
    for _ in range(steps):
        ((model(X) - y) ** 2).mean().backward()
        for p in params:
            p -= lr * p.grad


# --- 4.3: accumulate over micro-batches ---------------------------------------------------------


def loss_of(w, X, y):
    return torch.nn.functional.softplus(-y * (X @ w)).mean()


def acc_reference(w, X, y, k):
    for X_part, y_part in zip(X.chunk(k), y.chunk(k), strict=True):
        (loss_of(w, X_part, y_part) / k).backward()
    return w.grad


def acc_sum_over_n(w, X, y, k):
    n = X.shape[0]
    for X_part, y_part in zip(X.chunk(k), y.chunk(k), strict=True):
        (torch.log1p(torch.exp(-y_part * (X_part @ w))).sum() / n).backward()
    return w.grad


def acc_index_loop(w, X, y, k):
    size = X.shape[0] // k
    for i in range(k):
        part = slice(i * size, (i + 1) * size)
        loss = loss_of(w, X[part], y[part]) * (size / X.shape[0])
        loss.backward()
    return w.grad.clone()


def acc_not_scaled(w, X, y, k):
    for X_part, y_part in zip(X.chunk(k), y.chunk(k), strict=True):
        loss_of(w, X_part, y_part).backward()
    return w.grad


def acc_zero_inside(w, X, y, k):
    for X_part, y_part in zip(X.chunk(k), y.chunk(k), strict=True):
        w.grad = None  # zeroing inside the loop drops what came before
        (loss_of(w, X_part, y_part) / k).backward()
    return w.grad


def acc_full_batch(w, X, y, k):
    loss_of(w, X, y).backward()
    return w.grad


def acc_sum_loss(w, X, y, k):
    for X_part, y_part in zip(X.chunk(k), y.chunk(k), strict=True):
        torch.nn.functional.softplus(-y_part * (X_part @ w)).sum().backward()
    return w.grad


def acc_set_by_hand(w, X, y, k):
    loss_of(w, X[:1], y[:1]).backward()  # one pass, then the gradient written over it
    s = torch.sigmoid(-y * (X @ w.detach()))
    w.grad = -(X * (y * s)[:, None]).mean(0)
    return w.grad


def acc_autograd_grad(w, X, y, k):
    total = 0
    for X_part, y_part in zip(X.chunk(k), y.chunk(k), strict=True):
        (g,) = torch.autograd.grad(loss_of(w, X_part, y_part) / k, w)
        total = total + g
    return total


def acc_extra_pass(w, X, y, k):
    for X_part, y_part in zip(X.chunk(k), y.chunk(k), strict=True):
        (loss_of(w, X_part, y_part) / k).backward()
    (0 * loss_of(w, X, y)).backward()  # one more pass that adds nothing
    return w.grad


def acc_chunk_grad_zero_first(w, X, y, k):
    w.grad.zero_()
    return acc_reference(w, X, y, k)


def acc_wrong_loss(w, X, y, k):
    for X_part, y_part in zip(X.chunk(k), y.chunk(k), strict=True):
        (((X_part @ w - y_part) ** 2).mean() / k).backward()
    return w.grad


BANK = [
    (
        "4.1",
        "placeholder left",
        lambda: lesson04.check_fix_inplace(placeholder),
        "exercises.not_attempted",
    ),
    (
        "4.1",
        "raise NotImplementedError",
        lambda: lesson04.check_fix_inplace(not_implemented),
        "exercises.not_attempted",
    ),
    ("4.1", ".data -= 0.5", lambda: lesson04.check_fix_inplace(fix_data), "lesson04.fix_hidden"),
    (
        "4.1",
        "detach() before the centring",
        lambda: lesson04.check_fix_inplace(fix_detach),
        "lesson04.fix_cut",
    ),
    (
        "4.1",
        "no_grad around sigmoid",
        lambda: lesson04.check_fix_inplace(fix_no_grad_around_sigmoid),
        "lesson04.fix_cut",
    ),
    ("4.1", "NumPy round trip", lambda: lesson04.check_fix_inplace(fix_numpy), "lesson04.fix_cut"),
    (
        "4.1",
        "no_grad around the in-place change",
        lambda: lesson04.check_fix_inplace(fix_no_grad_around_change),
        "lesson04.fix_still_inplace",
    ),
    (
        "4.1",
        "clone of the input",
        lambda: lesson04.check_fix_inplace(fix_clone_input),
        "lesson04.fix_still_inplace",
    ),
    (
        "4.1",
        "clone after the change",
        lambda: lesson04.check_fix_inplace(fix_clone_after),
        "lesson04.fix_still_inplace",
    ),
    (
        "4.1",
        "detach().clone() before the change",
        lambda: lesson04.check_fix_inplace(fix_detached_clone),
        "lesson04.fix_cut",
    ),
    (
        "4.1",
        "the clone centred, the original used",
        lambda: lesson04.check_fix_inplace(fix_centred_copy_unused),
        "lesson04.fix_value",
    ),
    (
        "4.1",
        "the centring line deleted",
        lambda: lesson04.check_fix_inplace(fix_line_removed),
        "lesson04.fix_value",
    ),
    (
        "4.1",
        "value copied into a new tensor",
        lambda: lesson04.check_fix_inplace(fix_value_copied),
        "lesson04.fix_no_graph",
    ),
    (
        "4.1",
        "backward inside, loss returned",
        lambda: lesson04.check_fix_inplace(fix_backward_inside),
        "lesson04.fix_backward_inside",
    ),
    (
        "4.1",
        "returns the gradient",
        lambda: lesson04.check_fix_inplace(fix_returns_gradient),
        "lesson04.fix_not_scalar",
    ),
    (
        "4.1",
        "not summed",
        lambda: lesson04.check_fix_inplace(fix_not_summed),
        "lesson04.fix_not_scalar",
    ),
    (
        "4.1",
        "the broken function itself",
        lambda: lesson04.check_fix_inplace(lesson04.centred),
        "lesson04.fix_still_inplace",
    ),
    ("4.1", "not a function", lambda: lesson04.check_fix_inplace(0.5), "lesson04.fix_not_callable"),
    (
        "4.2",
        "placeholder left",
        lambda: lesson04.check_freeze(placeholder),
        "exercises.not_attempted",
    ),
    (
        "4.2",
        "eval() on the first layer",
        lambda: lesson04.check_freeze(tune_eval),
        "lesson04.freeze_eval",
    ),
    (
        "4.2",
        "nothing frozen",
        lambda: lesson04.check_freeze(tune_not_frozen),
        "lesson04.freeze_changed",
    ),
    (
        "4.2",
        "values put back by hand",
        lambda: lesson04.check_freeze(tune_restore_by_hand),
        "lesson04.freeze_flag",
    ),
    (
        "4.2",
        "no_grad around the first layer",
        lambda: lesson04.check_freeze(tune_no_grad_first_layer),
        "lesson04.freeze_flag",
    ),
    (
        "4.2",
        "frozen .grad set to zeros by hand",
        lambda: lesson04.check_freeze(tune_grad_zeroed_by_hand),
        "lesson04.freeze_grad",
    ),
    (
        "4.2",
        "frozen layer stepped by hand",
        lambda: lesson04.check_freeze(tune_frozen_then_stepped_by_hand),
        "lesson04.freeze_by_hand",
    ),
    (
        "4.2",
        "all but the last layer frozen",
        lambda: lesson04.check_freeze(tune_all_but_last),
        "lesson04.freeze_too_much",
    ),
    (
        "4.2",
        "zero_grad forgotten",
        lambda: lesson04.check_freeze(tune_forgot_zero_grad),
        "lesson04.freeze_no_zero",
    ),
    (
        "4.2",
        "optimizer of the frozen layer only",
        lambda: lesson04.check_freeze(tune_optimizer_of_frozen_layer),
        "lesson04.freeze_not_trained",
    ),
    (
        "4.2",
        "sum instead of mean",
        lambda: lesson04.check_freeze(tune_sum_loss),
        "lesson04.freeze_mismatch",
    ),
    (
        "4.2",
        "last layer's gradient by a formula",
        lambda: lesson04.check_freeze(tune_hand_gradient_of_last_layer),
        "lesson04.freeze_no_backward",
    ),
    (
        "4.2",
        "update outside no_grad",
        lambda: lesson04.check_freeze(tune_update_outside_no_grad),
        "exercises.err_inplace_leaf",
    ),
    (
        "4.2",
        "not a function",
        lambda: lesson04.check_freeze("model"),
        "lesson04.freeze_not_callable",
    ),
    (
        "4.3",
        "placeholder left",
        lambda: lesson04.check_accumulate(placeholder),
        "exercises.not_attempted",
    ),
    (
        "4.3",
        "mean loss not scaled",
        lambda: lesson04.check_accumulate(acc_not_scaled),
        "lesson04.accum_not_scaled",
    ),
    (
        "4.3",
        "gradient cleared inside the loop",
        lambda: lesson04.check_accumulate(acc_zero_inside),
        "lesson04.accum_zeroed",
    ),
    (
        "4.3",
        "one full-batch pass",
        lambda: lesson04.check_accumulate(acc_full_batch),
        "lesson04.accum_one_pass",
    ),
    (
        "4.3",
        "sum loss on every micro-batch",
        lambda: lesson04.check_accumulate(acc_sum_loss),
        "lesson04.accum_sum",
    ),
    (
        "4.3",
        "w.grad set by hand",
        lambda: lesson04.check_accumulate(acc_set_by_hand),
        "lesson04.accum_not_grad",
    ),
    (
        "4.3",
        "autograd.grad summed, no .grad",
        lambda: lesson04.check_accumulate(acc_autograd_grad),
        "lesson04.accum_not_grad",
    ),
    (
        "4.3",
        "one extra pass",
        lambda: lesson04.check_accumulate(acc_extra_pass),
        "lesson04.accum_count",
    ),
    (
        "4.3",
        "w.grad.zero_() before the first pass",
        lambda: lesson04.check_accumulate(acc_chunk_grad_zero_first),
        "exercises.err_none",
    ),
    (
        "4.3",
        "another loss",
        lambda: lesson04.check_accumulate(acc_wrong_loss),
        "lesson04.accum_mismatch",
    ),
    (
        "4.3",
        "not a function",
        lambda: lesson04.check_accumulate([1.0]),
        "lesson04.accum_not_callable",
    ),
]

RIGHT = [
    ("4.1", "out of place", lambda: lesson04.check_fix_inplace(fix_out_of_place)),
    ("4.1", "clone right after sigmoid", lambda: lesson04.check_fix_inplace(fix_clone_first)),
    ("4.1", "the sub method", lambda: lesson04.check_fix_inplace(fix_sub_method)),
    (
        "4.2",
        "reference: optimizer of every parameter",
        lambda: lesson04.check_freeze(tune_reference),
    ),
    ("4.2", "optimizer of the trainable ones", lambda: lesson04.check_freeze(tune_only_trainable)),
    (
        "4.2",
        "autograd.grad and an update by hand",
        lambda: lesson04.check_freeze(tune_by_hand_with_autograd_grad),
    ),
    ("4.2", "torch.func.grad of a functional_call", lambda: lesson04.check_freeze(tune_torch_func)),
    ("4.3", "reference: mean / k", lambda: lesson04.check_accumulate(acc_reference)),
    ("4.3", "sum / n", lambda: lesson04.check_accumulate(acc_sum_over_n)),
    ("4.3", "index loop, weighted by size", lambda: lesson04.check_accumulate(acc_index_loop)),
]

BANK_OF = Bank("lesson04", known_right=lambda: lesson04.check_accumulate(acc_reference))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("exercise", "name", "check", "hint"), BANK_OF.wrong_params(BANK))
def test_wrong_answer_gets_its_own_hint(exercise, name, check, hint, language):
    BANK_OF.expect_wrong(exercise, name, check, hint, language, answer_words=ANSWER_WORDS[exercise])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("exercise", "name", "check"), BANK_OF.right_params(RIGHT))
def test_right_answer_passes(exercise, name, check, language):
    BANK_OF.expect_right(exercise, name, check, language)


def test_every_exercise_has_five_wrong_answers_and_two_right_ones():
    for label in ANSWER_WORDS:
        wrong = [r for r in BANK if r[0] == label and not r[3].endswith("not_attempted")]
        assert len(wrong) >= 5, label
        assert len([r for r in RIGHT if r[0] == label]) >= 2, label


def test_checks_leave_the_random_state_alone():
    rng = torch.get_rng_state()
    for _, _, check in RIGHT:
        check()
    assert torch.equal(rng, torch.get_rng_state())


@pytest.fixture(scope="module", autouse=True)
def _table_of_verdicts():
    """Once the module's tests ran, write the table of every verdict they saw (not a test)."""
    yield
    BANK_OF.write_table()
