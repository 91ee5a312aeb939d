"""Compare torch models fairly: same data, same budget, same seeds, same batch order; one table.

Cost measurements, each usable on its own:

* ``count_params(model)``: trainable numbers.
* ``macs_per_sample(model, example_batch)``: multiply-accumulates of one forward pass per sample.
  torch's ``FlopCounterMode`` has formulas for matrix products, convolutions and the GPU attention
  kernels, but none for the fused RNN kernels (``nn.LSTM`` on the CPU counts 0; cuDNN's RNNs on a GPU),
  for the CPU's ``scaled_dot_product_attention`` kernel (a ``TransformerEncoderLayer`` loses its two
  attention products) or for the fused inference paths of ``nn.MultiheadAttention`` and
  ``nn.TransformerEncoderLayer`` (eval mode without gradients counts 0). So recurrent layers and
  multi-head attention are counted by formula (``rnn_macs``, ``attention_macs``), and whatever the
  counter saw inside them is replaced, not added; the pass runs with gradients on.
* ``activation_memory(model, example_batch)``: bytes autograd keeps for the backward pass.
* ``latency_per_sample(model, x)``: median inference time per sample.

``compare(candidates, data, steps=... | seconds=...)`` trains every candidate with every seed and
returns a ``Comparison``: ``.rows`` (one dict per candidate), ``.curves`` and a table that prints
as text or HTML. ``Run`` is one model training on one data set; ``compare`` and the
``ArchitectureRace`` explorer both drive it.
"""
import copy
import math
import statistics
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch
from torch import nn

from ._env import device as default_device

OPTIMIZERS = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "sgd": torch.optim.SGD,
              "rmsprop": torch.optim.RMSprop}
_OVERRIDES = ("lr", "optimizer", "weight_decay")  # what one candidate may set differently from the rest


# ---------------------------------------------------------------- cost measurements

def count_params(model, trainable_only=True):
    """Number of (trainable) parameters: the sum of ``p.numel()``."""
    _check_module(model, "count_params")
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def rnn_macs(module, steps):
    """Multiply-accumulates per sample of ``nn.RNN``/``nn.GRU``/``nn.LSTM`` over ``steps`` time steps.

    Each step of each layer and direction multiplies the input (size ``in``) and the previous
    hidden state (size ``h``, or ``proj_size``) into ``g`` gate pre-activations of size ``hidden``
    (g = 1 RNN, 3 GRU, 4 LSTM): ``g * hidden * (in + h)``, plus ``hidden * proj_size`` for an LSTM
    projection. Layers after the first read both directions' outputs. Element-wise gate arithmetic
    is not counted (nor is it by FlopCounterMode anywhere else).
    """
    gates = {"RNN_TANH": 1, "RNN_RELU": 1, "GRU": 3, "LSTM": 4}[module.mode]
    dirs = 2 if module.bidirectional else 1
    h_out = module.proj_size or module.hidden_size
    total, n_in = 0, module.input_size
    for _ in range(module.num_layers):
        per_step = gates * module.hidden_size * (n_in + h_out) + module.hidden_size * module.proj_size
        total += dirs * steps * per_step
        n_in = dirs * h_out
    return total


def attention_macs(module, q_len, k_len):
    """Multiply-accumulates per sample of ``nn.MultiheadAttention`` (embed size E, all heads together):
    projections ``q_len*E*E + k_len*E*(kdim + vdim)``, scores ``q_len*k_len*E``, weighted values
    ``q_len*k_len*E``, output projection ``q_len*E*E``. Masks are ignored (counted dense)."""
    e = module.embed_dim
    keys = k_len + bool(module.bias_k is not None) + bool(module.add_zero_attn)
    return q_len * e * e + k_len * e * (module.kdim + module.vdim) + 2 * q_len * keys * e + q_len * e * e


def _sequence_dims(x, batch_first):
    """(batch, time) of an RNN/attention input, batched or not."""
    if x.ndim == 2:  # unbatched (T, features)
        return 1, x.shape[0]
    return (x.shape[0], x.shape[1]) if batch_first else (x.shape[1], x.shape[0])


