"""Lesson 06 additions: generated shape images, receptive fields, top-activating patches, new checks."""
import numpy as np
import pytest
import torch

import dlcourse as dl
from dlcourse import check
from reference import solutions
from dlcourse.models import receptive_fields


def test_make_shapes_is_deterministic_balanced_and_shaped():
    a, b = dl.data.make_shapes(n_per_class=20, seed=3), dl.data.make_shapes(n_per_class=20, seed=3)
    assert np.array_equal(a.X_train, b.X_train) and np.array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.X_train, dl.data.make_shapes(n_per_class=20, seed=4).X_train)
    assert a.X_train.shape[1:] == (1, 32, 32) and len(a.X_train) + len(a.X_val) + len(a.X_test) == 120
    assert np.bincount(np.concatenate([a.y_train, a.y_val, a.y_test])).tolist() == [20] * 6
    assert a.target_names == dl.data.SHAPE_CLASSES
    clean = dl.data.make_shapes(n_per_class=10, noise=0, size=24)
    assert clean.X_train.shape[2:] == (24, 24) and set(np.unique(clean.X_train)) == {0.0, 1.0}


@pytest.mark.parametrize("kwargs, words", [({"n_per_class": 2}, "n_per_class"), ({"size": 8}, "size must"),
                                           ({"noise": -1}, "noise"), ({"size": 32.0}, "integer")])
def test_make_shapes_names_bad_arguments(kwargs, words):
    with pytest.raises(ValueError, match=words):
        dl.data.make_shapes(**kwargs)


def test_receptive_fields_by_the_formula():
    n = torch.nn
    model = n.Sequential(n.Conv2d(1, 2, 3, padding=1), n.ReLU(), n.MaxPool2d(2),
                         n.Conv2d(2, 2, 3, padding=1, dilation=2), n.AvgPool2d(2), n.Conv2d(2, 2, 5, stride=2))
    got = [(f.size, f.jump, f.start) for f in receptive_fields(model)]
    # size += (k-1) d jump; start -= p jump; jump *= s
    assert got == [(3, 1, -1), (4, 2, -1), (12, 2, -3), (14, 4, -3), (30, 8, -3)]
    assert [f.name for f in receptive_fields(model)] == ["0", "2", "3", "4", "5"]


def test_receptive_field_matches_the_gradient_footprint():
    """The input pixels that can change one output unit are exactly its receptive field."""
    n = torch.nn
    model = n.Sequential(n.Conv2d(1, 1, 3, padding=1), n.AvgPool2d(2), n.Conv2d(1, 1, 3, padding=1, dilation=2),
                         n.AvgPool2d(2), n.Conv2d(1, 1, 3))
    for m in model:
        if isinstance(m, n.Conv2d):
            n.init.constant_(m.weight, 1.0)
    x = torch.zeros(1, 1, 40, 40, requires_grad=True)
    out = model(x)
    i, j = 1, 2
    out[0, 0, i, j].backward()
    rows, cols = np.nonzero(x.grad[0, 0].numpy())
    f = receptive_fields(model)[-1]
    assert (rows.min(), rows.max() - rows.min() + 1) == (f.start + i * f.jump, f.size)
    assert (cols.min(), cols.max() - cols.min() + 1) == (f.start + j * f.jump, f.size)


def test_receptive_fields_of_numpy_and_torch_models_agree():
    np_model = dl.nn.Sequential(dl.nn.Conv2d(1, 4, 3, padding=1), dl.nn.ReLU(), dl.nn.MaxPool2d(2),
                                dl.nn.Conv2d(4, 4, 3, padding=1), dl.nn.MaxPool2d(2), dl.nn.Flatten())
    torch_model = dl.models.CNN(channels=(4, 4))
    assert [f[1:] for f in receptive_fields(np_model)] == [f[1:] for f in receptive_fields(torch_model)]
    with pytest.raises(ValueError, match="no Conv2d"):
        receptive_fields(torch.nn.Linear(3, 2))


def test_top_patches_finds_the_unit_and_its_input_window():
    n = torch.nn
    conv = n.Conv2d(1, 1, 3, padding=1, bias=False)
    n.init.constant_(conv.weight, 1.0)
    model = n.Sequential(conv, n.ReLU(), n.MaxPool2d(2))
    images = np.zeros((3, 1, 8, 8))
    images[1, 0, 5, 2] = 2.0  # one bright pixel: the strongest unit in image 1 sees it
    images[2, 0, 0, 0] = 1.0
    res = dl.widgets.top_patches(model, "2", images, k=2)
    assert len(res) == 1 and res[0]["index"].tolist() == [1, 2]
    patch = res[0]["patches"][0]
    assert patch.shape == (4, 4) and patch.sum() == 2.0
    with pytest.raises(ValueError, match="no layer 'nope'"):
        dl.widgets.top_patches(model, "nope", images)
    with pytest.raises(ValueError, match="k must be"):
        dl.widgets.top_patches(model, "2", images, k=9)
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        dl.widgets.top_patches(model, "2", images[:, 0])


