"""Value matches torch autograd on random expressions, reused nodes included."""
import math
import random

import pytest
import torch

from dlcourse.autograd import Value

UNARY = ["exp", "tanh", "relu", "sigmoid", "log", "square", "neg"]
BINARY = ["+", "-", "*", "/"]


def _apply(op, a, b=None):
    if op == "+": return a + b
    if op == "-": return a - b
    if op == "*": return a * b
    if op == "/": return a / b
    if op == "square": return a ** 2
    if op == "neg": return -a
    if op == "log": return (a * a + 1).log()  # keep the argument positive
    if op == "exp": return (a * 0.3).exp()
    return getattr(a, op)() if isinstance(a, Value) else getattr(torch, op)(a)


def _random_program(rnd, n_inputs, n_ops):
    prog = []
    for i in range(n_ops):
        k = n_inputs + i
        if rnd.random() < 0.5:
            prog.append((rnd.choice(BINARY), rnd.randrange(k), rnd.randrange(k)))  # may reuse a node twice
        else:
            prog.append((rnd.choice(UNARY), rnd.randrange(k), None))
    return prog


def _run(prog, inputs):
    nodes = list(inputs)
    for op, i, j in prog:
        if op == "/":
            nodes.append(nodes[i] / (nodes[j] * nodes[j] + 1))
        else:
            nodes.append(_apply(op, nodes[i], nodes[j] if j is not None else None))
    out = nodes[-1]
    for n in nodes[len(inputs):-1]:  # every intermediate feeds the output: plenty of reuse
        out = out + n * 0.1
    return out


@pytest.mark.parametrize("seed", range(25))
def test_random_expressions_match_torch(seed):
    rnd = random.Random(seed)
    xs = [rnd.uniform(-2, 2) for _ in range(3)]
    prog = _random_program(rnd, 3, 8)
    vals = [Value(x) for x in xs]
    out = _run(prog, vals)
    out.backward()
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    tout = _run(prog, ts)
    tout.backward()
    assert out.data == pytest.approx(tout.item(), rel=1e-9, abs=1e-12)
    for v, t in zip(vals, ts):
        expected = 0.0 if t.grad is None else t.grad.item()  # None: the input was never used
        assert v.grad == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_reused_node_sums_gradients():
    a = Value(3.0)
    b = a * a * a  # d/da = 3a^2
    b.backward()
    assert a.grad == 27.0


def test_leaf_gradients_accumulate_and_zero_grad_clears():
    a = Value(2.0)
    b = a * a + a
    b.backward()
    b.backward()
    assert a.grad == 10.0  # 2 * (2a + 1)
    b.zero_grad()
    assert a.grad == 0.0
    b.backward()
    assert a.grad == 5.0


def test_deep_graph_does_not_hit_recursion_limit():
    x = Value(0.5)
    y = x
    for _ in range(5000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0


@pytest.mark.parametrize("make,err", [
    (lambda: Value("3"), TypeError),
    (lambda: Value(1.0) + "a", TypeError),
    (lambda: Value(2.0) ** Value(2.0), TypeError),
    (lambda: Value(-1.0).log(), ValueError),
    (lambda: Value(0.0).log(), ValueError),
    (lambda: Value(1.0) / 0, ZeroDivisionError),
    (lambda: Value(1000.0).exp(), OverflowError),
    (lambda: Value(-2.0) ** 0.5, ValueError),
])
def test_bad_operations_raise_clear_errors(make, err):
    with pytest.raises(err):
        make()


def test_sigmoid_is_stable_for_large_inputs():
    assert Value(-800.0).sigmoid().data == pytest.approx(0.0)
    assert Value(800.0).sigmoid().data == pytest.approx(1.0)
    assert math.isfinite(Value(-800.0).sigmoid().data)