def _formula_macs(module, args, kwargs):
    """Total MACs (whole batch) of one call of a module counted by formula."""
    if isinstance(module, nn.RNNBase):
        x = args[0]
        if isinstance(x, nn.utils.rnn.PackedSequence):
            raise TypeError("macs_per_sample: count RNNs on padded tensors, not PackedSequence")
        n, t = _sequence_dims(x, module.batch_first)
        return n * rnn_macs(module, t)
    query = args[0] if args else kwargs["query"]
    key = args[1] if len(args) > 1 else kwargs.get("key", query)
    n, tq = _sequence_dims(query, module.batch_first)
    _, tk = _sequence_dims(key, module.batch_first)
    return n * attention_macs(module, tq, tk)


def macs_per_sample(model, example_batch):
    """Multiply-accumulates of one forward pass, per sample of ``example_batch`` (a tensor, first axis = batch).

    Matrix products and convolutions are counted by ``torch.utils.flop_counter.FlopCounterMode``
    (MACs = FLOPs / 2); RNN/GRU/LSTM and MultiheadAttention by formula (see the module docstring).
    The pass runs in eval mode (dropout and batch norm change nothing) with gradients on, so that
    torch's fused inference kernels, which the counter cannot see into, are not used.
    """
    from torch.utils.flop_counter import FlopCounterMode
    _check_module(model, "macs_per_sample")
    x = _check_batch(example_batch, "macs_per_sample")
    seen, formula, hooks = [], [], []  # counter totals at entry, counted-inside and formula MACs per call

    def enter(mod, args):
        seen.append(counter.get_total_flops())

    def leave(mod, args, kwargs, out):
        inside = counter.get_total_flops() - seen.pop()
        formula.append((inside, _formula_macs(mod, args, kwargs)))

    for m in model.modules():
        if isinstance(m, (nn.RNNBase, nn.MultiheadAttention)):
            hooks += [m.register_forward_pre_hook(enter), m.register_forward_hook(leave, with_kwargs=True)]
    was_training = model.training
    model.eval()
    try:
        with torch.enable_grad(), FlopCounterMode(display=False) as counter:
            model(x)
    finally:
        model.train(was_training)
        for h in hooks:
            h.remove()
    counted = counter.get_total_flops() - sum(inside for inside, _ in formula)
    return (counted / 2 + sum(m for _, m in formula)) / len(x)


def activation_memory(model, example_batch):
    """Bytes of the tensors autograd saves for the backward pass during one training-mode forward pass
    of ``example_batch`` (the whole batch). Each byte counts once (a layer's output saved again as
    the next layer's input is one tensor; a view counts the bytes it covers); parameters are not
    activations and are left out; the input batch counts when a layer saves it. The model's buffers
    (batch-norm statistics) and the random stream are restored afterwards."""
    _check_module(model, "activation_memory")
    x = _check_batch(example_batch, "activation_memory")
    params = {p.untyped_storage().data_ptr() for p in model.parameters()}
    spans = []  # (device, first byte, end byte) of each saved tensor that is not a parameter

    def pack(t):
        if t.untyped_storage().data_ptr() not in params and t.numel():
            extent = 1 + sum((n - 1) * abs(s) for n, s in zip(t.shape, t.stride()))
            spans.append((str(t.device), t.data_ptr(), t.data_ptr() + extent * t.element_size()))
        return t

    buffers = copy.deepcopy(list(model.buffers()))
    was_training = model.training
    model.train()
    try:
        cuda = [x.device.index or 0] if x.device.type == "cuda" else []  # dropout there draws from the GPU's stream
        with torch.random.fork_rng(devices=cuda), torch.enable_grad(), \
                torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
            model(x)
    finally:
        model.train(was_training)
        with torch.no_grad():
            for b, saved in zip(model.buffers(), buffers):
                b.copy_(saved)
    total, device, covered = 0, None, 0
    for dev, lo, hi in sorted(spans):  # the union of the byte ranges: a view counts only the bytes it covers
        if dev != device:
            device, covered = dev, 0
        total += max(0, hi - max(lo, covered))
        covered = max(covered, hi)
    return total


def _sync(device):
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize(device)