def test_lesson_06_feedback_names_the_likely_mistake():
    up = lambda g: g.repeat(2, axis=2).repeat(2, axis=3)
    mask_only = lambda x, g: (solutions.ex06_max_pool_backward(x, g) != 0).astype(float)

    def every_tied_max(x, g):  # right without ties; at a tie it sends the gradient to all tied inputs
        n, c, h, w = x.shape
        return up(g) * (x == up(x.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))))

    cases = [
        (check.ex06_output_size, 18, "dilation"), (check.ex06_output_size, 14, "padding"),
        (check.ex06_output_size, 15, "+ 1"), (check.ex06_output_size, 17, "rounded up"),
        (check.ex06_output_size, 32, "stride"), (check.ex06_output_size, 16.5, "floor"),
        (check.ex06_conv_parameters, 1200, "one bias"), (check.ex06_conv_parameters, 416, "3 input channels"),
        (check.ex06_conv_parameters, 76, "one filter"),
        (check.ex06_max_pool, lambda a: a.reshape(3, 2, 4, 2).mean(axis=(1, 3)), "averaged"),
        (check.ex06_max_pool, lambda a: np.maximum.reduce([a[:-1, :-1], a[1:, :-1], a[:-1, 1:], a[1:, 1:]]), "stride 2"),
        (check.ex06_max_pool_backward, lambda x, g: up(g), "all four"),
        (check.ex06_max_pool_backward, lambda x, g: up(g) / 4, "average pooling"),
        (check.ex06_max_pool_backward, mask_only, "did not multiply"),
        (check.ex06_max_pool_backward, lambda x, g: g, "shape"),
        (check.ex06_max_pool_backward, every_tied_max, "every tied input"),
    ]
    for fn, answer, words in cases:
        fb = fn(answer)
        assert not fb.passed and words in repr(fb), (fn.__name__, repr(fb))
    assert "np.int64" not in repr(check.ex06_conv_parameters(np.int64(1200)))


def test_budget_check_reports_which_constraint_failed():
    n = torch.nn
    too_big = check.ex06_budget_cnn(lambda: dl.models.CNN())
    assert not too_big and "parameter budget failed" in repr(too_big) and "13,706" in repr(too_big)
    weak = check.ex06_budget_cnn(lambda: n.Sequential(n.AvgPool2d(4), n.Flatten(), n.Linear(4, 10)))
    assert not weak and "accuracy target failed" in repr(weak) and "50 parameters" in repr(weak)
    wrong_out = check.ex06_budget_cnn(lambda: n.Sequential(n.Flatten(), n.Linear(64, 5)))
    assert not wrong_out and "(2, 5)" in repr(wrong_out)
    assert "torch.nn.Module" in repr(check.ex06_budget_cnn(lambda: "model"))
    state = torch.random.get_rng_state()
    assert check.ex06_budget_cnn(solutions.ex06_budget_cnn)  # trains for real: 10 epochs, seeded
    assert torch.equal(state, torch.random.get_rng_state())  # the learner's random stream is untouched


def test_mcnemar_counts_discordant_pairs_and_gives_the_exact_binomial_p_value():
    from scipy.stats import binomtest
    a = np.array([True] * 5 + [False] * 2 + [True] * 10 + [False] * 3)
    b = np.array([False] * 5 + [True] * 2 + [True] * 10 + [False] * 3)
    only_a, only_b, p = dl.metrics.mcnemar(a, b)
    assert (only_a, only_b) == (5, 2) and p == pytest.approx(binomtest(5, 7, 0.5).pvalue, rel=1e-12)
    assert dl.metrics.mcnemar(b, a)[:2] == (2, 5) and dl.metrics.mcnemar(b, a)[2] == pytest.approx(p)
    assert dl.metrics.mcnemar(a, a) == (0, 0, 1.0)  # identical predictions: no evidence either way
    lopsided = dl.metrics.mcnemar(np.ones(10, bool), np.zeros(10, bool))
    assert lopsided[:2] == (10, 0) and lopsided[2] == pytest.approx(2 / 2 ** 10)
    assert dl.metrics.mcnemar(torch.tensor(a), torch.tensor(b))[:2] == (5, 2)
    with pytest.raises(ValueError, match="20 entries but correct_b has 3"):
        dl.metrics.mcnemar(a, b[:3])
    with pytest.raises(TypeError, match="boolean"):
        dl.metrics.mcnemar(a.astype(int), b)
