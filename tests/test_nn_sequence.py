"""dl.nn.RecurrentNet (NumPy) against dl.models.RecurrentNet (torch) and finite differences."""
import numpy as np
import pytest
import torch

import dlcourse as dl
from dlcourse.gradcheck import numerical_gradient


@pytest.mark.parametrize("kind, gate_bias", [("rnn", None), ("lstm", 2.0), ("gru", 2.0), ("gru", None)])
def test_matches_torch_model_with_copied_weights(kind, gate_bias, rng):
    torch.manual_seed(0)
    ref = dl.models.RecurrentNet(3, 5, 4, kind=kind, num_layers=2, gate_bias=gate_bias).double()
    ours = dl.nn.RecurrentNet(3, 5, 4, kind=kind, num_layers=2, gate_bias=gate_bias)
    assert list(ours.state_dict()) == list(ref.state_dict())
    if gate_bias is not None:
        assert np.all(ours.state_dict()["rnn.bias_hh_l1"][5:10] == gate_bias)
    ours.load_state_dict({k: v.numpy() for k, v in ref.state_dict().items()})
    x, g = rng.standard_normal((6, 7, 3)), rng.standard_normal((6, 4))
    xt = torch.tensor(x, requires_grad=True)
    out = ref(xt)
    out.backward(torch.tensor(g))
    assert np.allclose(ours(x), out.detach().numpy(), atol=1e-12)
    assert np.allclose(ours.backward(g), xt.grad.numpy(), atol=1e-12)
    for (name, p), (_, q) in zip(ours.named_parameters(), ref.named_parameters()):
        assert np.allclose(p.grad, q.grad.numpy(), atol=1e-12), name


def test_gradient_norms_match_finite_differences_of_the_states(rng):
    model = dl.nn.RecurrentNet(2, 3, 2, kind="lstm")
    x, g = rng.standard_normal((4, 6, 2)), rng.standard_normal((4, 2))
    model(x)
    model.backward(g)
    norms = dl.nn.gradient_norms(model)
    assert norms.shape == (6,)
    # h_T feeds only the head, so dL/dh_T = g W_head
    assert np.isclose(norms[-1], np.linalg.norm(g @ model.head.weight.data))
    # and the loss L = sum(g * out) as a function of x matches the returned input gradient
    dx = model.backward(g)
    num = numerical_gradient(lambda: float(np.sum(model(x) * g)), x)
    assert np.allclose(dx, num, atol=1e-6)


def test_errors_are_named():
    with pytest.raises(ValueError, match="kind must be one of rnn, lstm, gru"):
        dl.nn.RecurrentNet(2, 3, 2, kind="cnn")
    with pytest.raises(ValueError, match="gate_bias needs a gated cell"):
        dl.nn.RecurrentNet(2, 3, 2, kind="rnn", gate_bias=1.0)
    with pytest.raises(ValueError, match=r"expects x of shape \(N, T, 2\)"):
        dl.nn.RecurrentNet(2, 3, 2)(np.zeros((5, 2)))
    with pytest.raises(ValueError, match="call model.backward"):
        dl.nn.gradient_norms(dl.nn.RecurrentNet(2, 3, 2))