def latency_per_sample(model, x, repeats=7):
    """Median seconds per sample of an inference pass on the batch ``x`` (eval mode, no gradients,
    one warm-up pass first; on CUDA the device is synchronised around each timed pass)."""
    _check_module(model, "latency_per_sample")
    x = _check_batch(x, "latency_per_sample")
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"latency_per_sample: repeats must be a positive integer, got {repeats!r}")
    was_training = model.training
    model.eval()
    times = []
    try:
        with torch.no_grad():
            model(x)
            for _ in range(repeats):
                _sync(x.device)
                t0 = time.perf_counter()
                model(x)
                _sync(x.device)
                times.append(time.perf_counter() - t0)
    finally:
        model.train(was_training)
    return statistics.median(times) / len(x)


def _check_module(model, who):
    if not isinstance(model, nn.Module):
        raise TypeError(f"{who}: expected a torch.nn.Module, got {type(model).__name__}")


def _check_batch(x, who):
    if not isinstance(x, torch.Tensor) or x.ndim < 1 or len(x) == 0:
        got = f"shape {tuple(x.shape)}" if isinstance(x, torch.Tensor) else type(x).__name__
        raise TypeError(f"{who}: expected a non-empty batch tensor (first axis = samples), got {got}")
    return x


# ---------------------------------------------------------------- metrics and data

@dataclass(frozen=True)
class Metric:
    """A score of predictions: ``fn(outputs, targets) -> float``; ``higher_is_better`` says which way is good."""
    name: str
    fn: Callable
    higher_is_better: bool


def _accuracy(out, y):
    if out.ndim == 2 and out.shape[1] == 1:  # one logit per sample: class 1 when positive
        return ((out[:, 0] > 0).long() == y.long()).float().mean().item()
    return (out.argmax(1) == y).float().mean().item()


def _mse(out, y):
    return torch.mean((out.reshape(y.shape) - y) ** 2).item()


METRICS = {"accuracy": Metric("accuracy", _accuracy, True), "mse": Metric("mse", _mse, False)}


@dataclass
class Tensors:
    """The six arrays of a Split as tensors on one device: inputs in torch's default dtype (float32
    unless changed), integer labels int64."""
    X_train: torch.Tensor
    y_train: torch.Tensor
    X_val: torch.Tensor
    y_val: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor

    @property
    def classification(self):
        return not self.y_train.dtype.is_floating_point


_PARTS = ("X_train", "y_train", "X_val", "y_val", "X_test", "y_test")


def as_tensors(data, device=None, who="compare"):
    """``data`` (a ``dl.data`` Split, an object or dict with X_train ... y_test, or a 6-tuple) as ``Tensors``,
    moved to ``device`` once."""
    if isinstance(data, Tensors) and device is None:
        return data
    if isinstance(data, (tuple, list)):
        if len(data) != 6:
            raise ValueError(f"{who}: data as a tuple needs 6 arrays {_PARTS}, got {len(data)}")
        arrays = dict(zip(_PARTS, data))
    elif isinstance(data, dict):
        missing = [p for p in _PARTS if p not in data]
        if missing:
            raise ValueError(f"{who}: data lacks {missing}; expected the keys {_PARTS}")
        arrays = {p: data[p] for p in _PARTS}
    else:
        missing = [p for p in _PARTS if not hasattr(data, p)]
        if missing:
            raise TypeError(f"{who}: expected a dl.data Split (or a dict / 6-tuple of arrays {_PARTS}), "
                            f"got {type(data).__name__} without {missing}")
        arrays = {p: getattr(data, p) for p in _PARTS}
    device = torch.device(device) if device is not None else default_device()
    out = {}
    for p, a in arrays.items():
        t = a.detach() if isinstance(a, torch.Tensor) else torch.as_tensor(np.asarray(a))
        float_dtype = torch.get_default_dtype()  # the dtype the candidates' parameters are made in
        t = t.to(float_dtype) if p.startswith("X") or t.dtype.is_floating_point else t.long()
        out[p] = t.to(device)
    for part in ("train", "val", "test"):
        nx, ny = len(out[f"X_{part}"]), len(out[f"y_{part}"])
        if nx != ny or nx == 0:
            raise ValueError(f"{who}: X_{part} has {nx} rows and y_{part} has {ny}; expected the same "
                             "number, more than 0")
    return Tensors(**out)


