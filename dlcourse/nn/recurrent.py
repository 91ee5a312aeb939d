"""Recurrent layers RNN, LSTM and GRU, shaped like torch.nn, with backpropagation through time.

Parameters per layer ``k`` have torch's names, shapes, gate order and initialisation, so
``load_state_dict(torch_module.state_dict())`` copies a torch model across:

    weight_ih_l{k} (G*H, I or H)   weight_hh_l{k} (G*H, H)   bias_ih_l{k} (G*H,)   bias_hh_l{k} (G*H,)

with G = 1 (RNN), 4 (LSTM: i, f, g, o) or 3 (GRU: r, z, n) gate blocks of H = hidden_size rows.
Every entry starts at U(-1/sqrt(H), 1/sqrt(H)), drawn from NumPy's global generator.

Input ``x`` is ``(T, N, I)``, ``(N, T, I)`` with ``batch_first=True``, or unbatched ``(T, I)``.
``forward(x, hx=None)`` returns ``(output, h_n)`` (LSTM: ``(output, (h_n, c_n))``): output has x's
layout with H features, h_n and c_n are ``(num_layers, N, H)`` (unbatched ``(num_layers, H)``).
``backward(grad_output, grad_h_n=None)`` (LSTM also ``grad_c_n=None``) adds every parameter's
gradient to ``.grad`` and returns the gradient w.r.t. x.

What a lesson or explorer may read (time-major, N = 1 for unbatched input, one entry per layer):

- after forward: ``h_seq[k]`` (T, N, H) hidden state of every step; ``c_seq[k]`` (LSTM) cell
  states; ``gates[k]`` a dict of (T, N, H) gate activations: LSTM ``'i', 'f', 'g', 'o'``, GRU
  ``'r', 'z', 'n'``, RNN ``{}``. These are views of what backward uses: read them, don't write.
- after backward: ``grad_h_seq[k]`` (T, N, H), the total dL/dh_t at each step (from the output at
  t *and* from every later step): its norm over t shows gradients vanishing or exploding through
  time. ``grad_hx`` is the gradient w.r.t. the initial state in hx's layout (LSTM: a pair).

Vectorised over batch and gates: x W_ih^T is one matrix product for all steps, each step is one
product with W_hh for all gates, and the parameter gradients are one product each after the loop;
only time steps (and layers) are looped over.
"""
import numpy as np

from ._checks import as_float_array, check_grad_shape, positive_int, require_forward
from .module import Module, Parameter


# The gates use sigmoid(x) = (1 + tanh(x / 2)) / 2: NumPy's tanh is several times faster than an
# exp-based sigmoid (scipy's expit), and with the sigmoid gates' weight rows and biases halved once
# per forward, one tanh call per step serves every gate. Absolute error stays at rounding level.
def _tanh_half_to_sigmoid(a):
    """In place: tanh(x / 2) -> sigmoid(x)."""
    a *= 0.5
    a += 0.5


