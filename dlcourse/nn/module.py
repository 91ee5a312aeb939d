"""Module, Parameter and Sequential: the skeleton every NumPy layer hangs on.

Names follow torch.nn so a learner can move weights between the two with
``load_state_dict``. Each module computes ``forward(x)`` and, from what forward
stored, ``backward(grad_output) -> grad_input``; parameter gradients are *added*
to ``param.grad`` (call ``zero_grad()`` between steps, as in torch).

Dtypes: parameters start as float64, so the lessons' comparisons with torch (in float64) agree to
rounding level. ``module.float()``, ``module.double()`` and ``module.to(dtype)`` convert parameters,
their gradients and floating buffers in place, recursively, as torch does.
"""
from collections import OrderedDict

import numpy as np

from ._checks import as_dtype, float_dtype


class Parameter:
    """A trainable array: ``data`` and the accumulated gradient ``grad`` (same shape and dtype).

    ``data`` is stored as float64, whatever comes in; ``Module.float()`` converts a whole model.
    """

    def __init__(self, data):
        self.data = np.array(data, dtype=np.float64)
        self.grad = np.zeros_like(self.data)

    @property
    def shape(self):
        return self.data.shape

    def zero_grad(self):
        self.grad[...] = 0.0

    def __repr__(self):
        return f"Parameter(shape={self.data.shape})"