def _loss_for(data):
    """Cross-entropy for class labels (one logit per sample: binary cross-entropy), MSE otherwise."""
    if not data.classification:
        return lambda out, y: nn.functional.mse_loss(out.reshape(y.shape), y)

    def loss(out, y):
        if out.ndim == 2 and out.shape[1] == 1:
            return nn.functional.binary_cross_entropy_with_logits(out[:, 0], y.float())
        return nn.functional.cross_entropy(out, y)
    return loss


def _check_output(out, y, name, data):
    """The model's output must fit the labels: (N, classes) for classes 0..C-1, else y's shape."""
    n = len(y)
    if data.classification:
        classes = int(max(data.y_train.max(), data.y_val.max(), data.y_test.max())) + 1
        binary_ok = classes <= 2 and tuple(out.shape) == (n, 1)
        if not binary_ok and (out.ndim != 2 or out.shape[0] != n or out.shape[1] < classes):
            raise ValueError(f"compare: {name}'s output has shape {tuple(out.shape)} for a batch of {n}; "
                             f"expected ({n}, {classes}): one score per class (labels run 0..{classes - 1})")
    elif out.numel() != y.numel() or out.shape[0] != n:
        raise ValueError(f"compare: {name}'s output has shape {tuple(out.shape)} for a batch of {n}; "
                         f"expected {tuple(y.shape)}, the targets' shape")


def make_optimizer(name, params, lr, weight_decay=0.0):
    """A torch optimizer by name (one of ``OPTIMIZERS``)."""
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; expected one of {sorted(OPTIMIZERS)}")
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not lr > 0:
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    return OPTIMIZERS[name](params, lr=lr, weight_decay=weight_decay)


def batch_order(n, batch_size, seed):
    """Endless index batches: a fresh shuffle of ``range(n)`` per epoch from a generator seeded with
    ``seed``, cut into batches of ``batch_size`` (the last ``n % batch_size`` of each shuffle wait for
    the next epoch). The same seed gives every candidate the same batches in the same order."""
    g = torch.Generator().manual_seed(seed)
    batch_size = min(batch_size, n)
    while True:
        perm = torch.randperm(n, generator=g)
        for i in range(0, n - batch_size + 1, batch_size):
            yield perm[i:i + batch_size]


# ---------------------------------------------------------------- training one model

class Run:
    """One model training on one data set with one seed, a step at a time.

    ``train(k)`` takes ``k`` optimizer steps (timed, evaluation excluded); ``record()`` appends a
    point to ``curve`` (step, seconds, mean train loss since the last point, validation metric).
    """

    def __init__(self, name, model, data, *, seed=0, batch_size=100, lr=1e-3, optimizer="adam",
                 weight_decay=0.0, metric="accuracy"):
        if not isinstance(model, nn.Module):
            raise TypeError(f"compare: the factory of {name!r} must return a torch.nn.Module, "
                            f"got {type(model).__name__}")
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"compare: batch_size must be a positive integer, got {batch_size!r}")
        self.name, self.data, self.seed = name, data, seed
        self.metric = metric if isinstance(metric, Metric) else METRICS[metric]
        self.device = data.X_train.device
        self.model = model.to(self.device)
        self.optimizer = make_optimizer(optimizer, self.model.parameters(), lr, weight_decay)
        self.loss_fn = _loss_for(data)
        self.batches = batch_order(len(data.X_train), batch_size, seed)
        self.steps, self.seconds, self.diverged = 0, 0.0, False
        self.curve = {"step": [], "seconds": [], "train_loss": [], "val_metric": []}
        self._losses = []
        with torch.no_grad():  # fail early, with a sentence, if the output cannot fit the labels
            _check_output(self.model.eval()(data.X_train[:2]), data.y_train[:2], name, data)

    def train(self, n_steps=1):
        """Take up to ``n_steps`` optimizer steps (fewer if the loss stops being finite)."""
        model = self.model.train()
        for _ in range(n_steps):
            if self.diverged:
                return
            idx = next(self.batches).to(self.device)
            _sync(self.device)
            t0 = time.perf_counter()
            self.optimizer.zero_grad()
            loss = self.loss_fn(model(self.data.X_train[idx]), self.data.y_train[idx])
            loss.backward()
            self.optimizer.step()
            value = loss.item()  # waits for the device, so the time below is complete
            self.seconds += time.perf_counter() - t0
            self.steps += 1
            self._losses.append(value)
            self.diverged = not math.isfinite(value)

    def evaluate(self, part="val", chunk=1000):
        """The metric on ``part`` ('train', 'val' or 'test'), in eval mode, without gradients."""
        X, y = getattr(self.data, f"X_{part}"), getattr(self.data, f"y_{part}")
        self.model.eval()
        with torch.no_grad():
            out = torch.cat([self.model(X[i:i + chunk]) for i in range(0, len(X), chunk)])
        return self.metric.fn(out, y)

    def record(self):
        """Append the current point to ``curve`` and return it."""
        point = {"step": self.steps, "seconds": self.seconds,
                 "train_loss": float(np.mean(self._losses)) if self._losses else float("nan"),
                 "val_metric": float("nan") if self.diverged else self.evaluate("val")}
        for k, v in point.items():
            self.curve[k].append(v)
        self._losses = []
        return point