class _RNNBase(Module):
    """Shared by RNN, LSTM and GRU: parameters, layouts, checks, input projection, parameter gradients.

    A subclass sets ``_n_blocks`` (gate blocks of H rows), ``_gate_names`` (RNN's single block has
    none), ``_n_states`` (2 for LSTM's (h, c)) and ``_sigmoid_blocks``, and implements the time loops
    ``_steps(z, h_all, w_hh_t, b_hh, other_states) -> cache`` (z: (T, N, G*H) input part of every
    pre-activation, turned into the gate activations in place) and
    ``_steps_backward(cache, d_out, dh_seq, w_hh, carry) -> (dz_x, dz_h)`` (gradients w.r.t. the
    input-side and hidden-side pre-activations; they differ only for GRU's n gate).
    """
    _gate_names = ()
    _n_blocks = 1
    _n_states = 1
    _sigmoid_blocks = ()  # gate blocks whose pre-activations forward halves (see _tanh_half_to_sigmoid)

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False):
        super().__init__()
        who = type(self).__name__
        self.input_size = positive_int(input_size, who, "input_size")
        self.hidden_size = positive_int(hidden_size, who, "hidden_size")
        if isinstance(num_layers, bool) or not isinstance(num_layers, (int, np.integer)) or num_layers < 1:
            raise ValueError(f"{who}: num_layers must be an integer >= 1, got {num_layers!r}")
        self.num_layers = int(num_layers)
        self.bias = bool(bias)
        self.batch_first = bool(batch_first)
        rows, bound = self._n_blocks * self.hidden_size, 1.0 / np.sqrt(self.hidden_size)
        for k in range(self.num_layers):  # torch's order: weight_ih, weight_hh, bias_ih, bias_hh per layer
            width = self.input_size if k == 0 else self.hidden_size
            setattr(self, f"weight_ih_l{k}", Parameter(np.random.uniform(-bound, bound, (rows, width))))
            setattr(self, f"weight_hh_l{k}", Parameter(np.random.uniform(-bound, bound, (rows, self.hidden_size))))
            if self.bias:
                setattr(self, f"bias_ih_l{k}", Parameter(np.random.uniform(-bound, bound, rows)))
                setattr(self, f"bias_hh_l{k}", Parameter(np.random.uniform(-bound, bound, rows)))
        self._cache = None
        self.h_seq = self.gates = self.grad_h_seq = self.grad_hx = None
        if self._n_states == 2:
            self.c_seq = None

    def _dtype(self):
        """The dtype every step computes in: the parameters' (see Module)."""
        return self.weight_ih_l0.data.dtype

    def _layer_params(self, k):
        """(weight_ih, weight_hh, bias_ih, bias_hh) Parameters of layer k; biases None without bias."""
        get = self._parameters.get
        return get(f"weight_ih_l{k}"), get(f"weight_hh_l{k}"), get(f"bias_ih_l{k}"), get(f"bias_hh_l{k}")

    # -- layouts and checks ----------------------------------------------------------
    def _layout(self):
        return "(N, T, I)" if self.batch_first else "(T, N, I)"

    def _time_major(self, x):
        """x as a contiguous (T, N, I) array, and whether it was batched."""
        who = type(self).__name__
        x = as_float_array(x, who, dtype=self._dtype())
        if x.ndim not in (2, 3):
            raise ValueError(f"{who} expects input of shape {self._layout()} or unbatched (T, I), "
                             f"got {x.ndim}-D input of shape {tuple(x.shape)}")
        if x.shape[-1] != self.input_size:
            raise ValueError(f"{who}(input_size={self.input_size}) got input of shape {tuple(x.shape)}: "
                             f"last dimension must be {self.input_size}")
        if x.size == 0:
            raise ValueError(f"{who} got input of shape {tuple(x.shape)}: the sequence and batch must not be empty")
        batched = x.ndim == 3
        if not batched:
            x = x[:, None, :]
        elif self.batch_first:
            x = x.transpose(1, 0, 2)
        return np.ascontiguousarray(x), batched

    def _state_shape(self, n, batched):
        return (self.num_layers, n, self.hidden_size) if batched else (self.num_layers, self.hidden_size)

    def _initial_states(self, hx, n, batched):
        """hx (or zeros) as a list of _n_states arrays (num_layers, N, H)."""
        who = type(self).__name__
        if hx is None:
            return [np.zeros((self.num_layers, n, self.hidden_size), self._dtype()) for _ in range(self._n_states)]
        if self._n_states == 2:
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise TypeError(f"{who} takes hx as a pair (h_0, c_0), got {type(hx).__name__}")
            names = ("h_0", "c_0")
        else:
            hx, names = (hx,), ("hx",)
        expected = self._state_shape(n, batched)
        states = []
        for name, s in zip(names, hx):
            s = as_float_array(s, who, name, dtype=self._dtype())
            if s.shape != expected:
                what = "batched (T, N, I)" if batched else "unbatched (T, I)"
                raise ValueError(f"{who}: {name} has shape {tuple(s.shape)}; for {what} input it must be "
                                 f"{expected} (num_layers, {'batch, ' if batched else ''}hidden_size)")
            states.append(s.reshape(self.num_layers, n, self.hidden_size))
        return states

    def _grad_state(self, g, name, n, batched):
        """Upstream gradient w.r.t. a final state, as (num_layers, N, H) (zeros if None)."""
        if g is None:
            return np.zeros((self.num_layers, n, self.hidden_size), self._dtype())
        who = type(self).__name__
        g = as_float_array(g, f"{who}.backward", name, dtype=self._dtype())
        expected = self._state_shape(n, batched)
        if g.shape != expected:
            raise ValueError(f"{who}.backward got {name} of shape {tuple(g.shape)}; it must match the "
                             f"forward's final state, shape {expected}")
        return g.reshape(self.num_layers, n, self.hidden_size)

    # -- forward -----------------------------------------------------------------------
    def _forward(self, x, hx):
        """Run every layer; returns (output, list of final states) in the caller's layout."""
        x, batched = self._time_major(x)
        t_len, n, _ = x.shape
        states = self._initial_states(hx, n, batched)
        inp, caches = x, []
        for k in range(self.num_layers):
            w_ih, w_hh, b_ih, b_hh = self._layer_params(k)
            scale = np.ones((self._n_blocks, self.hidden_size), x.dtype)
            scale[list(self._sigmoid_blocks)] = 0.5
            scale = scale.reshape(-1, 1)
            # the input's part of every gate at every step, in one matrix product
            z = (inp.reshape(t_len * n, -1) @ (w_ih.data * scale).T).reshape(t_len, n, -1)
            if self.bias:
                z += self._folded_bias(b_ih.data, b_hh.data) * scale[:, 0]
            w_hh_t = np.ascontiguousarray((w_hh.data * scale).T)  # contiguous: faster in the step loop
            h_all = np.empty((t_len + 1, n, self.hidden_size), x.dtype)  # h_all[0] = h_0, h_all[t + 1] = h_t
            h_all[0] = states[0][k]
            cache = self._steps(z, h_all, w_hh_t, b_hh.data if self.bias else None, [s[k] for s in states[1:]])
            cache.update(inp=inp, h_all=h_all)
            caches.append(cache)
            inp = h_all[1:]
        self._cache = (caches, x.shape, batched)
        self.h_seq = [c["h_all"][1:] for c in caches]
        self.gates = [{name: c["a"][:, :, j * self.hidden_size:(j + 1) * self.hidden_size]
                       for j, name in enumerate(self._gate_names)} for c in caches]
        if self._n_states == 2:
            self.c_seq = [c["c_all"][1:] for c in caches]
        out = inp if batched and not self.batch_first else inp.transpose(1, 0, 2) if batched else inp[:, 0]
        finals = [np.stack([c[key][-1] for c in caches]) for key in ("h_all", "c_all")[:self._n_states]]
        if not batched:
            finals = [f[:, 0] for f in finals]
        return np.array(out), finals

    def _folded_bias(self, b_ih, b_hh):
        """Bias added to the input projection: b_ih + b_hh (GRU keeps b_hn apart)."""
        return b_ih + b_hh

    # -- backward ----------------------------------------------------------------------
    def _backward(self, grad_output, grad_finals):
        """BPTT through every layer, top to bottom; returns dL/dx in x's layout."""
        who = type(self).__name__
        require_forward(self._cache, who)
        caches, (t_len, n, _), batched = self._cache
        g = as_float_array(grad_output, f"{who}.backward", "grad_output", dtype=self._dtype())
        out_shape = (t_len, n, self.hidden_size)
        if not batched:
            out_shape = (t_len, self.hidden_size)
        elif self.batch_first:
            out_shape = (n, t_len, self.hidden_size)
        check_grad_shape(g, out_shape, who)
        g = g[:, None, :] if not batched else g.transpose(1, 0, 2) if self.batch_first else g
        names = ("grad_h_n", "grad_c_n")
        carries = [self._grad_state(gs, name, n, batched) for gs, name in zip(grad_finals, names)]
        grad_h_seq, grad_init = [None] * self.num_layers, [np.empty_like(c) for c in carries]
        d_out = g
        for k in reversed(range(self.num_layers)):
            w_ih, w_hh, b_ih, b_hh = self._layer_params(k)
            c = caches[k]
            dh_seq = np.empty((t_len, n, self.hidden_size), g.dtype)
            carry = [np.array(cs[k]) for cs in carries]  # fresh copies: the loop updates them in place
            dz_x, dz_h = self._steps_backward(c, d_out, dh_seq, w_hh.data, carry)
            for j, cs in enumerate(carry):
                grad_init[j][k] = cs
            grad_h_seq[k] = dh_seq
            rows = self._n_blocks * self.hidden_size
            dz_x2, dz_h2 = dz_x.reshape(-1, rows), dz_h.reshape(-1, rows)
            w_ih.grad += dz_x2.T @ c["inp"].reshape(t_len * n, -1)
            w_hh.grad += dz_h2.T @ c["h_all"][:-1].reshape(t_len * n, -1)
            if self.bias:
                db = dz_x2.sum(axis=0)
                b_ih.grad += db
                b_hh.grad += db if dz_h is dz_x else dz_h2.sum(axis=0)
            d_out = (dz_x2 @ w_ih.data).reshape(t_len, n, -1)
        self.grad_h_seq = grad_h_seq
        if not batched:
            grad_init = [gi[:, 0] for gi in grad_init]
        self.grad_hx = grad_init[0] if self._n_states == 1 else tuple(grad_init)
        if not batched:
            return d_out[:, 0]
        return d_out.transpose(1, 0, 2) if self.batch_first else d_out

    def extra_repr(self):
        parts = [f"{self.input_size}, {self.hidden_size}"]
        if self.num_layers != 1:
            parts.append(f"num_layers={self.num_layers}")
        if not self.bias:
            parts.append("bias=False")
        if self.batch_first:
            parts.append("batch_first=True")
        return ", ".join(parts)


