"""Many small images as one picture, for grids of samples, reconstructions or decoded codes."""
import numpy as np


def tile_images(images, cols, gap=1, fill=np.nan):
    """One 2-D array holding ``images`` row by row, ``cols`` per row, ``gap`` pixels of ``fill`` between them.

    images: (N, H, W), or (N, H*W) flat square images, or (N, 1, H, W). Returns
    (rows * (H + gap) - gap, cols * (W + gap) - gap); a missing last-row image is left as ``fill``
    (NaN shows as the background with ``imshow``).
    """
    arr = np.asarray(images, dtype=np.float64)
    if arr.ndim == 4 and arr.shape[1] == 1:
        arr = arr[:, 0]
    elif arr.ndim == 2:
        side = int(round(np.sqrt(arr.shape[1])))
        if side * side != arr.shape[1]:
            raise ValueError(f"tile_images: flat images need a square number of pixels, got {arr.shape[1]}")
        arr = arr.reshape(len(arr), side, side)
    if arr.ndim != 3 or len(arr) == 0:
        raise ValueError(f"tile_images: expected images (N, H, W), (N, 1, H, W) or flat (N, H*W); "
                         f"got shape {np.shape(images)}")
    if isinstance(cols, bool) or not isinstance(cols, (int, np.integer)) or cols < 1:
        raise ValueError(f"tile_images: cols must be a positive integer, got {cols!r}")
    n, h, w = arr.shape
    rows = -(-n // cols)
    out = np.full((rows * (h + gap) - gap, cols * (w + gap) - gap), fill, dtype=np.float64)
    for i, img in enumerate(arr):  # a loop over a few dozen images, not over pixels
        r, c = divmod(i, cols)
        out[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = img
    return out