# ---------------------------------------------------------------- the comparison

@dataclass
class Comparison:
    """What ``compare`` measured; prints as a table (text, or HTML in a notebook).

    ``rows``: one dict per candidate with ``name``, ``params``, ``macs_per_sample``, ``train_seconds``
    (mean over seeds, evaluation excluded), ``steps`` (mean over seeds; differs between candidates only
    under a seconds budget), ``latency_us`` (inference, µs per sample in a batch of ``batch_size``
    validation samples), ``activation_kib`` (saved for backward, one training batch), ``cuda_peak_mib``
    (peak allocated during training above what was allocated before it; None on the CPU), ``test_mean``,
    ``test_std``, ``test_per_seed``, ``val_final_per_seed``, ``train_per_seed`` (the metric on the whole
    training set at the end, in eval mode), ``diverged_seeds`` and the candidate's
    ``lr``, ``optimizer``, ``weight_decay``. Costs come from the last seed's trained model.
    ``curves``: {name: [curve per seed]}, each a dict of lists step / seconds / train_loss / val_metric.
    """
    rows: list
    curves: dict
    metric: Metric
    budget: str
    seeds: tuple
    models: dict = field(default_factory=dict, repr=False)  # {name: the last seed's trained model}

    COLUMNS = (("name", "model", "{}"), ("params", "params", "{:,}"), ("macs_per_sample", "MACs/sample", "{:,.0f}"),
               ("train_seconds", "train s", "{:.2f}"), ("steps", "steps", "{:,.0f}"),
               ("latency_us", "latency µs/sample", "{:.1f}"), ("activation_kib", "activations KiB/batch", "{:,.0f}"),
               ("cuda_peak_mib", "CUDA peak MiB", "{:.1f}"))

    def row(self, name):
        """The row of candidate ``name``."""
        for r in self.rows:
            if r["name"] == name:
                return r
        raise KeyError(f"no candidate {name!r}; have {[r['name'] for r in self.rows]}")

    def best(self):
        """Name of the candidate with the best mean test metric."""
        key = (lambda r: r["test_mean"]) if self.metric.higher_is_better else (lambda r: -r["test_mean"])
        return max(self.rows, key=key)["name"]

    def _cells(self, columns=None):
        keys = [k for k, _, _ in self.COLUMNS] + ["test"]
        if columns is None:
            columns = [k for k in keys if k == "test" or any(r.get(k) is not None for r in self.rows)]
        unknown = [c for c in columns if c not in keys]
        if unknown:
            raise ValueError(f"Comparison.table: unknown columns {unknown}; expected some of {keys}")
        spec = {k: (h, f) for k, h, f in self.COLUMNS}
        arrow = "↑" if self.metric.higher_is_better else "↓"
        header = [spec[k][0] if k != "test" else f"test {self.metric.name} {arrow} (mean ± sd)" for k in columns]
        pct = self.metric.name == "accuracy"
        body = []
        for r in self.rows:
            cells = []
            for k in columns:
                if k != "test":
                    cells.append("–" if r[k] is None else spec[k][1].format(r[k]))
                elif len(r["test_per_seed"]) == 1:  # one seed has no spread: say so rather than print ± 0
                    cells.append(f"{100 * r['test_mean']:.1f} % (n=1)" if pct else f"{r['test_mean']:.4g} (n=1)")
                elif pct:
                    cells.append(f"{100 * r['test_mean']:.1f} ± {100 * r['test_std']:.1f} %")
                else:
                    cells.append(f"{r['test_mean']:.4g} ± {r['test_std']:.2g}")
            body.append(cells)
        return header, body

    def table(self, columns=None, html=False):
        """The table as text (or HTML): all columns, or those named, e.g. ``("name", "params", "test")``
        (keys of ``COLUMNS``, and "test" for the metric) - leave out timings in a cell whose output is checked."""
        header, body = self._cells(columns)
        title = f"Comparison: {self.budget}, seeds {list(self.seeds)}"
        if html:
            import html as h
            th = "".join(f"<th>{h.escape(c)}</th>" for c in header)
            trs = "".join("<tr>" + "".join(f"<td>{h.escape(str(c))}</td>" for c in row) + "</tr>" for row in body)
            return f"<p>{h.escape(title)}</p><table><thead><tr>{th}</tr></thead><tbody>{trs}</tbody></table>"
        widths = [max(len(str(c)) for c in col) for col in zip(header, *body)]
        lines = ["  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(row, widths)))
                 for row in (header, *body)]
        return "\n".join([title, *lines])

    def __repr__(self):
        return self.table()

    def _repr_html_(self):
        return self.table(html=True)


