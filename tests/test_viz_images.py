"""tile_images: many small images laid out as one array."""
import numpy as np
import pytest

from dlcourse.viz import tile_images


def test_layout_and_gaps():
    imgs = np.arange(5 * 2 * 3, dtype=float).reshape(5, 2, 3)
    out = tile_images(imgs, cols=2)
    assert out.shape == (3 * 3 - 1, 2 * 4 - 1)
    np.testing.assert_array_equal(out[0:2, 0:3], imgs[0])
    np.testing.assert_array_equal(out[0:2, 4:7], imgs[1])
    np.testing.assert_array_equal(out[6:8, 0:3], imgs[4])
    assert np.isnan(out[2]).all() and np.isnan(out[:, 3]).all() and np.isnan(out[6:8, 4:7]).all()
    flat = tile_images(np.ones((4, 64)), cols=4, gap=0)
    assert flat.shape == (8, 32) and (flat == 1).all()
    assert tile_images(np.zeros((3, 1, 8, 8)), cols=3).shape == (8, 26)


@pytest.mark.parametrize("images, cols, match", [
    (np.zeros((3, 10)), 2, "square number of pixels, got 10"),
    (np.zeros((0, 4, 4)), 2, r"got shape \(0, 4, 4\)"),
    (np.zeros((3, 4, 4)), 0, "cols must be a positive integer, got 0"),
])
def test_errors_teach(images, cols, match):
    with pytest.raises(ValueError, match=match):
        tile_images(images, cols)
