"""Each optimizer follows torch.optim's trajectory step for step."""
import numpy as np
import pytest
import torch

from dlcourse import nn, optim

CASES = [
    ("SGD", dict(lr=0.05)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.01)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.05, amsgrad=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
]


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_follows_torch_for_60_steps(name, kwargs):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 4))
    y = rng.integers(0, 3, 16)
    torch.manual_seed(0)
    tmodel = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))
    model.load_state_dict(tmodel.state_dict())
    topt = getattr(torch.optim, name)(tmodel.parameters(), **kwargs)
    opt = getattr(optim, name)(model.parameters(), **kwargs)
    loss_fn, tloss_fn = nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()
    xt, yt = torch.tensor(x), torch.tensor(y)
    for _ in range(60):
        topt.zero_grad()
        tloss_fn(tmodel(xt), yt).backward()
        topt.step()
        opt.zero_grad()
        loss_fn(model(x), y)
        model.backward(loss_fn.backward())
        opt.step()
    for (name_, p), tp in zip(model.named_parameters(), tmodel.parameters()):
        np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=1e-6, atol=1e-9, err_msg=name_)
    # it also actually moved: the comparison is not trivially between two unchanged models
    assert not np.allclose(model.state_dict()["0.weight"], torch.nn.Sequential(
        torch.nn.Linear(4, 8)).state_dict()["0.weight"].numpy())


@pytest.mark.parametrize("bad", [
    lambda p: optim.SGD(p, lr=-0.1),
    lambda p: optim.SGD(p, lr=float("nan")),
    lambda p: optim.SGD(p, lr=0.1, nesterov=True),
    lambda p: optim.Adam(p, betas=(1.0, 0.9)),
    lambda p: optim.Adam(p, betas=0.9),
    lambda p: optim.RMSprop(p, eps=-1),
    lambda p: optim.AdamW(p, lr="fast"),
])
def test_bad_hyper_parameters_raise_value_error(bad):
    with pytest.raises(ValueError, match="SGD|Adam|RMSprop"):
        bad(nn.Linear(2, 2).parameters())


def test_bad_parameter_lists():
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="torch.optim"):
        optim.Adam(torch.nn.Linear(2, 2).parameters())