class RNN(_RNNBase):
    """Elman RNN: h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), act = tanh or relu.

    Shapes: see the module docstring; weights (H, I or H), biases (H,). ``gates`` holds ``{}`` per layer.
    """

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first)
        self.nonlinearity = nonlinearity

    def forward(self, x, hx=None):
        """x (T, N, I) | (N, T, I) | (T, I); hx (num_layers, N, H) | (num_layers, H) -> (output, h_n)."""
        out, (h_n,) = self._forward(x, hx)
        return out, h_n

    def backward(self, grad_output, grad_h_n=None):
        """grad_output like output, grad_h_n like h_n (None: h_n unused) -> dL/dx like x."""
        return self._backward(grad_output, (grad_h_n,))

    def _steps(self, z, h_all, w_hh_t, b_hh, _):
        buf = np.empty(h_all.shape[1:], h_all.dtype)
        for t in range(z.shape[0]):
            np.matmul(h_all[t], w_hh_t, out=buf)
            np.add(z[t], buf, out=h_all[t + 1])
            if self.nonlinearity == "tanh":
                np.tanh(h_all[t + 1], out=h_all[t + 1])
            else:
                np.maximum(h_all[t + 1], 0.0, out=h_all[t + 1])
        return {}  # no gates to keep

    def _steps_backward(self, c, d_out, dh_seq, w_hh, carry):
        h = c["h_all"][1:]
        # act'(pre-activation) from the output: 1 - h^2 for tanh, [h > 0] for relu (torch: 0 at 0)
        slope = 1.0 - h * h if self.nonlinearity == "tanh" else (h > 0).astype(h.dtype)
        dz = np.empty_like(h)
        (dh,) = carry
        for t in reversed(range(h.shape[0])):
            np.add(d_out[t], dh, out=dh_seq[t])
            np.multiply(dh_seq[t], slope[t], out=dz[t])
            np.matmul(dz[t], w_hh, out=dh)
        return dz, dz

    def extra_repr(self):
        base = super().extra_repr()
        return base + (f", nonlinearity={self.nonlinearity!r}" if self.nonlinearity != "tanh" else "")


