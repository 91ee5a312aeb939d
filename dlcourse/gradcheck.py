"""Is my backward right? Numerical gradients, relative errors and parity with torch.

``check_module`` compares a module's analytic gradients (input and every
parameter) with centred finite differences; ``compare_with_torch`` copies a
torch module's weights into a NumPy one and compares forward outputs and all
gradients with torch autograd. Both return a ``GradcheckResult`` whose printed
form is one stable line, good for a checked notebook cell.

Both run in float64: in float32, rounding alone gives relative errors around 1e-4 and finite differences
are meaningless. A module whose parameters are float32 (``module.float()``) is checked through a float64
copy, so the module itself is left as it is (no gradients added, no weights loaded).
"""
import copy
from dataclasses import dataclass, field

import numpy as np

from .nn.module import Module


def rel_error(a, b):
    """||a - b|| / (||a|| + ||b||), a scale-free distance: 0 means identical, 1 unrelated.

    Norms over whole arrays, so an entry that is tiny in both does not dominate.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"rel_error: shapes differ, {a.shape} vs {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))


def numerical_gradient(f, x, eps=1e-6):
    """Centred differences (f(x+h) - f(x-h)) / 2h of scalar ``f()`` w.r.t. array ``x``.

    ``x`` is changed in place one entry at a time and restored, so ``f`` may read
    it through a closure (e.g. a parameter's ``data``).
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError("numerical_gradient needs a float NumPy array it can nudge in place")
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        f_plus = float(f())
        x[i] = old - eps
        f_minus = float(f())
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


@dataclass
class GradcheckResult:
    """Relative error per checked quantity; ``passed`` when all are below ``tol``."""
    errors: dict = field(default_factory=dict)
    tol: float = 1e-6
    against: str = "finite differences"

    @property
    def passed(self):
        return all(e < self.tol for e in self.errors.values())

    @property
    def max_error(self):
        return max(self.errors.values(), default=0.0)

    def __bool__(self):
        return self.passed

    def __repr__(self):
        verdict = "passed" if self.passed else "FAILED"
        failing = [k for k, e in self.errors.items() if e >= self.tol]  # in checking order, not ranked
        detail = f" (failing: {', '.join(failing)})" if failing else ""
        n_grads = sum(k != "output" for k in self.errors)  # compare_with_torch also compares the forward output
        what = f"output and {n_grads} gradients" if "output" in self.errors else f"{n_grads} gradients"
        return f"gradcheck vs {self.against} {verdict}: {what}, all rel. errors < {self.tol:g}" \
            if self.passed else f"gradcheck vs {self.against} {verdict}: max rel. error {self.max_error:.1e}{detail}"


def _check_module_type(module, who):
    if not isinstance(module, Module):
        raise TypeError(f"{who} takes a dlcourse.nn module, got {type(module).__name__}")


def _in_float64(module):
    """``module`` itself if all its parameters and floating buffers are float64, else a float64 copy."""
    arrays = [p.data for p in module.parameters()] + [b for _, b in module.named_buffers()]
    if all(a.dtype == np.float64 for a in arrays if np.issubdtype(a.dtype, np.floating)):
        return module
    return copy.deepcopy(module).double()


def check_module(module, x, eps=1e-6, tol=1e-6, seed=0):
    """Finite-difference check of ``module``'s backward for input ``x``, in float64.

    The scalar checked is ``sum(module(x) * g)`` for a fixed random ``g``, so every
    output element's gradient path is exercised. A float32 module is checked through a float64 copy.
    """
    _check_module_type(module, "check_module")
    module = _in_float64(module)
    x = np.array(x, dtype=np.float64)
    g = np.random.default_rng(seed).standard_normal(np.shape(module(x)))

    def scalar():
        return np.sum(module(x) * g)

    module.zero_grad()
    module(x)
    analytic = {"input": module.backward(g)}
    analytic.update({name: p.grad.copy() for name, p in module.named_parameters()})
    numeric = {"input": numerical_gradient(scalar, x, eps)}
    numeric.update({name: numerical_gradient(scalar, p.data, eps) for name, p in module.named_parameters()})
    return GradcheckResult({k: rel_error(analytic[k], numeric[k]) for k in analytic}, tol)


def check_function(f, x, grad_f, eps=1e-6, tol=1e-6):
    """Compare ``grad_f(x)`` (a hand-written gradient of scalar ``f``) with finite differences."""
    x = np.array(x, dtype=np.float64)
    numeric = numerical_gradient(lambda: f(x), x, eps)
    return GradcheckResult({"x": rel_error(grad_f(x), numeric)}, tol)


def compare_with_torch(module, torch_module, x, tol=1e-6, seed=0):
    """Copy ``torch_module``'s weights into ``module``; compare outputs and all gradients.

    Everything runs in float64 on the CPU so differences reflect the maths, not rounding; a float32
    ``module`` is compared through a float64 copy (it keeps its own weights).
    """
    import torch

    _check_module_type(module, "compare_with_torch")
    module = _in_float64(module)
    torch_module = torch_module.double().cpu()
    module.load_state_dict(torch_module.state_dict())
    x = np.array(x, dtype=np.float64)
    xt = torch.tensor(x, requires_grad=True)
    yt = torch_module(xt)
    y = module(x)
    g = np.random.default_rng(seed).standard_normal(y.shape)
    torch_module.zero_grad()
    yt.backward(torch.tensor(g))
    module.zero_grad()
    dx = module.backward(g)
    errors = {"output": rel_error(y, yt.detach().numpy()), "input": rel_error(dx, xt.grad.numpy())}
    torch_params = dict(torch_module.named_parameters())
    for name, p in module.named_parameters():
        errors[name] = rel_error(p.grad, torch_params[name].grad.numpy())
    return GradcheckResult(errors, tol, against="torch autograd")