class Module:
    """Base class: registers Parameters and sub-Modules assigned as attributes.

    Dtype policy: a layer with parameters computes in its parameters' dtype and *casts* its input to it
    (torch raises "expected ... Float but found Double" instead; casting lets NumPy's float64 data go
    straight into a float32 model). A layer without parameters computes in its input's dtype (float32
    or float64; integers become float64). ``backward`` returns gradients in the dtype the layer computed
    in. Losses compute in their input's dtype and cast the target to it.
    """

    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "training", True)

    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise RuntimeError(f"{type(self).__name__}.__init__ must call super().__init__() "
                               "before assigning attributes")
        if name in self._buffers:  # as in torch, assigning to a buffer's name replaces the buffer
            self._buffers[name] = np.array(value, dtype=self._buffers[name].dtype)  # keeping its dtype
            return
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        object.__setattr__(self, name, value)

    def __getattr__(self, name):
        # only reached when normal lookup fails: buffers are attributes too (bn.running_mean, as in torch)
        buffers = self.__dict__.get("_buffers", {})
        if name in buffers:
            return buffers[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __call__(self, *args, **kwargs):
        if not hasattr(self, "forward"):
            raise TypeError(f"{type(self).__name__} defines no forward(x); a Module subclass needs "
                            "forward(x) and backward(grad_output)")
        return self.forward(*args, **kwargs)

    # -- parameters -------------------------------------------------------
    def named_parameters(self, prefix=""):
        for name, p in self._parameters.items():
            yield prefix + name, p
        for mname, m in self._modules.items():
            yield from m.named_parameters(prefix + mname + ".")

    def parameters(self):
        for _, p in self.named_parameters():
            yield p

    def register_buffer(self, name, array):
        """State that is saved and loaded but not trained (e.g. BatchNorm's running statistics).

        Reachable as an attribute (``bn.running_mean``), as in torch. An integer array stays integer
        (a counter); anything else is stored as float32 or float64 (see ``as_float_array``).
        """
        if name in self.__dict__ or name in self._parameters or name in self._modules:
            raise KeyError(f"{type(self).__name__}.register_buffer: attribute '{name}' already exists")
        arr = np.array(array)
        self._buffers[name] = arr if np.issubdtype(arr.dtype, np.integer) else arr.astype(float_dtype(arr.dtype))

    def named_buffers(self, prefix=""):
        for name, b in self._buffers.items():
            yield prefix + name, b
        for mname, m in self._modules.items():
            yield from m.named_buffers(prefix + mname + ".")

    def children(self):
        return iter(self._modules.values())

    def zero_grad(self):
        for p in self.parameters():
            p.zero_grad()

    def num_parameters(self):
        return int(sum(p.data.size for p in self.parameters()))

    # -- modes ----------------------------------------------------------------
    def train(self, mode=True):
        object.__setattr__(self, "training", bool(mode))
        for m in self.children():
            m.train(mode)
        return self

    def eval(self):
        return self.train(False)

    # -- dtype -----------------------------------------------------------------------
    def to(self, dtype):
        """Convert parameters, their gradients and floating buffers to ``dtype``, here and in every sub-module.

        ``dtype``: float32 or float64, as ``np.float32``, ``'float32'`` or ``torch.float32`` (or the float64
        versions). Integer buffers (a counter) stay integer. The Parameter objects stay the same, so an
        optimizer built before still updates them. Returns the module itself (chainable, as in torch).
        """
        dt = as_dtype(dtype, f"{type(self).__name__}.to")
        for p in self.parameters():
            p.data, p.grad = p.data.astype(dt, copy=False), p.grad.astype(dt, copy=False)
        self._cast_buffers(dt)
        return self

    def float(self):
        """``to(np.float32)``: single precision, as ``torch.nn.Module.float()``."""
        return self.to(np.float32)

    def double(self):
        """``to(np.float64)``: double precision, the default of dlcourse.nn."""
        return self.to(np.float64)

    def _cast_buffers(self, dt):
        for name, b in self._buffers.items():
            if np.issubdtype(b.dtype, np.floating):
                self._buffers[name] = b.astype(dt, copy=False)
        for m in self.children():
            m._cast_buffers(dt)

    # -- state -------------------------------------------------------------------
    def state_dict(self, prefix=""):
        """Copies of parameters and buffers, module by module in torch's order."""
        state = OrderedDict((prefix + name, p.data.copy()) for name, p in self._parameters.items())
        state.update((prefix + name, b.copy()) for name, b in self._buffers.items())
        for mname, m in self._modules.items():
            state.update(m.state_dict(prefix + mname + "."))
        return state

    def load_state_dict(self, state_dict, strict=True):
        """Copy arrays into this module's parameters.

        Accepts NumPy arrays or torch tensors (a torch ``state_dict()`` works as is); values are cast to
        this module's dtypes (a float32 torch state fills a float64 module exactly, and vice versa with
        rounding). With ``strict=True`` the key sets must match exactly.
        """
        own = {name: p.data for name, p in self.named_parameters()}
        own.update(self.named_buffers())
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        if strict and (missing or unexpected):
            raise KeyError(f"{type(self).__name__}.load_state_dict: missing keys {missing}, "
                           f"unexpected keys {unexpected}")
        values = {}
        for name, p in own.items():  # check everything first: a bad entry changes no weight
            if name not in state_dict:
                continue
            value = state_dict[name]
            if hasattr(value, "detach"):
                value = value.detach().cpu().double().numpy()
            value = np.asarray(value, dtype=np.float64)
            if value.shape != p.shape:
                raise ValueError(f"{type(self).__name__}.load_state_dict: '{name}' has shape "
                                 f"{tuple(value.shape)}, this module expects {tuple(p.shape)}")
            values[name] = value
        for name, value in values.items():
            own[name][...] = value

    # -- printing -------------------------------------------------------------
    def extra_repr(self):
        return ""

    def __repr__(self):
        lines = [f"{type(self).__name__}({self.extra_repr()}"]
        if self._modules:
            for name, m in self._modules.items():
                child = repr(m).replace("\n", "\n  ")
                lines.append(f"\n  ({name}): {child}")
            lines.append("\n")
        return "".join(lines) + ")"


class Sequential(Module):
    """Modules applied in order; backward runs them in reverse."""

    def __init__(self, *modules):
        super().__init__()
        for i, m in enumerate(modules):
            if not isinstance(m, Module):
                raise TypeError(f"Sequential takes dlcourse.nn modules; argument {i} is {type(m).__name__}")
            setattr(self, str(i), m)

    def __len__(self):
        return len(self._modules)

    def __getitem__(self, i):
        return list(self._modules.values())[i]

    def __iter__(self):
        return iter(self._modules.values())

    def forward(self, x):
        for m in self:
            x = m(x)
        return x

    def backward(self, grad_output):
        for m in reversed(list(self)):
            grad_output = m.backward(grad_output)
        return grad_output