class LSTM(_RNNBase):
    """Long short-term memory, torch's gate order i, f, g, o:

        i, f, o = sigmoid(.), g = tanh(.)  of  x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh (one block each)
        c_t = f * c_{t-1} + i * g,   h_t = o * tanh(c_t)

    Shapes: see the module docstring; weights (4H, I or H), biases (4H,). hx = (h_0, c_0).
    """
    _gate_names = ("i", "f", "g", "o")
    _n_blocks = 4
    _n_states = 2
    _sigmoid_blocks = (0, 1, 3)

    def forward(self, x, hx=None):
        """x (T, N, I) | (N, T, I) | (T, I); hx = (h_0, c_0) or None -> (output, (h_n, c_n))."""
        out, (h_n, c_n) = self._forward(x, hx)
        return out, (h_n, c_n)

    def backward(self, grad_output, grad_h_n=None, grad_c_n=None):
        """grad_output like output, grad_h_n / grad_c_n like h_n / c_n (None: unused) -> dL/dx like x."""
        return self._backward(grad_output, (grad_h_n, grad_c_n))

    def _steps(self, z, h_all, w_hh_t, b_hh, c0):
        t_len, n, hs = h_all.shape[0] - 1, h_all.shape[1], h_all.shape[2]
        c_all = np.empty_like(h_all)
        c_all[0] = c0[0]
        tanh_c = np.empty((t_len, n, hs), h_all.dtype)
        buf, tmp = np.empty((n, 4 * hs), h_all.dtype), np.empty((n, hs), h_all.dtype)
        # tanh(pre / 2) -> sigmoid in the i, f, o blocks, g unchanged: two whole-row operations per step
        # instead of four on strided blocks (the same roundings: * 0.5 + 0.5, or * 1 + 0)
        shift = np.full(4 * hs, 0.5, z.dtype)
        shift[2 * hs: 3 * hs] = 0.0
        mult = shift.copy()
        mult[2 * hs: 3 * hs] = 1.0
        for t in range(t_len):
            a = z[t]  # pre-activations become activations in place
            np.matmul(h_all[t], w_hh_t, out=buf)
            a += buf
            np.tanh(a, out=a)  # g, and i, f, o as tanh(pre / 2)
            a *= mult
            a += shift
            np.multiply(a[:, hs:2 * hs], c_all[t], out=c_all[t + 1])
            np.multiply(a[:, :hs], a[:, 2 * hs:3 * hs], out=tmp)
            c_all[t + 1] += tmp
            np.tanh(c_all[t + 1], out=tanh_c[t])
            np.multiply(a[:, 3 * hs:], tanh_c[t], out=h_all[t + 1])
        return {"a": z, "c_all": c_all, "tanh_c": tanh_c}

    def _steps_backward(self, c, d_out, dh_seq, w_hh, carry):
        a, c_all, tanh_c = c["a"], c["c_all"], c["tanh_c"]
        t_len, n, hs = tanh_c.shape
        i, f, g, o = (a[:, :, j * hs:(j + 1) * hs] for j in range(4))
        # every factor that does not depend on the upstream gradient, for all steps at once:
        # d pre_i = dc g i(1-i), d pre_f = dc c_{t-1} f(1-f), d pre_g = dc i (1-g^2), d pre_o = dh tanh(c) o(1-o)
        # (whole-array operations where possible: on one gate block, strided, each costs about three times more)
        p = np.subtract(1.0, a)
        p *= a  # s (1 - s) for the sigmoid gates i, f, o
        p_g = p[:, :, 2 * hs: 3 * hs]
        np.multiply(g, g, out=p_g)
        np.subtract(1.0, p_g, out=p_g)  # 1 - g^2 for the tanh gate
        p = p.reshape(t_len, n, 4, hs)
        for j, partner in enumerate((g, c_all[:-1], i, tanh_c)):
            p[:, :, j] *= partner
        dh_to_dc = np.multiply(tanh_c, tanh_c)
        np.subtract(1.0, dh_to_dc, out=dh_to_dc)
        dh_to_dc *= o
        dz = np.empty((t_len, n, 4, hs), a.dtype)
        dh, dc = carry
        tmp = np.empty((n, hs), a.dtype)
        upstream = np.empty((n, 4, hs), a.dtype)  # (dc, dc, dc, dh): one contiguous product gives dz[t]
        for t in reversed(range(t_len)):
            np.add(d_out[t], dh, out=dh_seq[t])
            np.multiply(dh_seq[t], dh_to_dc[t], out=tmp)
            dc += tmp  # dL/dc_t: through h_t, plus through c_{t+1} (carried)
            upstream[:, :3] = dc[:, None, :]
            upstream[:, 3] = dh_seq[t]
            np.multiply(upstream, p[t], out=dz[t])
            dc *= f[t]
            np.matmul(dz[t].reshape(n, 4 * hs), w_hh, out=dh)
        return dz, dz