def _candidate(name, spec, defaults):
    """(factory, settings) of one candidate: a factory, or a dict with 'factory' and overrides."""
    settings = dict(defaults)
    if isinstance(spec, dict):
        unknown = [k for k in spec if k != "factory" and k not in _OVERRIDES]
        if "factory" not in spec or unknown:
            raise ValueError(f"compare: candidate {name!r} as a dict needs 'factory' and may set {_OVERRIDES}; "
                             f"got keys {sorted(spec)}")
        settings.update({k: v for k, v in spec.items() if k != "factory"})
        spec = spec["factory"]
    if isinstance(spec, nn.Module):
        raise TypeError(f"compare: candidate {name!r} is a model, expected a factory seed -> torch.nn.Module, "
                        f"e.g. lambda seed: {type(spec).__name__}(...), so every seed starts from fresh weights")
    if not callable(spec):
        raise TypeError(f"compare: candidate {name!r} must be a factory seed -> torch.nn.Module "
                        f"(or a dict with one), got {type(spec).__name__}")
    return spec, settings


def compare(candidates, data, *, steps=None, seconds=None, seeds=(0, 1, 2), batch_size=100, lr=1e-3,
            optimizer="adam", weight_decay=0.0, eval_every=None, metric="accuracy", device=None, progress=False):
    """Train every candidate with every seed under one budget; return a ``Comparison``.

    candidates: {name: factory(seed) -> nn.Module}, or {name: {"factory": f, "lr": ..., "optimizer": ...,
    "weight_decay": ...}} to override a setting for one candidate. data: a ``dl.data`` Split (or dict /
    6-tuple of arrays); integer labels mean classification (cross-entropy), float targets regression (MSE).
    Budget: exactly one of ``steps`` (optimizer steps) or ``seconds`` (training time, evaluation excluded).
    Every candidate sees, per seed, the same batches in the same order (``batch_order``) and is built after
    ``torch.manual_seed(seed)``. The validation metric is recorded every ``eval_every`` steps (default:
    about 20 points per curve; with a seconds budget every 50 steps); the test metric once, at the end.
    metric: 'accuracy' (higher is better), 'mse' (lower is better) or a ``Metric``.
    Spread over seeds = sample standard deviation (0 for one seed). ``progress=True`` shows a bar over
    the (candidate, seed) runs.
    """
    if (steps is None) == (seconds is None):
        raise ValueError(f"compare: give exactly one budget, steps or seconds; "
                         f"got steps={steps!r}, seconds={seconds!r}")
    if steps is not None and (isinstance(steps, bool) or not isinstance(steps, int) or steps < 1):
        raise ValueError(f"compare: steps must be a positive integer, got {steps!r}")
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds > 0):
        raise ValueError(f"compare: seconds must be a positive number, got {seconds!r}")
    if not isinstance(candidates, dict) or not candidates:
        raise TypeError(f"compare: candidates must be a non-empty dict {{name: factory}}, got {candidates!r:.80}")
    seeds = tuple(seeds)
    if not seeds or any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 0 for s in seeds):
        raise ValueError(f"compare: seeds must be non-negative integers, got {seeds!r}")
    if isinstance(metric, str) and metric not in METRICS:
        raise ValueError(f"compare: unknown metric {metric!r}; expected one of {sorted(METRICS)} or a Metric")
    if not isinstance(metric, (str, Metric)):
        raise TypeError(f"compare: metric must be a name in {sorted(METRICS)} or a Metric(name, fn, higher_is_better), "
                        f"got {type(metric).__name__}")
    metric = metric if isinstance(metric, Metric) else METRICS[metric]
    defaults = dict(lr=lr, optimizer=optimizer, weight_decay=weight_decay)
    specs = {name: _candidate(name, spec, defaults) for name, spec in candidates.items()}
    for name, (_, s) in specs.items():
        if s["optimizer"] not in OPTIMIZERS:
            raise ValueError(f"compare: unknown optimizer {s['optimizer']!r} for {name!r}; "
                             f"expected one of {sorted(OPTIMIZERS)}")
    if eval_every is None:
        eval_every = max(1, steps // 20) if steps is not None else 50
    if isinstance(eval_every, bool) or not isinstance(eval_every, int) or eval_every < 1:
        raise ValueError(f"compare: eval_every must be a positive integer, got {eval_every!r}")
    tensors = as_tensors(data, device)
    if metric is METRICS["accuracy"] and not tensors.classification:
        raise ValueError("compare: accuracy needs integer class labels; these targets are floats: "
                         "use metric='mse' (lower is better) or your own Metric")
    dev = tensors.X_train.device
    cuda = dev.type == "cuda"
    rows, curves, models = [], {}, {}
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=len(specs) * len(seeds), desc="compare", unit="run", leave=False)
    for name, (factory, settings) in specs.items():
        runs, tests, trains = [], [], []
        peak = 0
        for seed in seeds:
            torch.manual_seed(int(seed))
            model = factory(int(seed))
            if cuda:
                torch.cuda.synchronize(dev)
                base = torch.cuda.memory_allocated(dev)
                torch.cuda.reset_peak_memory_stats(dev)
            run = Run(name, model, tensors, seed=int(seed), batch_size=batch_size, metric=metric, **settings)
            while not run.diverged and (run.steps < steps if steps is not None else run.seconds < seconds):
                run.train(min(eval_every, steps - run.steps) if steps is not None else 1)
                if run.steps % eval_every == 0 or run.diverged or (steps is not None and run.steps == steps) \
                        or (seconds is not None and run.seconds >= seconds):
                    run.record()
            if cuda:
                peak = max(peak, torch.cuda.max_memory_allocated(dev) - base)
            tests.append(float("nan") if run.diverged else run.evaluate("test"))
            trains.append(float("nan") if run.diverged else run.evaluate("train"))  # for the train/val gap
            runs.append(run)
            if bar is not None:
                bar.update()
        model = runs[-1].model
        x = tensors.X_val[:batch_size]
        rows.append({
            "name": name, "params": count_params(model), "macs_per_sample": macs_per_sample(model, x[:1]),
            "train_seconds": float(np.mean([r.seconds for r in runs])),
            "steps": float(np.mean([r.steps for r in runs])),
            "latency_us": 1e6 * latency_per_sample(model, x),
            "activation_kib": activation_memory(model, tensors.X_train[:batch_size]) / 1024,
            "cuda_peak_mib": peak / 2 ** 20 if cuda else None,
            "test_mean": float(np.mean(tests)), "test_std": float(np.std(tests, ddof=1)) if len(tests) > 1 else 0.0,
            "test_per_seed": tests, "val_final_per_seed": [r.curve["val_metric"][-1] for r in runs],
            "train_per_seed": trains,
            "diverged_seeds": [r.seed for r in runs if r.diverged], **settings})
        curves[name] = [r.curve for r in runs]
        models[name] = model
    if bar is not None:
        bar.close()
    budget = f"{steps} steps" if steps is not None else f"{seconds:g} s of training"
    return Comparison(rows, curves, metric, f"{budget}, batch {batch_size}, on {dev.type}", seeds, models)