class GRU(_RNNBase):
    """Gated recurrent unit, torch's gate order r, z, n and placement of b_hn:

        r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr),  z = sigmoid(x W_iz^T + b_iz + h W_hz^T + b_hz)
        n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn)),  h_t = (1 - z) * n + z * h_{t-1}

    Shapes: see the module docstring; weights (3H, I or H), biases (3H,).
    """
    _gate_names = ("r", "z", "n")
    _n_blocks = 3
    _sigmoid_blocks = (0, 1)

    def forward(self, x, hx=None):
        """x (T, N, I) | (N, T, I) | (T, I); hx (num_layers, N, H) | (num_layers, H) -> (output, h_n)."""
        out, (h_n,) = self._forward(x, hx)
        return out, h_n

    def backward(self, grad_output, grad_h_n=None):
        """grad_output like output, grad_h_n like h_n (None: h_n unused) -> dL/dx like x."""
        return self._backward(grad_output, (grad_h_n,))

    def _folded_bias(self, b_ih, b_hh):
        hs = self.hidden_size
        return b_ih + np.concatenate([b_hh[:2 * hs], np.zeros(hs, b_hh.dtype)])  # b_hn stays inside r * (...)

    def _steps(self, z, h_all, w_hh_t, b_hh, _):
        t_len, n, hs = h_all.shape[0] - 1, h_all.shape[1], h_all.shape[2]
        hn = np.empty((t_len, n, hs), h_all.dtype)  # h W_hn^T + b_hn, which backward needs for dr
        buf, tmp = np.empty((n, 3 * hs), h_all.dtype), np.empty((n, hs), h_all.dtype)
        for t in range(t_len):
            a = z[t]
            rz, n_t = a[:, :2 * hs], a[:, 2 * hs:]
            np.matmul(h_all[t], w_hh_t, out=buf)
            rz += buf[:, :2 * hs]
            np.tanh(rz, out=rz)
            _tanh_half_to_sigmoid(rz)
            if b_hh is None:
                hn[t] = buf[:, 2 * hs:]
            else:
                np.add(buf[:, 2 * hs:], b_hh[2 * hs:], out=hn[t])
            np.multiply(a[:, :hs], hn[t], out=tmp)
            n_t += tmp
            np.tanh(n_t, out=n_t)
            # h_t = n + z (h_{t-1} - n)
            np.subtract(h_all[t], n_t, out=tmp)
            tmp *= a[:, hs:2 * hs]
            np.add(n_t, tmp, out=h_all[t + 1])
        return {"a": z, "hn": hn}

    def _steps_backward(self, c, d_out, dh_seq, w_hh, carry):
        a, hn, h_prev = c["a"], c["hn"], c["h_all"][:-1]
        t_len, n, hs = hn.shape
        r, z, nn_ = (a[:, :, j * hs:(j + 1) * hs] for j in range(3))
        # factors independent of the upstream gradient dh, for all steps at once:
        # d pre_n = dh (1-z)(1-n^2); d pre_r = d pre_n hn r(1-r); d pre_z = dh (h_{t-1} - n) z(1-z);
        # the hidden side sees d pre_n * r for its n block (b_hn sits inside r * (...))
        dn_pre = (1 - z) * (1 - nn_ * nn_)
        q = np.empty((t_len, n, 3, hs), a.dtype)
        q[:, :, 0] = dn_pre * hn * r * (1 - r)
        q[:, :, 1] = (h_prev - nn_) * z * (1 - z)
        q[:, :, 2] = dn_pre * r
        dz_h = np.empty((t_len, n, 3, hs), a.dtype)
        (dh,) = carry
        tmp = np.empty((n, hs), a.dtype)
        for t in reversed(range(t_len)):
            np.add(d_out[t], dh, out=dh_seq[t])
            np.multiply(dh_seq[t][:, None, :], q[t], out=dz_h[t])
            np.matmul(dz_h[t].reshape(n, 3 * hs), w_hh, out=dh)
            np.multiply(dh_seq[t], z[t], out=tmp)
            dh += tmp  # the direct path h_t = ... + z h_{t-1}
        dz_x = dz_h.copy()
        np.multiply(dh_seq, dn_pre, out=dz_x[:, :, 2])
        return dz_x, dz_h
